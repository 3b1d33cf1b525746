package coop.comptoir.internal.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import coop.comptoir.api.plugin.PluginFactory;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Plugin jars made by the tests: a factory compiled from source (so that its classes are not on
 * the test class path, as in production), its services entry and a manifest.
 */
final class TestPluginJars {
    private final Path work;
    private int count;

    TestPluginJars(Path work) {
        this.work = work;
    }

    /** A jar being described. */
    final class Spec {
        private final String className;
        private String type;
        private String constructorBody = "";
        private String namespaceRegex;
        private String requiredKey;
        private final Map<String, String> manifest = new LinkedHashMap<>();
        private boolean listMissingClass;

        Spec(String className) {
            this.className = className;
        }

        Spec type(String value) {
            this.type = value;
            return this;
        }

        Spec version(String value) {
            manifest.put("Implementation-Version", value);
            return this;
        }

        Spec api(String value) {
            manifest.put(ApiVersion.MANIFEST_ATTRIBUTE, value);
            return this;
        }

        /** The factory's constructor throws this message. */
        Spec constructorThrows(String message) {
            constructorBody = "throw new IllegalStateException(\"" + message + "\");";
            return this;
        }

        /** The factory claims the users {@code regex}. */
        Spec users(String regex) {
            namespaceRegex = regex;
            return this;
        }

        /** Its config section needs {@code key}. */
        Spec requires(String key) {
            requiredKey = key;
            return this;
        }

        /** The services file lists a class the jar does not hold. */
        Spec listingAMissingClass() {
            listMissingClass = true;
            return this;
        }

        /** Compiles and packs it into {@code folder/fileName}. */
        Path writeTo(Path folder, String fileName) {
            try {
                Files.createDirectories(folder);
                Path jar = folder.resolve(fileName);
                Path classes = compile();
                write(jar, classes);
                return jar;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private Path compile() throws IOException {
            Path dir = work.resolve("build-" + (++count));
            int dot = className.lastIndexOf('.');
            String pkg = className.substring(0, dot);
            String simple = className.substring(dot + 1);
            String source = "package " + pkg + ";\n"
                    + "import coop.comptoir.api.plugin.*;\n"
                    + "import coop.comptoir.api.config.Problems;\n"
                    + "import com.fasterxml.jackson.databind.JsonNode;\n"
                    + "public final class " + simple + " implements PluginFactory<JsonNode> {\n"
                    + "  @Override public Class<JsonNode> configType() { return JsonNode.class; }\n"
                    + "  public " + simple + "() { " + constructorBody + " }\n"
                    + "  @Override public String type() { return \"" + type + "\"; }\n"
                    + (requiredKey == null ? "" : "  @Override public void validate(JsonNode c, Problems p) {"
                            + " if (c.path(\"" + requiredKey + "\").isMissingNode())"
                            + " p.add(\"" + requiredKey + "\", \"missing\"); }\n")
                    + (namespaceRegex == null ? "" : "  @Override public Namespaces namespaces(JsonNode c, PluginConfig s) {"
                            + " return Namespaces.users(\"" + namespaceRegex.replace("\\", "\\\\") + "\"); }\n")
                    + "  @Override public Plugin create(JsonNode c, PluginContext x) { return new Plugin() {}; }\n"
                    + "}\n";
            Path src = dir.resolve("src").resolve(pkg.replace('.', '/')).resolve(simple + ".java");
            Files.createDirectories(src.getParent());
            Files.writeString(src, source);
            Path out = dir.resolve("classes");
            Files.createDirectories(out);
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            String classpath = String.join(java.io.File.pathSeparator, location(PluginFactory.class),
                    location(JsonNode.class), location(com.fasterxml.jackson.core.TreeNode.class));
            int status = javac.run(null, null, null, "-d", out.toString(), "-cp", classpath, "--release", "17", src.toString());
            if (status != 0) {
                throw new IllegalStateException("the test plugin did not compile:\n" + source);
            }
            return out;
        }

        private void write(Path jar, Path classes) throws IOException {
            Manifest m = new Manifest();
            m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
            manifest.forEach((k, v) -> m.getMainAttributes().putValue(k, v));
            try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), m)) {
                List<Path> files = new ArrayList<>();
                try (Stream<Path> walk = Files.walk(classes)) {
                    walk.filter(Files::isRegularFile).forEach(files::add);
                }
                for (Path f : files) {
                    out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                    Files.copy(f, out);
                    out.closeEntry();
                }
                out.putNextEntry(new JarEntry("META-INF/services/" + PluginFactory.class.getName()));
                String listed = listMissingClass ? className + "Gone" : className;
                out.write((listed + "\n").getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
    }

    Spec factory(String className) {
        return new Spec(className);
    }

    /** A file named like a jar that is not one. */
    static Path corrupt(Path folder, String fileName) throws IOException {
        Files.createDirectories(folder);
        Path jar = folder.resolve(fileName);
        try (OutputStream out = Files.newOutputStream(jar)) {
            out.write("not a zip file at all".getBytes(StandardCharsets.UTF_8));
        }
        return jar;
    }

    private static String location(Class<?> type) {
        try {
            return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
