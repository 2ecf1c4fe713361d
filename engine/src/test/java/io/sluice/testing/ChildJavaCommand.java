package io.sluice.testing;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line that runs a class in a child JVM as this test JVM runs: the same java, the module
 * exports and Chronicle switches the engine needs, and the same class path. For tests that kill or
 * restart a process.
 */
public final class ChildJavaCommand
{
    private ChildJavaCommand()
    {
    }

    /** @return a mutable list: {@code java <flags> -Xmx512m -cp <class path> <mainClass>}; append the arguments. */
    public static List<String> forMain(final String mainClass)
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String argument : ManagementFactory.getRuntimeMXBean().getInputArguments())
        {
            if (argument.startsWith("--add-") || argument.startsWith("-D") && argument.contains("chronicle") ||
                argument.startsWith("--enable-native-access") || argument.startsWith("--sun-misc"))
            {
                command.add(argument);
            }
        }
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        return command;
    }
}
