package coop.comptoir.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.api.plugin.PluginFactory;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import okhttp3.OkHttpClient;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

/**
 * What a plugin compiles against: the API module and the libraries its types use, nothing of the
 * runtime. A plugin that imports a runtime class does not compile.
 */
class ApiClasspathTest {
    @TempDir
    Path dir;

    /**
     * The API's classes and its compile dependencies, as a plugin's compiler sees them. Jdbi is one
     * of them because {@code Database.withHandle} hands its {@code Handle} to the plugin.
     */
    private static String pluginClasspath() throws URISyntaxException {
        return Stream.of(PluginFactory.class, JsonNode.class, OkHttpClient.class, Logger.class, Handle.class)
                .map(ApiClasspathTest::location).map(Path::toString)
                .collect(Collectors.joining(java.io.File.pathSeparator));
    }

    private static Path location(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private String compile(String className, String source) throws Exception {
        Path file = dir.resolve(className + ".java");
        Files.writeString(file, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        StringWriter out = new StringWriter();
        boolean ok = javac.getTask(out, null, null,
                List.of("-classpath", pluginClasspath(), "-d", dir.resolve("out").toString(), "-proc:none"),
                null, javac.getStandardFileManager(null, null, null).getJavaFileObjects(file)).call();
        return ok ? "" : out.toString();
    }

    @Test
    void aPluginUsingTheApiCompiles() throws Exception {
        String errors = compile("Good", """
                import coop.comptoir.api.plugin.PluginContext;
                class Good {
                    String who(PluginContext ctx) { return ctx.botUserId().value(); }
                }
                """);
        assertThat(errors).isEmpty();
    }

    @Test
    void aPluginWritesItsSqlWithJdbiAgainstTheApiAlone() throws Exception {
        String errors = compile("Store", """
                import coop.comptoir.api.store.Database;
                import java.util.Optional;
                class Store {
                    Optional<String> name(Database db, long id) {
                        return db.withHandle(h -> h.createQuery("SELECT name FROM store_thing WHERE id = ?")
                                .bind(0, id).mapTo(String.class).findFirst());
                    }
                    int add(Database db, long id) {
                        return db.inHandleTransaction(h -> h.createUpdate("INSERT INTO store_thing (id) VALUES (?)")
                                .bind(0, id).execute());
                    }
                }
                """);
        assertThat(errors).isEmpty();
    }

    @Test
    void aPluginImportingTheRuntimeDoesNotCompile() throws Exception {
        String errors = compile("Bad", """
                import coop.comptoir.internal.store.JdbcDatabase;
                class Bad {
                    JdbcDatabase db;
                }
                """);
        assertThat(errors).contains("package coop.comptoir.internal.store does not exist");
    }

    @Test
    void theApiModuleHoldsOnlyTheApiPackages() throws Exception {
        Path classes = location(PluginFactory.class);
        List<String> outside;
        try (Stream<Path> all = Files.walk(classes)) {
            outside = all.filter(p -> p.toString().endsWith(".class"))
                    .map(p -> classes.relativize(p).toString().replace(java.io.File.separatorChar, '/'))
                    .filter(p -> !p.startsWith("coop/comptoir/api/")).toList();
        }
        assertThat(outside).isEmpty();
        assertThat(classes.resolve("logback.xml")).doesNotExist();
    }
}
