package io.sluice.storage;

/**
 * Journal records that cannot be what was written: the checksum of the document (the batch) holding them
 * does not match, or their framing is impossible. Sluice never skips such records (an input skipped is an
 * input lost), so whoever reads them stops and says where: the journal, the index, and what to do.
 */
public final class JournalDamagedException extends IllegalStateException
{
    private static final long serialVersionUID = 1L;

    private final String journal;
    private final long index;

    public JournalDamagedException(final String journal, final long index, final String damage)
    {
        super("journal " + journal + " is damaged at index " + index + " (" + damage + "). Records are never skipped: " +
            "restore the directory from a copy, or move it aside and start afresh from the sources");
        this.journal = journal;
        this.index = index;
    }

    /** The journal's name, e.g. its directory. */
    public String journal()
    {
        return journal;
    }

    /**
     * Where the damage is: the index of the first record of the document that fails its checksum (any of
     * its records may be the one that changed), or of the record whose framing is impossible.
     */
    public long index()
    {
        return index;
    }
}
