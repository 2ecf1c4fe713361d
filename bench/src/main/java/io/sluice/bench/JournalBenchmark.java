package io.sluice.bench;

import io.sluice.journal.JournalStorage;
import io.sluice.storage.MessageLog;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The input journal alone, through the engine's {@link MessageLog} (Chronicle Queue, CRC32C per record):
 * append 64-byte records, committed in batches of 512 as the sequencer commits its ring batches, and read
 * them back in order. Records are 64 bytes, about an SBE input event with a short text key.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_EXPORTS_MISC, BenchFlags.ADD_EXPORTS_NIO, BenchFlags.HEAP, BenchFlags.NO_BOUNDS_CHECKS,
    BenchFlags.ADD_EXPORTS_REF, BenchFlags.ADD_EXPORTS_UNSAFE, BenchFlags.ADD_OPENS_LANG, BenchFlags.ADD_OPENS_REFLECT,
    BenchFlags.ADD_OPENS_IO, BenchFlags.ADD_OPENS_UTIL, BenchFlags.ADD_OPENS_ZIP, BenchFlags.NO_ANALYTICS})
@State(Scope.Thread)
public class JournalBenchmark
{
    private static final int RECORD_BYTES = 64;
    private static final int PRELOADED = 4_000_000;
    /** Records per commit, as the sequencer commits a ring batch: each commit closes one journal document. */
    private static final int BATCH = 512;

    private final UnsafeBuffer record = new UnsafeBuffer(ByteBuffer.allocateDirect(RECORD_BYTES));
    private Path directory;
    private JournalStorage storage;
    private MessageLog log;
    private MessageLog.Reader reader;
    private long sink;
    private final MessageLog.MessageHandler consume = (index, buffer, offset, length) -> sink += buffer.getLong(offset);

    @Setup(Level.Trial)
    public void setUp() throws Exception
    {
        directory = Files.createTempDirectory("sluice-journal-bench");
        storage = JournalStorage.open(directory);
        log = storage.inputLog();
        for (int i = 0; i < PRELOADED; i++)
        {
            record.putLong(0, i);
            log.append(record, 0, RECORD_BYTES);
            if ((i + 1) % BATCH == 0)
            {
                log.commit();
            }
        }
        log.commit(); // a reader sees committed batches only
        reader = log.reader();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        reader.close();
        storage.close();
        TempFiles.deleteRecursively(directory);
    }

    @Benchmark
    @OperationsPerInvocation(1024)
    public long append()
    {
        long index = 0;
        for (int n = 0; n < 1024; n++)
        {
            record.putLong(0, n);
            index = log.append(record, 0, RECORD_BYTES);
            if ((n + 1) % BATCH == 0)
            {
                log.commit();
            }
        }
        return index;
    }

    @Benchmark
    @OperationsPerInvocation(1024)
    public long read()
    {
        for (int n = 0; n < 1024; n++)
        {
            if (!reader.next(consume))
            {
                reader.seek(log.lastIndex() - PRELOADED + 1); // wrapped: read the preloaded records again
            }
        }
        return sink;
    }
}
