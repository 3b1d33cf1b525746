package coop.comptoir.bots.forum;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.config.Problems;
import coop.comptoir.api.config.RoomRef;
import coop.comptoir.api.config.Secret;
import coop.comptoir.api.plugin.ConfigException;
import coop.comptoir.testing.PluginConfigs;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForumConfigTest {
    private static List<ConfigException> problems(ForumConfig c, String path) {
        Problems p = Problems.root(path);
        c.check(p);
        return p.list();
    }

    private static Duration secs(Integer seconds) {
        return seconds == null ? null : Duration.ofSeconds(seconds);
    }

    private static List<RoomRef> rooms(String... rooms) {
        return java.util.Arrays.stream(rooms).map(RoomRef::of).toList();
    }

    private static List<String> bound(String yaml) throws Exception {
        var tree = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree(yaml);
        return PluginConfigs.check(new ForumPluginFactory(), PluginConfigs.of("forum", "plugins[0]", tree, "coop.example"))
                .list().stream().map(ConfigException::getMessage).toList();
    }

    @Test
    void roomsSecretsAndIntervalsAreBoundWithTheirKeyPathsAndNeverShowTheSecret() throws Exception {
        assertThat(bound("""
                url: https://forum.example.coop
                api_key: ""
                webhook: {secret: "   "}
                polling: {feeds: [{url: /latest.rss, rooms: ["salon"], interval: 300}]}
                routes: [{rooms: ["#annonces:coop.example", "annonces"]}]
                """)).containsExactlyInAnyOrder(
                "plugins[0].api_key: empty",
                "plugins[0].webhook.secret: empty",
                "plugins[0].polling.feeds[0].interval: \"300\" has no unit: write 300s, 300m, 300h or 300d",
                "plugins[0].polling.feeds[0].rooms[0]: \"salon\" is not a room ID (!abc:example.org) or alias (#name:example.org)",
                "plugins[0].routes[0].rooms[1]: \"annonces\" is not a room ID (!abc:example.org) or alias (#name:example.org)");
        assertThat(bound("""
                url: https://forum.example.coop
                api_key: [k3y-in-a-list]
                webhook: {secret: {value: "s3cret-in-a-map"}}
                routes: [{rooms: ["#annonces:coop.example"]}]
                """)).allSatisfy(m -> assertThat(m).doesNotContain("k3y").doesNotContain("s3cret"))
                .anyMatch(m -> m.startsWith("plugins[0].api_key: expected"))
                .anyMatch(m -> m.startsWith("plugins[0].webhook.secret: expected"));
    }

    @Test
    void theFormerIntervalInSecondsIsStillReadWithAWarning() throws Exception {
        var tree = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper().readTree("""
                url: https://forum.example.coop
                polling: {feeds: [{interval_seconds: 120}]}
                routes: [{rooms: ["#annonces:coop.example"]}]
                """);
        var section = PluginConfigs.of("forum", "plugins[0]", tree, "coop.example");
        var checked = PluginConfigs.check(new ForumPluginFactory(), section);
        assertThat(checked.list()).isEmpty();
        assertThat(checked.warnings()).extracting(ConfigException::getMessage).containsExactly(
                "plugins[0].polling.feeds[0].interval_seconds: deprecated, still read for this release: write interval instead"
                        + " (e.g. interval: 120s)");
        assertThat(PluginConfigs.bind(new ForumPluginFactory(), section).polling().feeds().get(0).interval())
                .isEqualTo(Duration.ofMinutes(2));
    }

    private static final List<ForumConfig.Route> ROUTES =
            List.of(new ForumConfig.Route(5L, "courses", null, null, rooms("!abc:coop.example"), null));

    @Test
    void aCompleteConfigHasNoProblemAndSensibleDefaults() {
        ForumConfig c = new ForumConfig("https://forum.example.coop/", null, null, new ForumConfig.Webhook(Secret.of("twelve-chars-or-more")),
                new ForumConfig.Polling(null), null, null, null, ROUTES);
        assertThat(problems(c, "plugins[0]")).isEmpty();
        assertThat(c.base()).isEqualTo("https://forum.example.coop");
        assertThat(c.catchUpLimit()).isEqualTo(5);
        assertThat(c.polling().feeds()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("/latest.json");
            assertThat(f.interval()).isEqualTo(Duration.ofMinutes(5));
        });
        assertThat(new ForumConfig.Feed(7L, "vie-coop", secs(60), null, null, null, null, null).path()).isEqualTo("/c/vie-coop/7.json");
    }

    @Test
    void everyProblemNamesItsKeyAndNeverTheSecret() {
        ForumConfig c = new ForumConfig("ftp://forum", null, null, new ForumConfig.Webhook(Secret.of("tiny-s3cret")),
                new ForumConfig.Polling(List.of(new ForumConfig.Feed(7L, null, secs(1), null, null, null, null, null))), 0, "de", "Forum!",
                List.of(new ForumConfig.Route(5L, "a b", null, null, rooms("!salon:coop.example"), null)));
        List<String> problems = problems(c, "plugins[0]").stream().map(ConfigException::getMessage).toList();
        assertThat(problems).anyMatch(p -> p.startsWith("plugins[0].url:"))
                .anyMatch(p -> p.startsWith("plugins[0].webhook.secret:"))
                .anyMatch(p -> p.startsWith("plugins[0].polling.feeds[0].interval: must be at least 5s"))
                .anyMatch(p -> p.startsWith("plugins[0].polling.feeds[0]:"))
                .anyMatch(p -> p.startsWith("plugins[0].catch_up_limit:"))
                .anyMatch(p -> p.startsWith("plugins[0].language:"))
                .anyMatch(p -> p.startsWith("plugins[0].command:"))
                .anyMatch(p -> p.startsWith("plugins[0].routes[0].category_slug:"))
                .noneMatch(p -> p.contains("tiny-s3cret"));
        ForumConfig neither = new ForumConfig("https://f.example", null, null, null, null, null, null, null, ROUTES);
        assertThat(problems(neither, "p")).extracting(ConfigException::getMessage).containsExactly("p: enable webhook, polling, or both");
    }

    @Test
    void theApiKeyActsAsNoAdministratorByDefaultAndTravelsOverHttpsOnly() {
        ForumConfig keyed = new ForumConfig("https://forum.example.coop", Secret.of("k3y-value"), null, new ForumConfig.Webhook(Secret.of("twelve-chars-or-more")),
                null, null, null, null, ROUTES);
        assertThat(problems(keyed, "p")).isEmpty();
        assertThat(keyed.apiUsername()).as("no user (a single-user key), never system").isNull();

        ForumConfig clear = new ForumConfig("http://forum.example.coop", Secret.of("k3y-value"), "annonces", null,
                new ForumConfig.Polling(null), null, null, null, ROUTES);
        assertThat(problems(clear, "p")).extracting(ConfigException::getMessage).singleElement().asString()
                .startsWith("p.url: ").contains("https").doesNotContain("k3y-value");
        for (String local : List.of("http://127.0.0.1:3000", "http://localhost:3000", "http://[::1]:3000")) {
            assertThat(problems(new ForumConfig(local, Secret.of("k3y-value"), null, null, new ForumConfig.Polling(null), null, null, null, ROUTES)
                    , "p")).as(local).isEmpty();
        }
        assertThat(problems(new ForumConfig("http://forum.example.coop", null, null, null, new ForumConfig.Polling(null), null, null,
                null, ROUTES), "p")).as("no key, nothing to protect").isEmpty();

        ForumConfig broken = new ForumConfig("https://forum.example.coop", Secret.of("k3y\nZq9"), "annonces\r", null,
                new ForumConfig.Polling(null), null, null, null, ROUTES);
        assertThat(problems(broken, "p")).extracting(ConfigException::getMessage)
                .anyMatch(m -> m.startsWith("p.api_key: "))
                .anyMatch(m -> m.startsWith("p.api_username: "))
                .noneMatch(m -> m.contains("k3y") || m.contains("Zq9"));
    }

    @Test
    void rssAndAtomFeedsNeedAnAddressAndRooms() {
        ForumConfig.Feed rss = new ForumConfig.Feed(null, null, secs(120), null, "RSS", "/latest.rss", rooms("#annonces:coop.example"), null);
        assertThat(rss.xml()).isTrue();
        assertThat(rss.format()).isEqualTo("rss");
        assertThat(rss.path()).isEqualTo("/latest.rss");
        assertThat(new ForumConfig.Feed(null, null, secs(null), null, null, "https://blog.example.org/feed", rooms("!a:b"), null).format())
                .isEqualTo("auto");
        ForumConfig ok = new ForumConfig("https://f.example", null, null, null, new ForumConfig.Polling(List.of(rss)),
                null, null, null, ROUTES);
        assertThat(problems(ok, "p")).isEmpty();

        ForumConfig bad = new ForumConfig("https://f.example", null, null, null, new ForumConfig.Polling(List.of(
                new ForumConfig.Feed(3L, "x", secs(60), null, "xml", "ftp://elsewhere", List.of(), false),
                new ForumConfig.Feed(null, null, secs(60), null, "atom", null, rooms("!salon:coop.example"), null),
                new ForumConfig.Feed(null, null, secs(60), null, null, null, rooms("!a:b"), null))), null, null, null, ROUTES);
        assertThat(problems(bad, "p")).extracting(ConfigException::getMessage)
                .anyMatch(m -> m.startsWith("p.polling.feeds[0].format:"))
                .anyMatch(m -> m.startsWith("p.polling.feeds[0].url:"))
                .anyMatch(m -> m.startsWith("p.polling.feeds[0]: category_id"))
                .anyMatch(m -> m.startsWith("p.polling.feeds[0].rooms:"))
                .anyMatch(m -> m.startsWith("p.polling.feeds[1].url: missing"))
                .anyMatch(m -> m.startsWith("p.polling.feeds[2].rooms: only for rss/atom"));
    }

    @Test
    void theExampleFileBindsAndPassesTheChecks() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of("").toAbsolutePath();
        while (dir != null && !java.nio.file.Files.isRegularFile(dir.resolve("config/forum.example.yaml"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("config/forum.example.yaml above the module").isNotNull();
        var yaml = new com.fasterxml.jackson.dataformat.yaml.YAMLMapper();
        var section = (com.fasterxml.jackson.databind.node.ObjectNode) yaml.readTree(
                dir.resolve("config/forum.example.yaml").toFile()).path("plugins").get(0);
        section.remove(List.of("type", "id"));
        var checked = PluginConfigs.check(new ForumPluginFactory(), PluginConfigs.of("forum", "plugins[0]", section, "coop.example"));
        assertThat(checked.list()).isEmpty();
        assertThat(checked.warnings()).as("the example uses no deprecated key").isEmpty();
        ForumConfig c = PluginConfigs.bind(new ForumPluginFactory(), PluginConfigs.of("forum", "plugins[0]", section, "coop.example"));
        assertThat(c.polling().feeds()).filteredOn(ForumConfig.Feed::xml).extracting(ForumConfig.Feed::format)
                .containsExactly("rss", "atom");
    }
}
