package io.sluice.codecs;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;

class CodecRoundTripTest
{
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(4096));
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();

    @ParameterizedTest
    @ValueSource(longs = {Long.MIN_VALUE, -10_500L, -1L, 0L, 1_699_999_999_979L, Long.MAX_VALUE})
    void shouldRoundTripInputEventWithTextKey(final long eventTimeMs)
    {
        final InputEventEncoder encoder = new InputEventEncoder();
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .eventTimeMs(eventTimeMs)
            .value(-42L)
            .keyLong(0L)
            .sourcePosition(123_456_789L)
            .partition(7)
            .pipelineId(65_535)
            .keyKind(KeyKind.TEXT)
            .key("clé-ünïcode-k16");
        final int length = MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();

        final InputEventDecoder decoder = new InputEventDecoder().wrapAndApplyHeader(buffer, 0, headerDecoder);

        assertEquals(InputEventDecoder.TEMPLATE_ID, headerDecoder.templateId());
        assertEquals(eventTimeMs, decoder.eventTimeMs());
        assertEquals(-42L, decoder.value());
        assertEquals(0L, decoder.keyLong());
        assertEquals(123_456_789L, decoder.sourcePosition());
        assertEquals(7, decoder.partition());
        assertEquals(65_535, decoder.pipelineId());
        assertEquals(KeyKind.TEXT, decoder.keyKind());
        assertEquals("clé-ünïcode-k16", decoder.key());
        assertEquals(length, MessageHeaderDecoder.ENCODED_LENGTH + decoder.encodedLength());
    }

    @Test
    void shouldRoundTripInputEventWithLongKeyAndEmptyText()
    {
        final InputEventEncoder encoder = new InputEventEncoder();
        encoder.wrapAndApplyHeader(buffer, 64, headerEncoder)
            .eventTimeMs(5L).value(Long.MAX_VALUE).keyLong(Long.MIN_VALUE).sourcePosition(-1L)
            .partition(0).pipelineId(0).keyKind(KeyKind.LONG).key("");

        final InputEventDecoder decoder = new InputEventDecoder().wrapAndApplyHeader(buffer, 64, headerDecoder);

        assertEquals(Long.MIN_VALUE, decoder.keyLong());
        assertEquals(Long.MAX_VALUE, decoder.value());
        assertEquals(KeyKind.LONG, decoder.keyKind());
        assertEquals(0, decoder.keyLength());
    }

    @Test
    void shouldRoundTripLongKeyEventInItsFortySixBytes()
    {
        final LongKeyEventEncoder encoder = new LongKeyEventEncoder();
        encoder.wrapAndApplyHeader(buffer, 32, headerEncoder)
            .eventTimeMs(-62_135_596_800_000L).value(Long.MIN_VALUE).keyLong(-1L).sourcePosition(Long.MAX_VALUE)
            .partition(Integer.MAX_VALUE).pipelineId(65_535);

        final LongKeyEventDecoder decoder = new LongKeyEventDecoder().wrapAndApplyHeader(buffer, 32, headerDecoder);

        assertEquals(LongKeyEventDecoder.TEMPLATE_ID, headerDecoder.templateId());
        assertEquals(-62_135_596_800_000L, decoder.eventTimeMs());
        assertEquals(Long.MIN_VALUE, decoder.value());
        assertEquals(-1L, decoder.keyLong());
        assertEquals(Long.MAX_VALUE, decoder.sourcePosition());
        assertEquals(Integer.MAX_VALUE, decoder.partition());
        assertEquals(65_535, decoder.pipelineId());
        assertEquals(46, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), "the journal's record for a long-keyed event");
    }

    @Test
    void shouldRoundTripNarrowLongKeyEventInItsTwentyFiveBytes()
    {
        final NarrowLongKeyEventEncoder encoder = new NarrowLongKeyEventEncoder();
        encoder.wrapAndApplyHeader(buffer, 8, headerEncoder).eventTimeMs(Long.MIN_VALUE).value(Integer.MIN_VALUE).keyLong(Integer.MAX_VALUE)
            .pipelineId((short)255);

        final NarrowLongKeyEventDecoder decoder = new NarrowLongKeyEventDecoder().wrapAndApplyHeader(buffer, 8, headerDecoder);

        assertEquals(NarrowLongKeyEventDecoder.TEMPLATE_ID, headerDecoder.templateId());
        assertEquals(Long.MIN_VALUE, decoder.eventTimeMs());
        assertEquals(Integer.MIN_VALUE, decoder.value());
        assertEquals(Integer.MAX_VALUE, decoder.keyLong());
        assertEquals(255, decoder.pipelineId());
        assertEquals(25, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), "the journal's record for a plain publish of narrow numbers");
    }

    @Test
    void shouldRoundTripPlainLongKeyEventInItsThirtyFourBytes()
    {
        final PlainLongKeyEventEncoder encoder = new PlainLongKeyEventEncoder();
        encoder.wrapAndApplyHeader(buffer, 8, headerEncoder).eventTimeMs(Long.MIN_VALUE).value(-7L).keyLong(Long.MAX_VALUE).pipelineId(3);

        final PlainLongKeyEventDecoder decoder = new PlainLongKeyEventDecoder().wrapAndApplyHeader(buffer, 8, headerDecoder);

        assertEquals(PlainLongKeyEventDecoder.TEMPLATE_ID, headerDecoder.templateId());
        assertEquals(Long.MIN_VALUE, decoder.eventTimeMs());
        assertEquals(-7L, decoder.value());
        assertEquals(Long.MAX_VALUE, decoder.keyLong());
        assertEquals(3, decoder.pipelineId());
        assertEquals(34, MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength(), "the journal's record for a plain publish");
    }

    @Test
    void shouldRoundTripWindowResult()
    {
        final WindowResultEncoder encoder = new WindowResultEncoder();
        encoder.wrapAndApplyHeader(buffer, 0, headerEncoder)
            .windowStartMs(-10_500L).windowEndMs(-9_800L).keyLong(0L)
            .count(35L).sum(18_086L).min(13L).max(973L)
            .sequence(9_999_999_999L).firing(3).shard(2).pipelineId(4)
            .keyKind(KeyKind.TEXT).key("k0");

        final WindowResultDecoder decoder = new WindowResultDecoder().wrapAndApplyHeader(buffer, 0, headerDecoder);

        assertEquals(WindowResultDecoder.TEMPLATE_ID, headerDecoder.templateId());
        assertEquals(-10_500L, decoder.windowStartMs());
        assertEquals(-9_800L, decoder.windowEndMs());
        assertEquals(35L, decoder.count());
        assertEquals(18_086L, decoder.sum());
        assertEquals(13L, decoder.min());
        assertEquals(973L, decoder.max());
        assertEquals(9_999_999_999L, decoder.sequence());
        assertEquals(3, decoder.firing());
        assertEquals(2, decoder.shard());
        assertEquals(4, decoder.pipelineId());
        assertEquals(KeyKind.TEXT, decoder.keyKind());
        assertEquals("k0", decoder.key());
    }
}
