package io.sluice.tools;

import picocli.CommandLine.IVersionProvider;

/** Version from the jar manifest when packaged, else the development marker. */
final class VersionProvider implements IVersionProvider
{
    public String[] getVersion()
    {
        final String version = VersionProvider.class.getPackage().getImplementationVersion();
        return new String[]{"sluice " + (version != null ? version : "0.1.0-SNAPSHOT (development build)"),
            "JVM " + System.getProperty("java.vm.name") + " " + System.getProperty("java.version")};
    }
}
