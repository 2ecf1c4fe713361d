package io.sluice;

/** Receives window results on the shard thread that produced them; must not block for long. */
@FunctionalInterface
public interface ResultListener
{
    void onResult(WindowResult result);
}
