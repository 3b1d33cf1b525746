package coop.comptoir.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Date;
import java.util.Map;
import java.util.jar.JarFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fat jar leaves out the ICU4J data Comptoir never uses (dist/pom.xml): texts in French and
 * English must still format as they do with the whole library, with the jar's own classes only.
 */
class DistJarIcuTest {
    private static URLClassLoader loader;
    private static Class<?> messageFormat;
    private static Class<?> uLocale;

    /** The jar under test: {@code -Dcomptoir.jar} (set by the pom), else the one built in dist/. */
    private static Path jarPath() {
        String configured = System.getProperty("comptoir.jar");
        return (configured != null ? Path.of(configured) : Path.of("..", "..", "dist", "target", "comptoir.jar"))
                .toAbsolutePath().normalize();
    }

    @BeforeAll
    static void load() throws Exception {
        Path jar = jarPath();
        loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
        messageFormat = Class.forName("com.ibm.icu.text.MessageFormat", true, loader);
        uLocale = Class.forName("com.ibm.icu.util.ULocale", true, loader);
    }

    @AfterAll
    static void close() throws Exception {
        loader.close();
    }

    private static String format(String language, String pattern, Map<String, Object> args) throws Exception {
        Object locale = uLocale.getMethod("forLanguageTag", String.class).invoke(null, language);
        Object f = messageFormat.getConstructor(String.class, uLocale).newInstance(pattern, locale);
        Method m = messageFormat.getMethod("format", Object.class); // java.text.Format#format, as Catalogue calls it
        return (String) m.invoke(f, args);
    }

    @Test
    void pluralsNumbersAndOrdinalsFormatInFrenchAndEnglish() throws Exception {
        String plural = "{n, plural, one {# créneau libre} other {# créneaux libres}}";
        assertThat(format("fr", plural, Map.of("n", 1))).isEqualTo("1 créneau libre");
        assertThat(format("fr", plural, Map.of("n", 0))).isEqualTo("0 créneau libre");
        assertThat(format("fr", plural, Map.of("n", 1500))).isEqualTo("1\u202f500 créneaux libres");
        assertThat(format("en", "{n, plural, one {# free shift} other {# free shifts}}", Map.of("n", 1500)))
                .isEqualTo("1,500 free shifts");
        assertThat(format("en", "{n, selectordinal, one {#st} two {#nd} few {#rd} other {#th}}", Map.of("n", 22)))
                .isEqualTo("22nd");
        assertThat(format("fr", "{x, number}", Map.of("x", 1234.5))).isEqualTo("1\u202f234,5");
        assertThat(format("fr", "{who, select, a {Alix} other {quelqu’un}}", Map.of("who", "z"))).isEqualTo("quelqu’un");
    }

    @Test
    void datesFormatInFrenchAndEnglish() throws Exception {
        Date day = Date.from(LocalDate.of(2026, 12, 6).atTime(12, 0).toInstant(ZoneOffset.UTC));
        assertThat(format("fr", "{d, date, long}", Map.of("d", day))).isEqualTo("6 décembre 2026");
        assertThat(format("en", "{d, date, long}", Map.of("d", day))).isEqualTo("December 6, 2026");
        assertThat(format("fr", "{d,date,EEEE d MMMM}", Map.of("d", day))).isEqualTo("dimanche 6 décembre");
    }

    @Test
    void theJarLeavesOutTheUnusedIcuData() throws Exception {
        try (JarFile jar = new JarFile(jarPath().toFile())) {
            assertThat(jar.stream().map(e -> e.getName()).filter(n -> n.startsWith("com/ibm/icu/impl/data/icudata/coll/")))
                    .isEmpty();
            assertThat(jar.getEntry("com/ibm/icu/impl/data/icudata/plurals.res")).isNotNull();
        }
    }
}
