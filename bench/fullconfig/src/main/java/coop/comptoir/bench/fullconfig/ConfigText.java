package coop.comptoir.bench.fullconfig;

import coop.comptoir.testing.discord.FakeChannel;
import coop.comptoir.testing.discord.FakeDiscord;
import java.nio.file.Path;
import java.util.List;

/** The full configuration's {@code comptoir.yaml}, as text (every plugin on; see {@link FullConfigFakes}). */
final class ConfigText {
    private ConfigText() {}

    static String of(Path dir, String homeserver, int port, int ctl, FakeDiscord discord, String guild,
                     List<FakeChannel> channels, String forum, String poll, boolean bridgeHarness) {
        StringBuilder y = new StringBuilder();
        y.append("# Written by bench/fullconfig.sh (FullConfigFakes): every plugin on, fakes on loopback.\n")
                .append("homeserver:\n  url: ").append(homeserver).append("\n  server_name: ").append(FullConfigFakes.SERVER)
                .append("\nappservice:\n  bind: 127.0.0.1\n  port: ").append(port)
                .append("\n  public_url: http://127.0.0.1:").append(port)
                .append("\n  as_token: as_secret\n  hs_token: hs_secret\n")
                .append("admin:\n  bind: 127.0.0.1\n  port: ").append(ctl).append('\n')
                .append("database:\n  url: jdbc:sqlite:").append(dir.resolve("comptoir.db")).append('\n')
                .append("plugins_dir: plugins\n")
                .append("plugins:\n");
        y.append("  - type: welcome\n    id: accueil\n    coop: La Cagette\n    wiki: https://wiki.example.org\n")
                .append("    forum: https://forum.example.org\n    language: fr\n    faq:\n");
        // Keywords the harness's messages never hold: every message is matched against them, none is answered.
        String[][] faq = {{"horaires", "horaires, ouverture, fermeture"}, {"adhesion", "adhésion, adhérer, parts sociales"},
            {"services", "créneau, service, shift"}, {"paiement", "carte, chèque, espèces"}, {"produits", "vrac, bio, local"}};
        for (String[] t : faq) {
            y.append("      - topic: ").append(t[0]).append("\n        keywords: [").append(t[1])
                    .append("]\n        answer:\n          fr: Réponse sur ").append(t[0])
                    .append(".\n          en: About ").append(t[0]).append(".\n");
        }
        y.append("    rooms:\n");
        for (int i = 1; i <= FullConfigFakes.HARNESS_ROOMS; i++) {
            y.append("      - room: \"").append(String.format("!bRoom%02dxYzAbCdEfGh:remote.example", i)).append("\"\n");
        }
        y.append("  - type: shifts\n    id: shifts\n    zone: Europe/Paris\n    language: fr\n    anchor: 2026-01-05\n")
                .append("    source:\n      type: yaml\n      file: shifts-schedule.yaml\n")
                .append("    default_room: \"!services:").append(FullConfigFakes.SERVER).append("\"\n")
                .append("    admin_room: \"!admins:").append(FullConfigFakes.SERVER).append("\"\n")
                .append("    teams:\n");
        for (int t = 0; t < 10; t++) {
            y.append("      equipe-").append(t).append(": \"!equipe").append(t).append(':').append(FullConfigFakes.SERVER)
                    .append("\"\n");
        }
        y.append("  - type: forum\n    id: forum\n    url: ").append(forum).append('\n')
                .append("    polling:\n      feeds:\n        - interval: ").append(poll).append('\n')
                .append("    routes:\n      - rooms: [\"!forum:").append(FullConfigFakes.SERVER).append("\"]\n");
        y.append("  - type: discord\n    id: discord\n    token: ").append(FullConfigFakes.TOKEN).append('\n')
                .append("    guild_id: \"").append(guild).append("\"\n")
                .append("    api_base_url: ").append(discord.restBaseUrl()).append('\n')
                .append("    gateway_url: ").append(discord.gatewayUrl()).append('\n')
                .append("    cdn_url: ").append(discord.cdnBaseUrl()).append('\n')
                .append("    public_address: http://127.0.0.1:").append(port).append('\n');
        if (channels.isEmpty()) {
            y.append("    links: []\n");
        } else {
            y.append("    links:\n");
            for (int i = 0; i < channels.size(); i++) {
                String room = bridgeHarness && i < FullConfigFakes.HARNESS_ROOMS
                        ? String.format("!bRoom%02dxYzAbCdEfGh:remote.example", i + 1)
                        : String.format("!portal%03d:", i) + FullConfigFakes.SERVER;
                y.append("      - room: \"").append(room).append("\"\n        channel: \"").append(channels.get(i).id())
                        .append("\"\n");
            }
        }
        y.append("  - type: bench-count\n    id: count\n");
        return y.toString();
    }
}
