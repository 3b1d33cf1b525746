package coop.comptoir.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.status.Status;
import coop.comptoir.internal.logging.DefaultLogging;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The files in {@code config/} are what admins copy: they must load and say the truth. */
class ExampleFilesTest {
    private static Path configDir() {
        for (Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("config/comptoir.example.yaml"))) {
                return p.resolve("config");
            }
        }
        throw new AssertionError("config/comptoir.example.yaml not found above " + System.getProperty("user.dir"));
    }

    @Test
    void theExampleConfigShowsTheDefaults() {
        Path dir = configDir();
        ComptoirConfig example = ConfigLoader.load(dir.resolve("comptoir.example.yaml"), Map.of());
        assertThat(example).isEqualTo(ConfigLoader.defaults(dir, "example.org"));
    }

    @Test
    void theExampleConfigMentionsEveryKey() throws IOException {
        String text = Files.readString(configDir().resolve("comptoir.example.yaml"));
        Map<String, Class<?>> sections = Map.of("homeserver", ComptoirConfig.Homeserver.class,
                "appservice", ComptoirConfig.Appservice.class, "database", ComptoirConfig.Database.class,
                "scheduler", ComptoirConfig.Scheduler.class, "commands", ComptoirConfig.Commands.class,
                "admin", ComptoirConfig.Admin.class, "backup", ComptoirConfig.Backup.class);
        assertThat(TreeBinder.keys(ComptoirConfig.class)).containsAll(sections.keySet());
        sections.forEach((section, type) -> {
            assertThat(text).containsPattern(Pattern.compile("^" + section + ":", Pattern.MULTILINE));
            for (String key : TreeBinder.keys(type)) {
                assertThat(text).as(section + "." + key)
                        .containsPattern(Pattern.compile("^ *(# *)?" + key + ":", Pattern.MULTILINE));
            }
        });
    }

    /** The config the Debian package installs as /etc/comptoir/comptoir.yaml. */
    @Test
    void thePackagedConfigLoadsAndWritesUnderVarLib() {
        Path packaged = configDir().resolveSibling("dist/src/deb/etc/comptoir.yaml");
        ComptoirConfig c = ConfigLoader.load(packaged, Map.of());
        assertThat(c.database().url()).isEqualTo("jdbc:sqlite:/var/lib/comptoir/comptoir.db");
        assertThat(c.appservice().bind()).isEqualTo("127.0.0.1");
        assertThat(c.admin().bind()).isEqualTo("127.0.0.1");
        assertThat(c.admin().publicMetrics()).isFalse();
        assertThat(c.backup().folder()).isEqualTo("/var/lib/comptoir/backups");
        assertThat(c.backup().enabled()).isTrue();
        assertThat(c.registrationFile()).isEqualTo(packaged.getParent().resolve("registration.yaml"));
    }

    @Test
    void theExampleRegistrationReadsBack() {
        RegistrationFile r = RegistrationFile.read(configDir().resolve("registration.example.yaml"));
        assertThat(r.id()).isEqualTo("comptoir");
        assertThat(r.senderLocalpart()).isEqualTo("comptoir");
        assertThat(r.namespaces().users()).extracting(e -> e.regex()).contains("@comptoir:example\\.org");
    }

    @Test
    void theLogbackFilesLoadAndShowMdcKeysOnlyWhenSet() throws Exception {
        // the example for /etc (read by logback's XML configurator), and the default the runnable
        // jar sets up in code (DefaultLogging): the same levels and the same line
        for (String source : List.of("config/logback.xml", "DefaultLogging")) {
            LoggerContext context = new LoggerContext();
            if (source.endsWith(".xml")) {
                JoranConfigurator configurator = new JoranConfigurator();
                configurator.setContext(context);
                configurator.doConfigure(configDir().resolve("logback.xml").toFile());
            } else {
                new DefaultLogging(name -> false).configure(context);
            }
            assertThat(context.getStatusManager().getCopyOfStatusList()).as(source)
                    .noneMatch(s -> s.getLevel() >= Status.WARN);
            assertThat(context.getLogger("org.quartz").getEffectiveLevel().toString()).isEqualTo("WARN");

            var appender = (ch.qos.logback.core.OutputStreamAppender<?>) context.getLogger("ROOT").getAppender("CONSOLE");
            var encoder = (ch.qos.logback.classic.encoder.PatternLayoutEncoder) appender.getEncoder();
            LoggingEvent plain = new LoggingEvent("x", context.getLogger("coop.comptoir.X"), ch.qos.logback.classic.Level.INFO, "hello", null, null);
            plain.setMDCPropertyMap(Map.of());
            assertThat(encoder.getLayout().doLayout(plain)).endsWith("coop.comptoir.X - hello" + System.lineSeparator());
            LoggingEvent tagged = new LoggingEvent("x", context.getLogger("coop.comptoir.X"), ch.qos.logback.classic.Level.INFO, "hello", null, null);
            tagged.setMDCPropertyMap(Map.of("plugin", "welcome", "room", "!r:a.org"));
            assertThat(encoder.getLayout().doLayout(tagged)).endsWith("coop.comptoir.X plugin=welcome room=!r:a.org - hello" + System.lineSeparator());
            context.stop();
        }
    }
}
