package io.sluice.bench;

import io.sluice.codecs.InputEventDecoder;
import io.sluice.codecs.InputEventEncoder;
import io.sluice.codecs.KeyKind;
import io.sluice.codecs.MessageHeaderDecoder;
import io.sluice.codecs.MessageHeaderEncoder;
import io.sluice.codecs.WindowResultDecoder;
import io.sluice.codecs.WindowResultEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/** SBE encode and decode of the journal's records: an input event with a text key, a window result. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {BenchFlags.ADD_EXPORTS_MISC, BenchFlags.HEAP, BenchFlags.NO_BOUNDS_CHECKS})
@State(Scope.Thread)
public class CodecBenchmark
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(256));
    private final UnsafeBuffer key = new UnsafeBuffer(ByteBuffer.allocateDirect(16));
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final InputEventEncoder eventEncoder = new InputEventEncoder();
    private final InputEventDecoder eventDecoder = new InputEventDecoder();
    private final WindowResultEncoder resultEncoder = new WindowResultEncoder();
    private final WindowResultDecoder resultDecoder = new WindowResultDecoder();
    private long counter;

    /** The decode benchmarks read what one encode of each wrote. */
    @Setup
    public void encodeOnce()
    {
        key.putStringWithoutLengthAscii(0, "user-12345");
        encodeInputEvent();
        encodeWindowResult();
    }

    @Benchmark
    public int encodeInputEvent()
    {
        eventEncoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventTimeMs(1_700_000_000_000L + counter).value(counter++).keyLong(0).sourcePosition(counter).partition(0)
            .pipelineId(0).keyKind(KeyKind.TEXT).ingestTimeNs(counter).putKey(key, 0, 10);
        return eventEncoder.encodedLength();
    }

    @Benchmark
    public long decodeInputEvent()
    {
        headerDecoder.wrap(buffer, 0);
        eventDecoder.wrapAndApplyHeader(buffer, 0, headerDecoder);
        return eventDecoder.eventTimeMs() + eventDecoder.value() + eventDecoder.getKey(key, 0, eventDecoder.keyLength());
    }

    @Benchmark
    public int encodeWindowResult()
    {
        resultEncoder.wrapAndApplyHeader(buffer, 128, headerEncoder)
            .windowStartMs(counter).windowEndMs(counter + 1_000).keyLong(counter).count(3).sum(counter++).min(1).max(9)
            .sequence(counter).firing(0).shard(0).pipelineId(0).keyKind(KeyKind.LONG).inputIndex(counter).putKey(key, 0, 0);
        return resultEncoder.encodedLength();
    }

    @Benchmark
    public long decodeWindowResult()
    {
        headerDecoder.wrap(buffer, 128);
        resultDecoder.wrapAndApplyHeader(buffer, 128, headerDecoder);
        return resultDecoder.windowStartMs() + resultDecoder.count() + resultDecoder.sum() + resultDecoder.sequence();
    }
}
