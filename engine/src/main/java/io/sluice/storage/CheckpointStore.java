package io.sluice.storage;

import org.agrona.DirectBuffer;

import java.io.IOException;
import java.util.List;
import java.util.function.Consumer;

/**
 * Durable checkpoints: a set of named state parts taken at one input-journal index. A checkpoint exists
 * only once its manifest, naming every part with its length and checksum, is durable; one without a
 * manifest, or whose manifest or parts fail their checksums, is never loaded.
 */
public interface CheckpointStore
{
    /** One serialised part: [offset, offset + length) of buffer. */
    record Part(String name, DirectBuffer buffer, int offset, int length)
    {
    }

    /** A verified checkpoint; {@code parts} buffers stay valid until the next call on the store. */
    record Stored(String name, long id, long journalIndex, int shards, String configuration, List<Part> parts)
    {
        public Part part(final String partName)
        {
            for (final Part part : parts)
            {
                if (part.name().equals(partName))
                {
                    return part;
                }
            }
            throw new IllegalStateException("checkpoint " + name + " has no part " + partName);
        }
    }

    /**
     * Writes every part, then the manifest (temporary file, fsync, rename, fsync of the directory), then
     * deletes all but the newest {@code keep} complete checkpoints. Returns once the checkpoint is durable.
     *
     * @return bytes written.
     */
    long write(long id, long journalIndex, int shards, String configuration, List<Part> parts, int keep) throws IOException;

    /**
     * The newest checkpoint whose manifest and parts all verify, or null when there is none. Each one
     * skipped on the way is reported to {@code warnings}, by name and reason.
     */
    Stored loadNewest(Consumer<String> warnings) throws IOException;

    /** The id the next checkpoint should take: above every id present, complete or not. */
    long nextId() throws IOException;
}
