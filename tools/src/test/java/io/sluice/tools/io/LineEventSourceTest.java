package io.sluice.tools.io;

import io.sluice.tools.config.SluiceConfig.Format;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Input lines, good and bad: every good line becomes exactly its event, every bad one a dead letter with its
 * line number and reason, and the run reads on. A file that cannot be an input at all is one clear error.
 */
class LineEventSourceTest
{
    @TempDir
    Path directory;

    @Test
    void csvLinesGoodAndBad() throws Exception
    {
        final String input = String.join("\n",
            "event_time_ms,key,value",
            "1000,a,5",                       // 2 good
            "1001,b",                         // 3 missing column
            "x100,c,1",                       // 4 non-numeric time
            "1002,d,1.5",                     // 5 fractional value
            "",                               // 6 blank: not a record
            "1003,\"e,f\",7",                 // 7 good, quoted key with a comma
            "1004,\"g\"\"h\",8",              // 8 good, quoted key with a quote
            "1005,,9",                        // 9 empty key
            "99999999999999999999,i,1",       // 10 time too large
            "-5,negative,3",                  // 11 good, negative time
            "1006,\"open,1",                  // 12 unclosed quote
            "1007,k,2,extra",                 // 13 extra field
            "1008,l,3\r",                     // 14 good, CRLF
            "");
        final List<String> events = new ArrayList<>();
        final List<String> letters = readAll(input, Format.CSV, events);
        assertEquals(List.of("2:1000:a:5", "7:1003:e,f:7", "8:1004:g\"h:8", "11:-5:negative:3", "14:1008:l:3"), events);
        assertEquals(List.of(
            "3: expected 3 fields, found 2",
            "4: event_time_ms 'x100' is not a whole number of milliseconds",
            "5: value '1.5' is not a whole number",
            "9: the key is empty",
            "10: event_time_ms '99999999999999999999' is not a whole number of milliseconds",
            "12: a quoted field is not closed, or text follows its closing quote",
            "13: expected 3 fields, found 4"), letters);
    }

    @Test
    void invalidUtf8HugeLinesAndPartitions() throws Exception
    {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        bytes.write("event_time_ms,key,value,partition\n".getBytes(StandardCharsets.UTF_8));
        bytes.write("1,ok-é,1,0\n".getBytes(StandardCharsets.UTF_8));
        bytes.write(new byte[] {'2', ',', (byte)0xC3, (byte)0x28, ',', '1', ',', '0', '\n'}); // line 3: bad UTF-8
        final byte[] huge = new byte[10 << 20];
        java.util.Arrays.fill(huge, (byte)'z');
        bytes.write("3,".getBytes(StandardCharsets.UTF_8));
        bytes.write(huge);                                                                       // line 4: 10 MB
        bytes.write(",1,0\n".getBytes(StandardCharsets.UTF_8));
        bytes.write("4,p,1,4096\n".getBytes(StandardCharsets.UTF_8));                           // line 5: bad partition
        bytes.write("5,q,2,7\n".getBytes(StandardCharsets.UTF_8));                              // line 6: good
        bytes.write(("6," + "k".repeat(129) + ",1,0\n").getBytes(StandardCharsets.UTF_8));      // line 7: key too long
        bytes.write("7,last,3,1".getBytes(StandardCharsets.UTF_8));                             // line 8: no newline at end
        final Path file = directory.resolve("in.csv");
        Files.write(file, bytes.toByteArray());

        final List<String> events = new ArrayList<>();
        final List<String> letters = read(file, Format.CSV, -1, events);
        assertEquals(List.of("2:1:ok-é:1", "6:5:q:2", "8:7:last:3"), events);
        assertEquals(4, letters.size(), letters.toString());
        assertTrue(letters.get(0).startsWith("3: the key is not valid UTF-8"), letters.get(0));
        assertTrue(letters.get(1).startsWith("4: line longer than 1048576 bytes"), letters.get(1));
        assertTrue(letters.get(2).startsWith("5: partition '4096' is not a whole number in [0, 4095]"), letters.get(2));
        assertTrue(letters.get(3).startsWith("7: the key is longer than 128 characters"), letters.get(3));
    }

    @Test
    void jsonLines() throws Exception
    {
        final String input = String.join("\n",
            "{\"event_time_ms\": 10, \"key\": \"a\", \"value\": 1}",
            "{\"event_time_ms\": 11, \"key\": 42, \"value\": -2, \"partition\": 3, \"extra\": {\"x\": [1, 2]}}",
            "{\"event_time_ms\": 12, \"key\": \"b\"}",
            "{\"event_time_ms\": \"13\", \"key\": \"c\", \"value\": 1}",
            "not json",
            "{\"event_time_ms\": 14, \"key\": \"d\\u00e9\\n\", \"value\": 4}",
            "{\"event_time_ms\": 15, \"key\": \"e\", \"value\": 5} trailing",
            "{\"event_time_ms\": 16.5, \"key\": \"f\", \"value\": 6}",
            "");
        final List<String> events = new ArrayList<>();
        final List<String> letters = readAll(input, Format.JSONL, events);
        assertEquals(List.of("1:10:a:1", "2:11:42:-2", "6:14:dé\n:4"), events);
        assertEquals(List.of(
            "3: missing value; each line needs event_time_ms, key and value",
            "4: event_time_ms is not a whole number of milliseconds",
            "5: not a JSON object (a line must start with '{')",
            "7: text after the object's closing '}'",
            "8: event_time_ms is not a whole number of milliseconds"), letters);
    }

    @Test
    void aResumedFileReadsOnFromItsPositionWithTrueLineNumbers() throws Exception
    {
        final Path file = directory.resolve("resume.csv");
        Files.writeString(file, "event_time_ms,key,value\n1,a,1\n2,b,2\nbad\n3,c,3\n");
        final List<String> all = new ArrayList<>();
        final long[] afterFirst = {0};
        try (DeadLetters letters = DeadLetters.toStderr(new java.io.PrintWriter(new java.io.StringWriter()));
             LineEventSource source = LineEventSource.openFile(file, Format.CSV, -1, letters))
        {
            final InputEvent event = new InputEvent();
            source.next(event);
            afterFirst[0] = event.endPosition;
        }
        final List<String> letters = read(file, Format.CSV, afterFirst[0], all);
        assertEquals(List.of("3:2:b:2", "5:3:c:3"), all);
        assertEquals(List.of("4: expected 3 fields, found 1"), letters);
    }

    @Test
    void filesThatCannotBeInputsAreOneClearError() throws Exception
    {
        final Path empty = directory.resolve("empty.csv");
        Files.writeString(empty, "");
        assertEquals(empty + ": empty file; a CSV input starts with the header event_time_ms,key,value",
            assertThrows(InputFormatException.class, () -> read(empty, Format.CSV, -1, new ArrayList<>())).getMessage());
        final Path noHeader = directory.resolve("no-header.csv");
        Files.writeString(noHeader, "1,a,1\n");
        assertEquals(noHeader + ":1: unknown column '1' in the header; columns are event_time_ms, key, value and optionally partition",
            assertThrows(InputFormatException.class, () -> read(noHeader, Format.CSV, -1, new ArrayList<>())).getMessage());
        final Path missing = directory.resolve("missing.csv");
        assertEquals(missing + ": no such file; check source.path",
            assertThrows(InputFormatException.class, () -> read(missing, Format.CSV, -1, new ArrayList<>())).getMessage());
        final Path headerOnly = directory.resolve("header-only.csv");
        Files.writeString(headerOnly, "event_time_ms,key,value\n");
        final List<String> none = new ArrayList<>();
        assertEquals(List.of(), read(headerOnly, Format.CSV, -1, none));
        assertEquals(List.of(), none, "a header alone is an input without events");
    }

    private List<String> readAll(final String text, final Format format, final List<String> events) throws Exception
    {
        final Path file = directory.resolve("input-" + System.nanoTime());
        Files.writeString(file, text);
        return read(file, format, -1, events);
    }

    /** @return the dead letters as "line: reason". */
    private List<String> read(final Path file, final Format format, final long resumeAt, final List<String> events) throws Exception
    {
        final Path letters = directory.resolve("letters-" + System.nanoTime() + ".csv");
        try (DeadLetters deadLetters = DeadLetters.toFile(letters);
             LineEventSource source = LineEventSource.openFile(file, format, resumeAt, deadLetters))
        {
            final InputEvent event = new InputEvent();
            while (source.next(event))
            {
                events.add(event.lineNumber + ":" + event.eventTimeMs + ":" + event.key() + ":" + event.value);
            }
        }
        final List<String> reasons = new ArrayList<>();
        final List<String> lines = Files.readAllLines(letters, StandardCharsets.UTF_8);
        assertEquals("source,line,reason,content", lines.get(0));
        for (final String line : lines.subList(1, lines.size()))
        {
            final String afterSource = line.substring(line.indexOf("\",") + 2);
            final String number = afterSource.substring(0, afterSource.indexOf(','));
            final String rest = afterSource.substring(afterSource.indexOf(",\"") + 2);
            reasons.add(number + ": " + rest.substring(0, rest.indexOf("\",")));
        }
        return reasons;
    }
}
