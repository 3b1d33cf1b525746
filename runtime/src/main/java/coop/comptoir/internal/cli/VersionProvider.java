package coop.comptoir.internal.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code comptoir <version>}, from the {@code coop/comptoir/version.properties} written by the build. */
public final class VersionProvider implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"comptoir " + version()};
    }

    /** The project's version, or {@code unknown} when the build did not write it. */
    public static String version() {
        try (InputStream in = VersionProvider.class.getResourceAsStream("/coop/comptoir/version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties props = new Properties();
            props.load(in);
            String v = props.getProperty("version", "").trim();
            return v.isEmpty() || v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
