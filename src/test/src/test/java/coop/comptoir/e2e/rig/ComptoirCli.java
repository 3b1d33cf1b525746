package coop.comptoir.e2e.rig;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The Comptoir command line as a user runs it: {@code java -jar comptoir.jar …}, on the JDK of the
 * test JVM, with a given environment.
 *
 * <p>With extra classpath entries (the suite's test-only plugins, found through
 * {@code ServiceLoader}) it runs {@code java -cp comptoir.jar:… <Main-Class of the jar> …}
 * instead, since {@code -jar} ignores any other classpath.
 */
public final class ComptoirCli {
    private final Path jar;
    private final Map<String, String> environment;
    private final List<Path> extraClasspath;
    private final String mainClass;

    public ComptoirCli(Path jar, Map<String, String> environment, List<Path> extraClasspath) throws IOException {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " does not exist: build it first (mvn -B package -DskipTests)");
        }
        this.jar = jar;
        this.environment = Map.copyOf(environment);
        this.extraClasspath = List.copyOf(extraClasspath);
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            this.mainClass = manifest == null ? null : manifest.getMainAttributes().getValue("Main-Class");
        }
        if (mainClass == null) {
            throw new IllegalStateException(jar + " has no Main-Class in its manifest: it is not the runnable jar");
        }
    }

    /** What a finished command printed (stdout and stderr mixed) and its exit status. */
    public record Result(int exitCode, String output) {}

    /** The full command line for these arguments. */
    List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(RigSettings.javaLauncher().toString());
        if (extraClasspath.isEmpty()) {
            command.add("-jar");
            command.add(jar.toString());
        } else {
            StringJoiner classpath = new StringJoiner(File.pathSeparator).add(jar.toString());
            extraClasspath.forEach(entry -> classpath.add(entry.toString()));
            command.add("-cp");
            command.add(classpath.toString());
            command.add(mainClass);
        }
        command.addAll(List.of(args));
        return command;
    }

    /** A process builder for these arguments, with the CLI's environment. */
    ProcessBuilder processBuilder(Path workingDir, String... args) {
        ProcessBuilder builder = new ProcessBuilder(command(args)).directory(workingDir.toFile());
        builder.environment().putAll(environment);
        return builder;
    }

    /**
     * Runs a command to its end; the output is also kept in {@code log}.
     *
     * @throws IllegalStateException when it does not finish within the timeout
     */
    public Result run(Path workingDir, Path log, Duration timeout, String... args)
            throws IOException, InterruptedException {
        Files.createDirectories(workingDir);
        Process process = processBuilder(workingDir, args)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            throw new IllegalStateException("comptoir " + String.join(" ", args) + " did not finish within "
                    + timeout.toSeconds() + " s\n" + Logs.tail(log, 40));
        }
        return new Result(process.exitValue(), Logs.read(log));
    }
}
