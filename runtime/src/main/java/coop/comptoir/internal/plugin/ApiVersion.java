package coop.comptoir.internal.plugin;

import coop.comptoir.internal.cli.VersionProvider;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The version of the plugin API ({@code coop.comptoir.api}) as {@code major.minor}: the first two
 * numbers of Comptoir's version. A plugin jar declares the one it was built against in its
 * manifest ({@value #MANIFEST_ATTRIBUTE}); a plugin built against a newer minor, or another major,
 * is refused: it may call what this runtime does not have.
 */
public record ApiVersion(int major, int minor) implements Comparable<ApiVersion> {
    /** The manifest attribute of a plugin jar that names the API version it was built against. */
    public static final String MANIFEST_ATTRIBUTE = "Comptoir-Api-Version";

    private static final Pattern MAJOR_MINOR = Pattern.compile("(\\d{1,6})\\.(\\d{1,6})(?:[.\\-+].*)?");

    /** {@code 0.1}, {@code 0.1.0}, {@code 0.1.0-SNAPSHOT} → 0.1; anything else: empty. */
    public static Optional<ApiVersion> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        Matcher m = MAJOR_MINOR.matcher(text.trim());
        return m.matches() ? Optional.of(new ApiVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))))
                : Optional.empty();
    }

    /** This runtime's, from its build; empty when the build did not record its version. */
    public static Optional<ApiVersion> runtime() {
        return parse(VersionProvider.version());
    }

    /** Whether a plugin built against {@code built} can run on this API: same major, minor not newer. */
    public boolean accepts(ApiVersion built) {
        return built.major == major && built.minor <= minor;
    }

    @Override
    public int compareTo(ApiVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
