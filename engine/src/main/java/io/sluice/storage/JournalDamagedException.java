package io.sluice.storage;

/**
 * A journal record that cannot be what was written: its checksum does not match, or its framing is
 * impossible. Sluice never skips such a record (an input skipped is an input lost), so whoever reads it
 * stops and says where: the journal, the record's index, and what to do.
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

    /** The index of the damaged record. */
    public long index()
    {
        return index;
    }
}
