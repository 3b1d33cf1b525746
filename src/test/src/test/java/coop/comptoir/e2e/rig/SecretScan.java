package coop.comptoir.e2e.rig;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Looks for every secret a Comptoir process was given in everything it printed: run by the rig each
 * time a process stops or is killed, so every end-to-end test that starts Comptoir also checks that
 * no token, key or password reached its log.
 *
 * <p>The secrets are read where an admin puts them: the registration's {@code as_token} and
 * {@code hs_token}; every value in the config under a key naming a secret ({@code token},
 * {@code secret}, {@code password}, {@code api_key}, {@code …_token}, …), a {@code ${VAR}} there
 * taken from the process's environment; the {@code password=} of a JDBC URL; every environment
 * variable whose name says it is a secret. Values shorter than {@value #MIN_LENGTH} characters are
 * left out: they also occur as ordinary words (the test PostgreSQL's password is its user and
 * database name), where a match would say nothing.
 *
 * <p>Each scan appends one line to {@code target/secret-scan.txt} (process, secrets checked,
 * findings): the tally of a whole run.
 */
public final class SecretScan {
    /** Shorter values are not looked for (see the class comment). */
    static final int MIN_LENGTH = 10;

    private static final Pattern SECRET_KEY = Pattern.compile(
            "(?i)(^|_)(token|secret|password|passwd|api_key|apikey|shared_secret|as_token|hs_token)$");
    private static final Pattern SECRET_ENV = Pattern.compile("(?i).*(TOKEN|SECRET|PASSWORD|API_KEY).*");
    private static final Pattern ENV_REF = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Pattern JDBC_PASSWORD = Pattern.compile("(?i)[?&;]password=([^&;]+)");
    private static final Path TALLY = Path.of("target", "secret-scan.txt");

    private SecretScan() {}

    /**
     * The secrets of one process, each named by where it came from (never by its value), read from
     * its config file now (a test may have rewritten it) and its environment.
     */
    static Map<String, String> secretsOf(Path configFile, Map<String, String> environment) {
        Map<String, String> found = new LinkedHashMap<>();
        JsonNode config;
        try {
            config = Files.exists(configFile) ? Http.YAML.readTree(configFile.toFile()) : null;
        } catch (IOException e) {
            config = null;
        }
        if (config != null) {
            collect(config, "", environment, found);
            String registration = config.path("appservice").path("registration").asText("");
            if (!registration.isEmpty() && Files.exists(Path.of(registration))) {
                try {
                    Registration r = Registration.read(Path.of(registration));
                    found.put("registration as_token", r.asToken());
                    found.put("registration hs_token", r.hsToken());
                } catch (IOException | RuntimeException e) {
                    // an unreadable registration makes the process fail to start, which its test sees
                }
            }
        }
        environment.forEach((name, value) -> {
            if (SECRET_ENV.matcher(name).matches()) {
                found.put("environment " + name, value);
            }
        });
        found.values().removeIf(v -> v == null || v.length() < MIN_LENGTH);
        return found;
    }

    private static void collect(JsonNode node, String path, Map<String, String> env, Map<String, String> out) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String p = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                JsonNode value = e.getValue();
                if (value.isValueNode() && SECRET_KEY.matcher(e.getKey()).find()) {
                    out.put("config " + p, expand(value.asText(), env));
                } else if (value.isTextual()) {
                    Matcher m = JDBC_PASSWORD.matcher(value.asText());
                    if (value.asText().startsWith("jdbc:") && m.find()) {
                        out.put("config " + p + " (password)", expand(m.group(1), env));
                    }
                } else {
                    collect(value, p, env, out);
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), path + "[" + i + "]", env, out);
            }
        }
    }

    private static String expand(String value, Map<String, String> env) {
        Matcher m = ENV_REF.matcher(value);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String v = env.getOrDefault(m.group(1), System.getenv(m.group(1)));
            m.appendReplacement(sb, Matcher.quoteReplacement(v == null ? "" : v));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    /**
     * Where each secret occurs in {@code text}: "where it came from, line N" entries, empty when
     * none does. Never contains a secret's value.
     */
    static List<String> findings(String text, Map<String, String> secrets) {
        List<String> out = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        secrets.forEach((where, value) -> {
            for (int i = 0; i < lines.length; i++) {
                if (lines[i].contains(value)) {
                    out.add(where + " in line " + (i + 1));
                    break;
                }
            }
        });
        return out;
    }

    /**
     * Scans a process's log for its secrets and fails when one is found.
     *
     * @param tally whether to add the scan to the run's tally ({@code target/secret-scan.txt})
     * @throws AssertionError naming where each secret found came from and its line, never the value
     */
    static void check(String process, Path log, Path configFile, Map<String, String> environment, boolean tally) {
        Map<String, String> secrets = secretsOf(configFile, environment);
        List<String> found = findings(Logs.read(log), secrets);
        if (tally) {
            tally(process + "\t" + secrets.size() + " secrets\t" + (found.isEmpty() ? "none found" : String.join("; ", found)));
        }
        if (!found.isEmpty()) {
            throw new AssertionError("a secret reached the log of " + process + " (" + log + "): " + String.join("; ", found));
        }
    }

    private static synchronized void tally(String line) {
        try {
            Files.createDirectories(TALLY.toAbsolutePath().getParent());
            Files.writeString(TALLY, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            // the tally is a report only
        }
    }
}
