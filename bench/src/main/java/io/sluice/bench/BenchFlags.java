package io.sluice.bench;

/**
 * JMH forks ignore the parent JVM's flags, so every benchmark passes the engine's flags itself. Kept in
 * step with {@code sluice.jvm.flags} and {@code sluice.jvm.production.flags} in the root pom (a test in
 * this module checks they match).
 */
final class BenchFlags
{
    static final String ADD_EXPORTS_MISC = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";
    static final String ADD_EXPORTS_NIO = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    static final String HEAP = "-Xmx2g";
    static final String NO_BOUNDS_CHECKS = "-Dagrona.disable.bounds.checks=true";

    private BenchFlags()
    {
    }
}
