package coop.comptoir.e2e.rig;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A member whose client really encrypts: matrix-nio (Python, on vodozemac), an implementation of
 * the Matrix encryption protocol independent of Comptoir's, installed by scripts/install-nio.sh
 * (venv {@code ~/.cache/comptoir/nio-venv}) and driven through resources/e2ee/nio_member.py. Its
 * device and keys live in a store folder of its own, kept between calls.
 */
public final class NioMember {
    private final MatrixTestClient account;
    private final Path store;

    private NioMember(MatrixTestClient account, Path store) {
        this.account = account;
        this.store = store;
    }

    /** The encrypting client of {@code account} (its access token, hence its device). */
    public static NioMember of(MatrixTestClient account) throws IOException {
        Path store = Rig.get().freshDir("nio-" + account.userId().substring(1).replace(':', '_'));
        return new NioMember(account, store);
    }

    /** The result line of one exchange: {@code body}, {@code decrypted}, {@code bot_devices}, or {@code error}. */
    public JsonNode sendAndAwait(String room, String bot, String text, String expect, Duration timeout)
            throws IOException, InterruptedException {
        Path venv = ensureInstalled();
        Path script = store.resolve("nio_member.py");
        try (InputStream in = NioMember.class.getResourceAsStream("/e2ee/nio_member.py")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        Path log = store.resolve("nio.log");
        List<String> command = new ArrayList<>(List.of(venv.resolve("bin/python").toString(), script.toString(),
                Rig.get().synapse().url(), account.userId(), account.accessToken(), store.toString(), room, bot, text, expect,
                Long.toString(timeout.toSeconds())));
        Process p = new ProcessBuilder(command).redirectError(log.toFile()).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(timeout.toSeconds() + 60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("nio_member.py did not finish\n" + Logs.tail(log, 40));
        }
        String last = out.isEmpty() ? "{\"error\":\"no output\"}" : out.substring(out.lastIndexOf('\n') + 1);
        JsonNode result = Http.JSON.readTree(last);
        if (result.has("error")) {
            return ((com.fasterxml.jackson.databind.node.ObjectNode) result).put("log", Logs.tail(log, 40));
        }
        return result;
    }

    /**
     * Waits, without sending anything, for a message of {@code bot} in {@code room} containing
     * {@code expect} that came after this member's last exchange; same result line as
     * {@link #sendAndAwait}.
     */
    public JsonNode await(String room, String bot, String expect, Duration timeout) throws IOException, InterruptedException {
        return sendAndAwait(room, bot, "", expect, timeout);
    }

    private static Path ensureInstalled() throws IOException, InterruptedException {
        Path scriptPath = RigSettings.projectRoot().resolve("scripts/install-nio.sh");
        Path log = RigSettings.workDir().resolve("install-nio.log");
        Files.createDirectories(log.getParent());
        Process install = new ProcessBuilder(List.of("bash", scriptPath.toString())).redirectError(log.toFile()).start();
        String venv = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!install.waitFor(10, TimeUnit.MINUTES) || install.exitValue() != 0) {
            install.destroyForcibly();
            throw new IllegalStateException(scriptPath + " failed\n" + Logs.tail(log, 40));
        }
        return Path.of(venv);
    }
}
