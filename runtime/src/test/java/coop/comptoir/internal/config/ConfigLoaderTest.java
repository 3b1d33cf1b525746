package coop.comptoir.internal.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.comptoir.internal.config.ComptoirConfig.PluginSection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private ComptoirConfig load(String yaml) throws IOException {
        return load(yaml, Map.of());
    }

    private ComptoirConfig load(String yaml, Map<String, String> env) throws IOException {
        Path file = dir.resolve("comptoir.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file, env);
    }

    private List<String> errors(String yaml) {
        return errors(yaml, Map.of());
    }

    private List<String> errors(String yaml, Map<String, String> env) {
        try {
            load(yaml, env);
        } catch (ConfigErrors e) {
            return e.lines();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("expected configuration errors");
    }

    @Test
    void fillsEveryDefaultAndResolvesPathsAgainstTheFilesFolder() throws IOException {
        ComptoirConfig c = load("homeserver:\n  server_name: example.org\n");

        assertThat(c.homeserver().url()).isEqualTo("http://127.0.0.1:8008");
        assertThat(c.homeserver().serverName()).isEqualTo("example.org");
        var as = c.appservice();
        assertThat(as.id()).isEqualTo("comptoir");
        assertThat(as.bind()).isEqualTo("127.0.0.1");
        assertThat(as.port()).isEqualTo(29320);
        assertThat(as.publicUrl()).isEqualTo("http://127.0.0.1:29320");
        assertThat(as.registration()).isEqualTo(dir.resolve("registration.yaml").toString());
        assertThat(as.asToken()).isNull();
        assertThat(as.hsToken()).isNull();
        assertThat(as.senderLocalpart()).isEqualTo("comptoir");
        assertThat(as.displayName()).isEqualTo("Comptoir");
        assertThat(as.maxBodyBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(as.maxPendingEvents()).isEqualTo(10_000);
        assertThat(as.requirePing()).isFalse();
        assertThat(c.database().url()).isEqualTo("jdbc:sqlite:" + dir.resolve("comptoir.db"));
        assertThat(c.database().sqliteSynchronous()).isEqualTo("normal");
        assertThat(c.database().poolSize()).isEqualTo(4);
        assertThat(c.scheduler().threads()).isEqualTo(2);
        assertThat(c.scheduler().clustered()).isNull();
        assertThat(c.schedulerClustered()).isFalse();
        assertThat(c.commands().prefix()).isEqualTo("!");
        assertThat(c.commands().admins()).isEmpty();
        assertThat(c.commands().language()).isNull();
        assertThat(c.language()).isEqualTo("fr");
        assertThat(c.address()).isEqualTo("vous");
        assertThat(c.commandTextSettings().language()).isEqualTo("fr");
        assertThat(c.admin().bind()).isNull();
        assertThat(c.admin().port()).isNull();
        assertThat(c.plugins()).isEmpty();
        assertThat(c.botUserId().value()).isEqualTo("@comptoir:example.org");
    }

    @Test
    void embeddedDefaultsAreTheSameAsAMinimalFile() throws IOException {
        assertThat(ConfigLoader.defaults(dir, "example.org")).isEqualTo(load("homeserver: {server_name: example.org}"));
    }

    @Test
    void embeddedDefaultsStillNeedAValidServerName() {
        assertThatThrownBy(() -> ConfigLoader.defaults(dir, null))
                .isInstanceOfSatisfying(ConfigErrors.class, e -> assertThat(e.lines()).containsExactly("homeserver.server_name: missing"));
        assertThatThrownBy(() -> ConfigLoader.defaults(dir, "not a name"))
                .isInstanceOfSatisfying(ConfigErrors.class, e -> assertThat(e.lines()).singleElement().asString()
                        .startsWith("homeserver.server_name: not a valid server name"));
    }

    @Test
    void derivesThePublicUrlFromBindAndPort() throws IOException {
        assertThat(load("homeserver: {server_name: a.org}\nappservice: {bind: 10.0.0.5, port: 9000}").appservice().publicUrl())
                .isEqualTo("http://10.0.0.5:9000");
        assertThat(load("homeserver: {server_name: a.org}\nappservice: {bind: 0.0.0.0}").appservice().publicUrl())
                .isEqualTo("http://127.0.0.1:29320");
        assertThat(load("homeserver: {server_name: a.org}\nappservice: {bind: '::1'}").appservice().publicUrl())
                .isEqualTo("http://[::1]:29320");
        assertThat(load("homeserver: {server_name: a.org, url: 'https://matrix.a.org/'}\n"
                + "appservice: {public_url: 'http://comptoir:29320/'}").appservice().publicUrl())
                .isEqualTo("http://comptoir:29320");
    }

    @Test
    void keepsAbsoluteAndSpecialSqliteUrlsAndLeavesPostgresAlone() {
        assertThat(ConfigLoader.resolveSqlite("jdbc:sqlite:/var/lib/comptoir/c.db", dir)).isEqualTo("jdbc:sqlite:/var/lib/comptoir/c.db");
        assertThat(ConfigLoader.resolveSqlite("jdbc:sqlite::memory:", dir)).isEqualTo("jdbc:sqlite::memory:");
        assertThat(ConfigLoader.resolveSqlite("jdbc:sqlite:data/c.db?foreign_keys=on", dir))
                .isEqualTo("jdbc:sqlite:" + dir.resolve("data/c.db") + "?foreign_keys=on");
        assertThat(ConfigLoader.resolveSqlite("jdbc:postgresql://db/comptoir", dir)).isEqualTo("jdbc:postgresql://db/comptoir");
    }

    @Test
    void encryptionIsOffUnlessTurnedOnAndAMistypedKeyIsNamed() throws IOException {
        assertThat(load("homeserver: {server_name: a.org}").encryption().enabled()).isFalse();
        assertThat(load("homeserver: {server_name: a.org}\nencryption: {enabled: true}").encryption().enabled()).isTrue();
        assertThatThrownBy(() -> load("homeserver: {server_name: a.org}\nencryption: {enable: true}"))
                .isInstanceOfSatisfying(ConfigErrors.class, e -> assertThat(e.lines()).singleElement().asString()
                        .startsWith("encryption.enable: "));
    }

    @Test
    void anExplicitNullMeansTheDefault() throws IOException {
        ComptoirConfig c = load("homeserver: {server_name: a.org}\nappservice:\n  port:\n  display_name: ~\ndatabase:\n");
        assertThat(c.appservice().port()).isEqualTo(29320);
        assertThat(c.appservice().displayName()).isEqualTo("Comptoir");
        assertThat(c.database().poolSize()).isEqualTo(4);
    }

    @Test
    void substitutesEnvironmentVariablesInValuesOnly() throws IOException {
        ComptoirConfig c = load("""
                homeserver:
                  server_name: ${SERVER}
                  url: http://${HS_HOST:-localhost}:8008
                appservice:
                  port: ${PORT}
                  require_ping: ${PING:-true}
                  display_name: "Pay $${NOT_A_VAR} here"
                database:
                  url: jdbc:postgresql://db/comptoir
                  password: ${DB_PASSWORD}
                commands:
                  admins: ["@${ADMIN}:example.org"]
                """, Map.of("SERVER", "example.org", "PORT", "8080", "DB_PASSWORD", "s3cret", "ADMIN", "alice", "HS_HOST", ""));

        assertThat(c.homeserver().serverName()).isEqualTo("example.org");
        assertThat(c.homeserver().url()).as("empty variable takes the default").isEqualTo("http://localhost:8008");
        assertThat(c.appservice().port()).isEqualTo(8080);
        assertThat(c.appservice().requirePing()).isTrue();
        assertThat(c.appservice().displayName()).isEqualTo("Pay ${NOT_A_VAR} here");
        assertThat(c.database().password()).isEqualTo("s3cret");
        assertThat(c.commands().admins()).containsExactly("@alice:example.org");
    }

    @Test
    void keysAreNeverSubstituted() {
        assertThat(errors("homeserver: {server_name: a.org}\nappservice:\n  ${KEY}: 1\n", Map.of("KEY", "port")))
                .singleElement().asString().startsWith("appservice.${KEY}: unknown key");
    }

    @Test
    void anUnsetVariableNamesTheKeyAndTheVariable() {
        assertThat(errors("homeserver: {server_name: a.org}\ndatabase:\n  password: ${DB_PASSWORD}\n"))
                .containsExactly("database.password: environment variable DB_PASSWORD is not set");
        assertThat(errors("homeserver: {server_name: a.org}\ncommands:\n  prefix: ${P\n"))
                .singleElement().asString().startsWith("commands.prefix: malformed ${...} reference");
    }

    @Test
    void waitsAreDurationsAndTheFormerSecondsKeysAreStillRead() {
        ComptoirConfig now = ConfigLoader.parse("""
                homeserver: {server_name: a.org}
                appservice: {first_transaction_wait: 2m, plugin_routes: {body_timeout: 20s}}
                """, dir, Map.of());
        assertThat(now.appservice().firstTransactionWait()).isEqualTo(java.time.Duration.ofMinutes(2));
        assertThat(now.appservice().pluginRoutes().bodyTimeout()).isEqualTo(java.time.Duration.ofSeconds(20));
        ComptoirConfig former = ConfigLoader.parse("""
                homeserver: {server_name: a.org}
                appservice: {first_transaction_wait_seconds: 45, plugin_routes: {body_timeout_seconds: "${T}"}}
                """, dir, Map.of("T", "7"));
        assertThat(former.appservice().firstTransactionWait()).isEqualTo(java.time.Duration.ofSeconds(45));
        assertThat(former.appservice().pluginRoutes().bodyTimeout()).isEqualTo(java.time.Duration.ofSeconds(7));
        assertThat(ConfigLoader.parse("homeserver: {server_name: a.org}\n", dir, Map.of()).appservice().firstTransactionWait())
                .isEqualTo(java.time.Duration.ofSeconds(30));
        assertThat(errors("""
                homeserver: {server_name: a.org}
                appservice: {first_transaction_wait_seconds: 5, first_transaction_wait: 5s, plugin_routes: {body_timeout: 30}}
                """)).containsExactly(
                "appservice.first_transaction_wait_seconds: give only first_transaction_wait (first_transaction_wait_seconds is its"
                        + " former spelling)",
                "appservice.plugin_routes.body_timeout: \"30\" has no unit: write 30s, 30m, 30h or 30d");
        assertThat(errors("homeserver: {server_name: a.org}\nappservice: {plugin_routes: {body_timeout: 10m}}\n"))
                .containsExactly("appservice.plugin_routes.body_timeout: must be between 1s and 5m");
    }

    @Test
    void refusesUnknownKeysNamingTheAllowedOnes() {
        assertThat(errors("homeserver: {server_name: a.org}\nappservice:\n  prot: 8080\n"))
                .containsExactly("appservice.prot: unknown key (allowed: id, bind, port, public_url, registration, as_token,"
                        + " hs_token, sender_localpart, display_name, max_body_bytes, max_pending_events, require_ping, plugin_routes,"
                        + " first_transaction_wait)");
        assertThat(errors("homeserver: {server_name: a.org}\nhomeservre: {}\n"))
                .containsExactly("homeservre: unknown key (allowed: homeserver, appservice, database, scheduler, commands, admin, backup, plugins, plugins_dir, language, address, texts, encryption)");
    }

    @Test
    void wrongTypesShowTheValueExceptForSecretsAndTheEnvironment() {
        assertThat(errors("homeserver: {server_name: a.org}\nappservice: {port: abc}"))
                .containsExactly("appservice.port: expected a number, got \"abc\"");
        assertThat(errors("homeserver: {server_name: a.org}\nappservice: {port: 80.5}"))
                .containsExactly("appservice.port: expected a whole number, got 80.5");
        assertThat(errors("homeserver: {server_name: a.org}\nappservice: {require_ping: maybe}"))
                .containsExactly("appservice.require_ping: expected true or false, got \"maybe\"");
        assertThat(errors("homeserver: {server_name: a.org}\ncommands: {admins: '@a:b.org'}"))
                .containsExactly("commands.admins: expected a list, got \"@a:b.org\"");
        assertThat(errors("homeserver: {server_name: a.org}\nappservice: 5"))
                .containsExactly("appservice: expected a mapping, got 5");
        assertThat(errors("homeserver: {server_name: a.org}\nappservice: {as_token: [hunter2]}"))
                .containsExactly("appservice.as_token: expected a string, got a list");

        List<String> fromEnv = errors("homeserver: {server_name: a.org}\nappservice: {port: '${PORT}'}", Map.of("PORT", "hunter2"));
        assertThat(fromEnv).containsExactly("appservice.port: expected a number, got a string (value hidden)");
    }

    /** Found by fuzzing: an empty key gave a problem without a key path (": unknown key"). */
    @Test
    void anEmptyKeyIsNamedInItsProblem() {
        assertThat(errors("homeserver: {server_name: a.org, '': x}\n'': 1\n"))
                .anySatisfy(e -> assertThat(e).startsWith("\"\": unknown key (allowed: homeserver,"))
                .anySatisfy(e -> assertThat(e).startsWith("homeserver.\"\": unknown key (allowed: "));
    }

    /** Found by fuzzing: 2932E29320 is an infinite double, and Jackson threw on it. */
    @Test
    void aNumberTooLargeForAnyTypeIsOutOfRangeNotACrash() {
        assertThat(errors("homeserver: {server_name: a.org}\nappservice: {port: 2932E29320}"))
                .singleElement().asString().startsWith("appservice.port: number out of range");
        assertThat(errors("homeserver: {server_name: a.org}\nappservice: {max_body_bytes: -1e999}"))
                .singleElement().asString().startsWith("appservice.max_body_bytes: number out of range");
        // written as text (as an environment variable gives it): not a billion-digit number to build
        org.junit.jupiter.api.Assertions.assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () ->
                assertThat(errors("homeserver: {server_name: a.org}\nappservice: {port: '1e999999999'}"))
                        .singleElement().asString().startsWith("appservice.port: number out of range"));
    }

    @Test
    void requiresTheServerName() {
        assertThat(errors("homeserver: {url: 'http://localhost:8008'}")).containsExactly("homeserver.server_name: missing");
        assertThat(errors("")).containsExactly("homeserver.server_name: missing");
    }

    @Test
    void validatesValues() {
        assertThat(errors("""
                homeserver: {server_name: a.org, url: 'ftp://a.org'}
                appservice: {port: 0, public_url: nowhere, sender_localpart: Bot, id: 'a b', max_body_bytes: 100, max_pending_events: 0}
                database: {sqlite_synchronous: 'off', pool_size: 0}
                scheduler: {threads: 0, clustered: true}
                commands: {prefix: '! ', admins: ['@alice:a.org', 'bob'], language: de}
                admin: {bind: 127.0.0.1}
                """)).containsExactlyInAnyOrder(
                "homeserver.url: expected an http:// or https:// URL",
                "appservice.id: use letters, digits, '.', '_', '~' and '-' (it appears in URLs)",
                "appservice.port: must be between 1 and 65535",
                "appservice.public_url: expected an http:// or https:// URL",
                "appservice.sender_localpart: use only lower-case letters, digits and . _ = - / +",
                "appservice.max_body_bytes: must be at least 65536",
                "appservice.max_pending_events: must be at least 1",
                "database.sqlite_synchronous: expected normal or full",
                "database.pool_size: must be between 1 and 64",
                "scheduler.threads: must be between 1 and 64",
                "scheduler.clustered: needs PostgreSQL: Comptoir instances share their jobs through the database (database.url is SQLite)",
                "commands.prefix: must be non-empty and without spaces (in YAML, quote it: prefix: \"!\")",
                "commands.admins[1]: not a valid user ID (@name:example.org)",
                "commands.language: expected fr or en",
                "admin.port: missing (admin.bind is set; give a port, or leave both out for no admin listener)");
    }

    @Test
    void clusteredIsOnByDefaultWithPostgres() throws IOException {
        ComptoirConfig c = load("homeserver: {server_name: a.org}\ndatabase: {url: 'jdbc:postgresql://db/c', user: c, password: p}");
        assertThat(c.schedulerClustered()).isTrue();
        assertThat(c.database().isSqlite()).isFalse();
    }

    @Test
    void anAdminPortAloneListensOnTheAppserviceAddress() throws IOException {
        ComptoirConfig c = load("homeserver: {server_name: a.org}\nappservice: {bind: 0.0.0.0}\nadmin: {port: 9100}");
        assertThat(c.admin()).isEqualTo(new ComptoirConfig.Admin("0.0.0.0", 9100, false));
        assertThat(errors("homeserver: {server_name: a.org}\nadmin: {port: 29320}"))
                .containsExactly("admin.port: same as appservice.port (leave admin.port out, and set admin.public_metrics: true to serve /metrics on the appservice listener)");
    }

    @Test
    void collectsEveryErrorAtOnce() {
        List<String> errors = errors("""
                homeserver: {url: 'http://localhost:8008'}
                appservice: {prot: 1, port: abc}
                database: {password: '${DB_PASSWORD}'}
                plugins:
                  - type: welcome
                  - id: x
                  - type: welcome
                """);
        assertThat(errors).hasSize(6).anySatisfy(e -> assertThat(e).startsWith("appservice.prot: unknown key"))
                .contains("appservice.port: expected a number, got \"abc\"",
                        "homeserver.server_name: missing",
                        "database.password: environment variable DB_PASSWORD is not set",
                        "plugins[1].type: missing",
                        "plugins[2].id: duplicate instance id \"welcome\" (give each instance of a type its own id:)");
    }

    @Test
    void readsPluginSections() throws IOException {
        ComptoirConfig c = load("""
                homeserver: {server_name: a.org}
                plugins:
                  - type: welcome
                    greeting: Bonjour
                    rooms: ['!a:a.org']
                  - type: welcome
                    id: accueil-2
                    enabled: false
                    token: ${UNSET_BECAUSE_DISABLED}
                  - type: shifts
                    enabled: ${SHIFTS_ON:-true}
                """);
        assertThat(c.plugins()).extracting(PluginSection::type, PluginSection::id, PluginSection::enabled, PluginSection::path)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("welcome", "welcome", true, "plugins[0]"),
                        org.assertj.core.groups.Tuple.tuple("welcome", "accueil-2", false, "plugins[1]"),
                        org.assertj.core.groups.Tuple.tuple("shifts", "shifts", true, "plugins[2]"));
        assertThat(c.plugins().get(0).settings().toString()).isEqualTo("{\"greeting\":\"Bonjour\",\"rooms\":[\"!a:a.org\"]}");
        assertThat(c.plugins().get(2).settings().isEmpty()).isTrue();
    }

    @Test
    void checksPluginEntries() {
        assertThat(errors("homeserver: {server_name: a.org}\nplugins:\n  - welcome\n  - {type: Welcome!}\n  - {type: a, id: x}\n  - {type: b, id: x}\n  - {type: c, enabled: sometimes}\n"))
                .containsExactly(
                        "plugins[0]: expected a mapping with at least type:, got \"welcome\"",
                        "plugins[1].type: use lower-case letters, digits, - and _ (got \"Welcome!\")",
                        "plugins[3].id: duplicate instance id \"x\"",
                        "plugins[4].enabled: expected true or false, got \"sometimes\"");
        assertThat(errors("homeserver: {server_name: a.org}\nplugins: {type: a}"))
                .containsExactly("plugins: expected a list, got a mapping");
        assertThat(errors("homeserver: {server_name: a.org}\nplugins: [{type: '${T}'}]", Map.of("T", "welcome")))
                .as("names are taken as written").containsExactly("plugins[0].type: use lower-case letters, digits, - and _ (got \"${T}\")");
    }

    @Test
    void aSyntaxErrorGivesTheLineButNotItsText() {
        List<String> errors = errors("homeserver: {server_name: a.org}\nappservice:\n  as_token: hunter2: x\n");
        assertThat(errors).singleElement().asString()
                .startsWith(dir.resolve("comptoir.yaml") + ": not valid YAML (line 3")
                .doesNotContain("hunter2");
        assertThat(errors("homeserver: {server_name: a.org}\nhomeserver: {server_name: b.org}\n"))
                .singleElement().asString().contains("not valid YAML (line 2").contains("duplicate key 'homeserver'");
        assertThat(errors("- a\n- b\n"))
                .containsExactly("(top level): expected a mapping of sections (homeserver:, appservice:, …), got a list");
    }

    @Test
    void aMissingFileSaysSo() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> ConfigLoader.load(missing, Map.of()))
                .isInstanceOfSatisfying(ConfigErrors.class, e -> assertThat(e.lines())
                        .containsExactly(missing + ": file " + missing + " not found"));
    }

    @Test
    void toStringHidesSecrets() throws IOException {
        ComptoirConfig c = load("""
                homeserver: {server_name: a.org}
                appservice: {as_token: as-secret-1, hs_token: hs-secret-2}
                database: {url: 'jdbc:postgresql://db/c?password=pw-secret-3', password: pw-secret-4}
                plugins: [{type: forum, api_key: key-secret-5}]
                """);
        assertThat(c.toString()).doesNotContain("secret-").contains("api_key");
    }

    @Test
    void readsTokensFromTheRegistrationFile() throws IOException {
        Files.writeString(dir.resolve("registration.yaml"), """
                id: comptoir
                url: http://127.0.0.1:29320
                as_token: AS1
                hs_token: HS1
                sender_localpart: comptoir
                namespaces: {users: [], aliases: [], rooms: []}
                """);
        ComptoirConfig c = ConfigLoader.withRegistrationTokens(load("homeserver: {server_name: a.org}"));
        assertThat(c.appservice().asToken()).isEqualTo("AS1");
        assertThat(c.appservice().hsToken()).isEqualTo("HS1");

        ComptoirConfig fromConfig = load("homeserver: {server_name: a.org}\nappservice: {as_token: AS1}");
        assertThat(ConfigLoader.withRegistrationTokens(fromConfig).appservice().hsToken()).isEqualTo("HS1");
    }

    @Test
    void refusesARegistrationFileOutOfStepWithTheConfig() throws IOException {
        Files.writeString(dir.resolve("registration.yaml"), "id: other\nas_token: AS1\nhs_token: HS1\nsender_localpart: bot\n");
        ComptoirConfig c = load("homeserver: {server_name: a.org}\nappservice: {hs_token: HS-from-env}");
        assertThatThrownBy(() -> ConfigLoader.withRegistrationTokens(c))
                .isInstanceOfSatisfying(ConfigErrors.class, e -> {
                    assertThat(e.lines()).hasSize(3);
                    assertThat(e.lines().get(0)).startsWith("appservice.id: \"comptoir\" differs from the registration file's id \"other\"");
                    assertThat(e.lines().get(1)).startsWith("appservice.sender_localpart: \"comptoir\" differs");
                    assertThat(e.lines().get(2)).startsWith("appservice.hs_token: differs from the hs_token in");
                    assertThat(e.getMessage()).doesNotContain("HS1").doesNotContain("HS-from-env");
                });
    }

    @Test
    void aMissingRegistrationFileIsAnErrorOnlyWhenTokensAreNeeded() throws IOException {
        ComptoirConfig c = load("homeserver: {server_name: a.org}");
        assertThatThrownBy(() -> ConfigLoader.withRegistrationTokens(c))
                .isInstanceOfSatisfying(ConfigErrors.class, e -> assertThat(e.lines()).containsExactly(
                        "appservice.registration: file " + dir.resolve("registration.yaml")
                                + " not found; run `comptoir generate-registration` first"));

        ComptoirConfig withTokens = load("homeserver: {server_name: a.org}\nappservice: {as_token: A, hs_token: H}");
        assertThat(ConfigLoader.withRegistrationTokens(withTokens)).isSameAs(withTokens);
    }

    @Test
    void theDefaultDatabaseGoesInDataDirWhichIsRelativeToTheFilesFolder() throws IOException {
        assertThat(load("homeserver: {server_name: example.org}\ndata_dir: /var/lib/comptoir\n").database().url())
                .isEqualTo("jdbc:sqlite:/var/lib/comptoir/comptoir.db");
        assertThat(load("homeserver: {server_name: example.org}\ndata_dir: state\n").database().url())
                .isEqualTo("jdbc:sqlite:" + dir.resolve("state/comptoir.db"));
        assertThat(load("homeserver: {server_name: example.org}\ndata_dir: ${STATE:-/srv/c}\n").database().url())
                .as("from the environment").isEqualTo("jdbc:sqlite:/srv/c/comptoir.db");
    }

    @Test
    void aDatabaseGivenInTheFileIsRelativeToTheFilesFolderWhateverDataDirSays() throws IOException {
        ComptoirConfig c = load("""
                homeserver: {server_name: example.org}
                data_dir: /var/lib/comptoir
                database: {url: 'jdbc:sqlite:other.db', pool_size: 2}
                """);
        assertThat(c.database().url()).isEqualTo("jdbc:sqlite:" + dir.resolve("other.db"));
        assertThat(c.database().poolSize()).isEqualTo(2);
        assertThat(load("homeserver: {server_name: example.org}\ndata_dir: /x\ndatabase: {pool_size: 3}\n").database().url())
                .as("other database keys keep the default file").isEqualTo("jdbc:sqlite:/x/comptoir.db");
    }

    @Test
    void aBadDataDirIsNamed() {
        assertThat(errors("homeserver: {server_name: example.org}\ndata_dir: [a]\n"))
                .anyMatch(line -> line.contains("data_dir: expected the path of a folder"));
        assertThat(errors("homeserver: {server_name: example.org}\ndata_dir: ''\n"))
                .anyMatch(line -> line.contains("data_dir: expected the path of a folder"));
    }

    @Test
    void pluginFilesResolveAgainstTheFilesFolderNotTheWorkingDirectory() throws IOException {
        ComptoirConfig c = load("""
                homeserver: {server_name: example.org}
                plugins:
                  - type: shifts
                    source: {type: yaml, file: planning.yaml}
                """);
        var plugin = new PluginConfigImpl(c.plugins().get(0), "example.org");

        assertThat(plugin.resolvePath("planning.yaml")).isEqualTo(dir.resolve("planning.yaml"));
        assertThat(plugin.resolvePath("textes/accueil.yaml")).isEqualTo(dir.resolve("textes/accueil.yaml"));
        assertThat(plugin.resolvePath("/etc/comptoir/x.yaml")).isEqualTo(Path.of("/etc/comptoir/x.yaml"));
        assertThat(plugin.resolvePath("../shared/x.yaml")).isEqualTo(dir.getParent().resolve("shared/x.yaml"));
    }
}
