package io.sluice.bench;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** JMH forks cannot read the root pom's flags property, so this keeps their copy honest. */
class BenchFlagsTest
{
    @Test
    void shouldPassOnlyFlagsTheRootPomDeclares() throws IOException
    {
        final String pom = Files.readString(Path.of("..", "pom.xml"));
        final Matcher matcher = Pattern.compile("<sluice.jvm.flags>(.*?)</sluice.jvm.flags>", Pattern.DOTALL).matcher(pom);
        assertTrue(matcher.find(), "root pom declares sluice.jvm.flags");
        final String flags = matcher.group(1);
        for (final String flag : new String[]{BenchFlags.ADD_EXPORTS_MISC, BenchFlags.ADD_EXPORTS_NIO,
            BenchFlags.ADD_EXPORTS_REF, BenchFlags.ADD_EXPORTS_UNSAFE, BenchFlags.ADD_OPENS_LANG, BenchFlags.ADD_OPENS_REFLECT,
            BenchFlags.ADD_OPENS_IO, BenchFlags.ADD_OPENS_UTIL, BenchFlags.ADD_OPENS_ZIP, BenchFlags.NO_ANALYTICS})
        {
            assertTrue(flags.contains(flag), flag + " is in the root pom's sluice.jvm.flags");
        }
        final Matcher production = Pattern.compile("<sluice.jvm.production.flags>(.*?)</sluice.jvm.production.flags>",
            Pattern.DOTALL).matcher(pom);
        assertTrue(production.find(), "root pom declares sluice.jvm.production.flags");
        assertTrue(production.group(1).contains(BenchFlags.NO_BOUNDS_CHECKS), "benchmarks run as the launcher does");
    }
}
