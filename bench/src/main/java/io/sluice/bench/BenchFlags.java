package io.sluice.bench;

/**
 * JMH forks ignore the parent JVM's flags, so every benchmark passes the engine's flags itself. Kept in
 * step with {@code sluice.jvm.flags} and {@code sluice.jvm.production.flags} in the root pom (a test in
 * this module checks they match).
 */
public final class BenchFlags
{
    public static final String ADD_EXPORTS_MISC = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    public static final String ADD_EXPORTS_NIO = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    public static final String HEAP = "-Xmx2g";
    /** What Chronicle Queue needs on top (journaled benchmarks). */
    public static final String ADD_EXPORTS_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    public static final String ADD_EXPORTS_UNSAFE = "--add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED";
    public static final String ADD_OPENS_LANG = "--add-opens=java.base/java.lang=ALL-UNNAMED";
    public static final String ADD_OPENS_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    public static final String ADD_OPENS_IO = "--add-opens=java.base/java.io=ALL-UNNAMED";
    public static final String ADD_OPENS_UTIL = "--add-opens=java.base/java.util=ALL-UNNAMED";
    /** Journal readers checksum records in place with it (see RawMemoryCrc32c). */
    public static final String ADD_OPENS_ZIP = "--add-opens=java.base/java.util.zip=ALL-UNNAMED";
    public static final String NO_ANALYTICS = "-Dchronicle.analytics.disable=true";
    public static final String NO_BOUNDS_CHECKS = "-Dagrona.disable.bounds.checks=true";
    /** Room for off-heap window state at a million keys (sliding 10 s / 1 s: about 620 MB), beyond the default. */
    public static final String DIRECT_MEMORY = "-XX:MaxDirectMemorySize=8g";

    private BenchFlags()
    {
    }
}
