package coop.comptoir.internal.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.OutputStreamAppender;
import coop.comptoir.api.config.Secret;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DefaultLoggingTest {

    private final LoggerContext context = new LoggerContext();

    @AfterEach
    void tearDown() {
        System.clearProperty("logback.configurationFile");
        context.stop();
    }

    @Test
    void withoutAnyFileTheDefaultsAreSetUpInCodeAndNoFileIsRead() {
        ExecutionStatus status = new DefaultLogging(name -> false).configure(context);

        assertThat(status).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger("coop.comptoir.bots.forum.ForumPlugin").getEffectiveLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("coop.comptoir.bots.forum.ForumPlugin").isDebugEnabled()).isFalse();
        for (String library : Set.of("org.quartz.core.QuartzScheduler", "com.zaxxer.hikari.HikariDataSource",
                "io.undertow.server", "org.xnio.nio", "org.jboss.logging", "okhttp3.OkHttpClient")) {
            assertThat(context.getLogger(library).getEffectiveLevel()).as(library).isEqualTo(Level.WARN);
        }
        // java.util.logging follows (some libraries log through it)
        assertThat(java.util.logging.Logger.getLogger("org.quartz").getLevel()).isEqualTo(java.util.logging.Level.WARNING);
    }

    @Test
    void theLineShowsTimeLevelLoggerAndTheSetMdcKeysAndMasksSecrets() {
        new DefaultLogging(name -> false).configure(context);
        var appender = (OutputStreamAppender<?>) context.getLogger("ROOT").getAppender("CONSOLE");
        var layout = ((PatternLayoutEncoder) appender.getEncoder()).getLayout();

        LoggingEvent event = new LoggingEvent("x", context.getLogger("coop.comptoir.bots.forum.ForumPlugin"), Level.WARN,
                "token {} refused", null, new Object[] {Secret.of("syt_very_secret_value")});
        event.setMDCPropertyMap(Map.of("plugin", "forum", "event", "$e1"));

        String line = layout.doLayout(event);
        assertThat(line).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  c\\.c\\.bots\\.forum\\.ForumPlugin plugin=forum "
                + "event=\\$e1 - token \\*+ refused\\R");
        assertThat(line).doesNotContain("syt_very_secret_value");
    }

    @Test
    void anXmlFileNamedByTheAdminWinsAsBefore(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("logback.xml");
        Files.writeString(file, """
                <configuration>
                  <appender name="CONSOLE" class="ch.qos.logback.core.ConsoleAppender">
                    <encoder><pattern>%level %logger - %msg%n</pattern></encoder>
                  </appender>
                  <logger name="coop.comptoir.bots.forum" level="DEBUG"/>
                  <root level="INFO"><appender-ref ref="CONSOLE"/></root>
                </configuration>
                """);
        System.setProperty("logback.configurationFile", file.toString());

        assertThat(new DefaultLogging(name -> false).configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        // the whole chain, as logback runs it at start (this configurator is found as a service)
        new ContextInitializer(context).autoConfig();
        assertThat(context.getLogger("coop.comptoir.bots.forum.ForumPlugin").isDebugEnabled()).isTrue();
        assertThat(context.getLogger("coop.comptoir.bots.welcome").isDebugEnabled()).isFalse();
    }

    @Test
    void aLogbackFileOnTheClassPathWinsToo() {
        assertThat(new DefaultLogging(name -> name.equals("logback-test.xml")).configure(context))
                .isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(new DefaultLogging(name -> name.equals("logback.xml")).configure(context))
                .isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
        assertThat(context.getLogger("ROOT").getAppender("CONSOLE")).isNull();
    }
}
