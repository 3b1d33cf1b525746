package coop.comptoir.internal.cli;

import coop.comptoir.internal.config.ComptoirConfig;
import coop.comptoir.internal.config.ConfigErrors;
import coop.comptoir.internal.config.ConfigLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code comptoir backup}: asks the running Comptoir, on its admin listener, for a snapshot of its
 * SQLite database now (the same as the scheduled ones, {@code backup.*}), and prints the file. The
 * running process writes it: no other program may read the database while Comptoir runs.
 * Authenticated with the registration's hs_token, which only those who may read the config have.
 */
@Command(name = "backup", description = "Ask the running Comptoir for a snapshot of its SQLite database now, then exit.")
public final class BackupCommand implements Callable<Integer> {
    /** How long to wait: a snapshot waits up to 30 s for a moment without transactions in progress. */
    static final Duration TIMEOUT = Duration.ofMinutes(5);

    private final CliContext context;

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    public BackupCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() throws Exception {
        ComptoirConfig c = ConfigLoader.withRegistrationTokens(
                Checks.load(config.file(), config.env(context, spec.commandLine().getErr())));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (!c.database().isSqlite()) {
            throw ConfigErrors.of(config.file().toString(), "database.url: PostgreSQL is backed up with pg_dump"
                    + " (see the admin guide), not with comptoir backup");
        }
        if (c.admin().port() == null) {
            throw ConfigErrors.of(config.file().toString(), "admin.port: comptoir backup asks the running Comptoir on"
                    + " its admin listener; give it a port (e.g. admin: {bind: 127.0.0.1, port: 29321}) and restart");
        }
        String host = c.admin().bind();
        if (host == null || host.equals("0.0.0.0") || host.equals("::")) {
            host = "127.0.0.1";
        } else if (host.contains(":")) {
            host = "[" + host + "]";
        }
        URI uri = URI.create("http://" + host + ":" + c.admin().port() + "/backup");
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Authorization", "Bearer " + c.appservice().hsToken())
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> answer;
        try {
            answer = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build()
                    .send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            err.println("comptoir backup: Comptoir does not answer on " + uri + " (" + e.getMessage()
                    + "). Is it running? Stopped, copy the database with sqlite3 instead (see the admin guide).");
            err.flush();
            return ExitCodes.FAILURE;
        }
        if (answer.statusCode() != 200) {
            err.println("comptoir backup: " + uri + " answered " + answer.statusCode() + ": " + answer.body());
            err.flush();
            return ExitCodes.FAILURE;
        }
        String file = com.fasterxml.jackson.databind.json.JsonMapper.builder().build()
                .readTree(answer.body()).path("snapshot").asText();
        out.println("Snapshot written: " + file);
        out.flush();
        return ExitCodes.OK;
    }
}
