package io.sluice.window;

/**
 * Key kinds as stored in state tables. Long keys and text keys are distinct key spaces: the long 7 and
 * the text "7" are different keys, which is what a Java caller sees as {@code 7L != "7"}.
 */
public final class KeyTags
{
    /** keyId is the publisher's long. */
    public static final int LONG = 1;
    /** keyId is the shard's {@link io.sluice.state.KeyDictionary} id for the text. */
    public static final int TEXT = 2;

    private KeyTags()
    {
    }
}
