package coop.comptoir.internal.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.jul.LevelChangePropagator;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Comptoir's default logging, set up in code: INFO on the console, the libraries at WARN, the MDC
 * keys {@code plugin}, {@code room} and {@code event} shown when set. It replaces the jar's former
 * {@code logback.xml}: reading an XML file loads logback's Joran and the JDK's XML parser (about
 * 600 classes, several MiB of resident memory for the life of the process), which the defaults
 * do not need.
 *
 * <p>An XML file still wins when there is one: {@code -Dlogback.configurationFile=FILE} (what the
 * package's launcher passes for {@code /etc/comptoir/logback.xml}, the documented way to change
 * levels), or a {@code logback-test.xml} / {@code logback.xml} on the class path (tests). Then this
 * configurator steps aside and logback reads the file as before.
 *
 * <p>Found by logback through {@code META-INF/services/ch.qos.logback.classic.spi.Configurator};
 * called once, on the thread that first asks for a logger. Never throws.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class DefaultLogging extends ContextAwareBase implements Configurator {

    /** The console line: time, level, logger, then plugin, room and event when the MDC has them. */
    public static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{30}"
            + "%replace( plugin=%X{plugin}){'^ plugin=$', ''}"
            + "%replace( room=%X{room}){'^ room=$', ''}"
            + "%replace( event=%X{event}){'^ event=$', ''} - %msg%n";

    /** Libraries whose INFO lines are noise for an admin: only warnings and errors. */
    public static final Map<String, Level> LIBRARY_LEVELS = Map.of(
            "org.quartz", Level.WARN,
            "com.zaxxer.hikari", Level.WARN,
            "io.undertow", Level.WARN,
            "org.xnio", Level.WARN,
            "org.jboss", Level.WARN,
            "okhttp3", Level.WARN);

    private final Predicate<String> resourceExists;

    /** Used by logback's service loader. */
    public DefaultLogging() {
        this(name -> DefaultLogging.class.getClassLoader().getResource(name) != null);
    }

    /**
     * A configurator that asks {@code resourceExists} whether a class-path resource (such as
     * {@code logback.xml}) exists, instead of the class loader: for tests.
     */
    public DefaultLogging(Predicate<String> resourceExists) {
        this.resourceExists = resourceExists;
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (System.getProperty("logback.configurationFile") != null
                || resourceExists.test("logback-test.xml")
                || resourceExists.test("logback.xml")) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        apply(context);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Sets the defaults up on {@code context}: console appender, root and library levels. */
    static void apply(LoggerContext context) {
        // java.util.logging (some libraries) follows logback's levels, cheaply.
        LevelChangePropagator julLevels = new LevelChangePropagator();
        julLevels.setContext(context);
        julLevels.setResetJUL(true);
        julLevels.start();
        context.addListener(julLevels);

        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("CONSOLE");
        console.setEncoder(encoder);
        console.start();

        LIBRARY_LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
        ch.qos.logback.classic.Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
    }
}
