package coop.comptoir.bots.forum;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.api.plugin.ConfigException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForumConfigTest {
    private static final List<ForumConfig.Route> ROUTES =
            List.of(new ForumConfig.Route(5L, "courses", null, null, List.of("!abc:coop.example"), null));

    @Test
    void aCompleteConfigHasNoProblemAndSensibleDefaults() {
        ForumConfig c = new ForumConfig("https://forum.example.coop/", null, null, new ForumConfig.Webhook("twelve-chars-or-more"),
                new ForumConfig.Polling(null), null, null, null, ROUTES);
        assertThat(c.problems("plugins[0]")).isEmpty();
        assertThat(c.base()).isEqualTo("https://forum.example.coop");
        assertThat(c.catchUpLimit()).isEqualTo(5);
        assertThat(c.polling().feeds()).singleElement().satisfies(f -> {
            assertThat(f.path()).isEqualTo("/latest.json");
            assertThat(f.intervalSeconds()).isEqualTo(300);
        });
        assertThat(new ForumConfig.Feed(7L, "vie-coop", 60, null, null, null, null).path()).isEqualTo("/c/vie-coop/7.json");
    }

    @Test
    void everyProblemNamesItsKeyAndNeverTheSecret() {
        ForumConfig c = new ForumConfig("ftp://forum", null, null, new ForumConfig.Webhook("tiny-s3cret"),
                new ForumConfig.Polling(List.of(new ForumConfig.Feed(7L, null, 1, null, null, null, null))), 0, "de", "Forum!",
                List.of(new ForumConfig.Route(5L, "a b", null, null, List.of("salon"), null)));
        List<String> problems = c.problems("plugins[0]").stream().map(ConfigException::getMessage).toList();
        assertThat(problems).anyMatch(p -> p.startsWith("plugins[0].url:"))
                .anyMatch(p -> p.startsWith("plugins[0].webhook.secret:"))
                .anyMatch(p -> p.startsWith("plugins[0].polling.feeds[0].interval_seconds:"))
                .anyMatch(p -> p.startsWith("plugins[0].polling.feeds[0]:"))
                .anyMatch(p -> p.startsWith("plugins[0].catch_up_limit:"))
                .anyMatch(p -> p.startsWith("plugins[0].language:"))
                .anyMatch(p -> p.startsWith("plugins[0].command:"))
                .anyMatch(p -> p.startsWith("plugins[0].routes[0].rooms[0]:"))
                .anyMatch(p -> p.startsWith("plugins[0].routes[0].category_slug:"))
                .noneMatch(p -> p.contains("tiny-s3cret"));
        ForumConfig neither = new ForumConfig("https://f.example", null, null, null, null, null, null, null, ROUTES);
        assertThat(neither.problems("p")).extracting(ConfigException::getMessage).containsExactly("p: enable webhook, polling, or both");
    }

    @Test
    void theApiKeyActsAsNoAdministratorByDefaultAndTravelsOverHttpsOnly() {
        ForumConfig keyed = new ForumConfig("https://forum.example.coop", "k3y-value", null, new ForumConfig.Webhook("twelve-chars-or-more"),
                null, null, null, null, ROUTES);
        assertThat(keyed.problems("p")).isEmpty();
        assertThat(keyed.apiUsername()).as("no user (a single-user key), never system").isNull();

        ForumConfig clear = new ForumConfig("http://forum.example.coop", "k3y-value", "annonces", null,
                new ForumConfig.Polling(null), null, null, null, ROUTES);
        assertThat(clear.problems("p")).extracting(ConfigException::getMessage).singleElement().asString()
                .startsWith("p.url: ").contains("https").doesNotContain("k3y-value");
        for (String local : List.of("http://127.0.0.1:3000", "http://localhost:3000", "http://[::1]:3000")) {
            assertThat(new ForumConfig(local, "k3y-value", null, null, new ForumConfig.Polling(null), null, null, null, ROUTES)
                    .problems("p")).as(local).isEmpty();
        }
        assertThat(new ForumConfig("http://forum.example.coop", null, null, null, new ForumConfig.Polling(null), null, null,
                null, ROUTES).problems("p")).as("no key, nothing to protect").isEmpty();

        ForumConfig broken = new ForumConfig("https://forum.example.coop", "k3y\nZq9", "annonces\r", null,
                new ForumConfig.Polling(null), null, null, null, ROUTES);
        assertThat(broken.problems("p")).extracting(ConfigException::getMessage)
                .anyMatch(m -> m.startsWith("p.api_key: "))
                .anyMatch(m -> m.startsWith("p.api_username: "))
                .noneMatch(m -> m.contains("k3y") || m.contains("Zq9"));
    }

    @Test
    void rssAndAtomFeedsNeedAnAddressAndRooms() {
        ForumConfig.Feed rss = new ForumConfig.Feed(null, null, 120, "RSS", "/latest.rss", List.of("#annonces:coop.example"), null);
        assertThat(rss.xml()).isTrue();
        assertThat(rss.format()).isEqualTo("rss");
        assertThat(rss.path()).isEqualTo("/latest.rss");
        assertThat(new ForumConfig.Feed(null, null, null, null, "https://blog.example.org/feed", List.of("!a:b"), null).format())
                .isEqualTo("auto");
        ForumConfig ok = new ForumConfig("https://f.example", null, null, null, new ForumConfig.Polling(List.of(rss)),
                null, null, null, ROUTES);
        assertThat(ok.problems("p")).isEmpty();

        ForumConfig bad = new ForumConfig("https://f.example", null, null, null, new ForumConfig.Polling(List.of(
                new ForumConfig.Feed(3L, "x", 60, "xml", "ftp://elsewhere", List.of(), false),
                new ForumConfig.Feed(null, null, 60, "atom", null, List.of("salon"), null),
                new ForumConfig.Feed(null, null, 60, null, null, List.of("!a:b"), null))), null, null, null, ROUTES);
        assertThat(bad.problems("p")).extracting(ConfigException::getMessage)
                .anyMatch(m -> m.startsWith("p.polling.feeds[0].format:"))
                .anyMatch(m -> m.startsWith("p.polling.feeds[0].url:"))
                .anyMatch(m -> m.startsWith("p.polling.feeds[0]: category_id"))
                .anyMatch(m -> m.startsWith("p.polling.feeds[0].rooms:"))
                .anyMatch(m -> m.startsWith("p.polling.feeds[1].url: missing"))
                .anyMatch(m -> m.startsWith("p.polling.feeds[1].rooms[0]:"))
                .anyMatch(m -> m.startsWith("p.polling.feeds[2].rooms: only for rss/atom"));
    }

    @Test
    void theExampleFileBindsAndPassesTheChecks() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of("").toAbsolutePath();
        while (dir != null && !java.nio.file.Files.isRegularFile(dir.resolve("config/forum.example.yaml"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as("config/forum.example.yaml above the module").isNotNull();
        com.fasterxml.jackson.databind.ObjectMapper yaml = com.fasterxml.jackson.dataformat.yaml.YAMLMapper.builder()
                .propertyNamingStrategy(com.fasterxml.jackson.databind.PropertyNamingStrategies.SNAKE_CASE)
                .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
        var section = (com.fasterxml.jackson.databind.node.ObjectNode) yaml.readTree(
                dir.resolve("config/forum.example.yaml").toFile()).path("plugins").get(0);
        section.remove(List.of("type", "id"));
        ForumConfig c = yaml.treeToValue(section, ForumConfig.class);

        assertThat(c.problems("plugins[0]")).isEmpty();
        assertThat(c.polling().feeds()).filteredOn(ForumConfig.Feed::xml).extracting(ForumConfig.Feed::format)
                .containsExactly("rss", "atom");
    }
}
