package io.sluice.tools.io;

import java.io.IOException;

/**
 * Input events one at a time, each with the position the source resumes from once it is journaled. Malformed
 * input goes to the {@link DeadLetters} given at construction and is skipped.
 */
public interface EventSource extends AutoCloseable
{
    /** @return false at the end of the input (never, for an endless source). */
    boolean next(InputEvent event) throws IOException;

    /** A name for messages, e.g. the file. */
    String name();

    void close() throws IOException;
}
