package coop.comptoir.bench.fullconfig;

import coop.comptoir.testing.discord.FakeChannel;
import coop.comptoir.testing.discord.FakeDiscord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Starts what a "full configuration" of Comptoir talks to, writes that configuration, and waits:
 * used by {@code bench/fullconfig.sh} (docs/benchmarks.md, "Full configuration"), never by a test.
 *
 * <ul>
 * <li>a fake Discord ({@link FakeDiscord}: REST, gateway, CDN) with one guild of {@code --portals}
 * text channels;</li>
 * <li>a {@link MiniDiscourse} the forum plugin polls;</li>
 * <li>a {@link PermissiveHomeserver} that accepts every call;</li>
 * <li>in {@code --dir}: {@code comptoir.yaml} with welcome (greeting the harness's 20 rooms),
 * shifts (a YAML schedule of {@code --shifts} weekly shifts), forum (polling), the Discord bridge
 * ({@code --portals} channels linked to as many rooms; with {@code --bridge-harness-rooms true} the
 * first 20 are the harness's rooms, so that its messages are relayed) and {@code bench-count} (a handler for every
 * event, from {@code plugins/bench-count.jar}, written here from {@link CountPlugin}).</li>
 * </ul>
 *
 * <p>Prints {@code READY <config path>} on stdout once everything listens, then runs until its
 * standard input closes or it is stopped (SIGTERM), and prints the homeserver's call counts on
 * stderr. Arguments: {@code --dir D --portals N --shifts N --port P --ctl P --poll 1m
 * --bridge-harness-rooms false}.
 */
public final class FullConfigFakes {
    static final String TOKEN = "bench-discord-bot-token-0123456789abcdef";
    static final String SERVER = "bench.test";
    /** The rooms of the shared harness's txn.lua ({@code !bRoom01xYzAbCdEfGh:remote.example} …). */
    static final int HARNESS_ROOMS = 20;

    private FullConfigFakes() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(arg(args, "--dir", "/tmp/comptoir-fullconfig"));
        int portals = Integer.parseInt(arg(args, "--portals", "20"));
        int shifts = Integer.parseInt(arg(args, "--shifts", "200"));
        int port = Integer.parseInt(arg(args, "--port", "29303"));
        int ctl = Integer.parseInt(arg(args, "--ctl", "29313"));
        String poll = arg(args, "--poll", "1m");
        boolean bridgeHarness = Boolean.parseBoolean(arg(args, "--bridge-harness-rooms", "false"));
        Files.createDirectories(dir.resolve("plugins"));

        String[] names = new String[Math.max(1, portals)];
        for (int i = 0; i < names.length; i++) {
            names[i] = String.format("salon-%03d", i);
        }
        FakeDiscord discord = FakeDiscord.builder().botToken(TOKEN).guild("Coop", names).user("dana", "Dana")
                .withoutSpec().start();
        MiniDiscourse discourse = new MiniDiscourse(5);
        PermissiveHomeserver homeserver = new PermissiveHomeserver(SERVER, "comptoir");
        List<FakeChannel> channels = new ArrayList<>();
        for (int i = 0; i < portals; i++) {
            channels.add(discord.channel(names[i]));
        }
        String guild = discord.channel(names[0]).guildId();

        Files.writeString(dir.resolve("shifts-schedule.yaml"), schedule(shifts));
        pluginJar(dir.resolve("plugins").resolve("bench-count.jar"));
        Path config = dir.resolve("comptoir.yaml");
        Files.writeString(config, ConfigText.of(dir, homeserver.url(), port, ctl, discord, guild, channels,
                discourse.url(), poll, bridgeHarness));

        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("fullconfig fakes: homeserver calls " + homeserver.summary() + ", forum polls "
                    + discourse.polls() + ", Discord REST requests " + discord.requests().size());
            homeserver.close();
            discourse.close();
            discord.close();
            stop.countDown();
        }, "fullconfig-stop"));
        System.out.println("READY " + config);
        System.out.flush();
        Thread watcher = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // the script keeps stdin open while it wants the fakes
                }
            } catch (IOException ignored) {
                // closed
            }
            System.exit(0);
        }, "fullconfig-stdin");
        watcher.setDaemon(true);
        watcher.start();
        stop.await();
    }

    /** {@code shifts} weekly templates over the week, 7:00–21:00, three members each, every team a room. */
    static String schedule(int shifts) {
        String[] days = {"lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"};
        StringBuilder y = new StringBuilder("templates:\n");
        for (int i = 0; i < shifts; i++) {
            int hour = 7 + (i / 7) % 14;
            y.append("  - name: service-").append(i).append('\n')
                    .append("    title: Service ").append(i).append('\n')
                    .append("    weeks: ABCD\n")
                    .append("    weekday: ").append(days[i % 7]).append('\n')
                    .append("    start: \"").append(String.format("%02d:%02d", hour, (i % 2) * 30)).append("\"\n")
                    .append("    end: \"").append(String.format("%02d:%02d", hour + 1, (i % 2) * 30)).append("\"\n")
                    .append("    team: equipe-").append(i % 10).append('\n')
                    .append("    seats: 4\n")
                    .append("    members: [\"@membre").append(i % 50).append(':').append(SERVER).append("\", \"@membre")
                    .append((i + 17) % 50).append(':').append(SERVER).append("\", Camille]\n");
        }
        return y.toString();
    }

    /** The {@code bench-count} plugin jar: its classes, its services entry, the API version it was built against. */
    static void pluginJar(Path jar) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.IMPLEMENTATION_VERSION, apiVersion());
        manifest.getMainAttributes().putValue("Comptoir-Api-Version", apiVersion());
        String pkg = CountPlugin.class.getPackageName().replace('.', '/');
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            for (String name : new String[] {"CountPlugin", "CountPlugin$Factory", "CountPlugin$Factory$Settings"}) {
                String entry = pkg + "/" + name + ".class";
                try (InputStream in = FullConfigFakes.class.getClassLoader().getResourceAsStream(entry)) {
                    if (in == null) {
                        throw new IOException("class file not found: " + entry);
                    }
                    out.putNextEntry(new JarEntry(entry));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
            out.putNextEntry(new JarEntry("META-INF/services/coop.comptoir.api.plugin.PluginFactory"));
            out.write((CountPlugin.Factory.class.getName() + "\n").getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
    }

    /** The version of comptoir-api this jar was built with (its Maven properties). */
    static String apiVersion() throws IOException {
        try (InputStream in = FullConfigFakes.class.getClassLoader()
                .getResourceAsStream("META-INF/maven/coop.comptoir/comptoir-api/pom.properties")) {
            if (in == null) {
                return System.getProperty("bench.apiVersion", "0.1.0-SNAPSHOT");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        }
    }

    private static String arg(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
