package coop.comptoir.bridge.imports;

import coop.comptoir.api.command.CommandName;
import coop.comptoir.api.config.Problems;
import coop.comptoir.api.plugin.Namespaces;
import coop.comptoir.api.plugin.Plugin;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.plugin.PluginFactory;
import java.util.List;

/**
 * The {@code migration} plugin type: {@code !migration} imports history from export files, mirrors
 * a bridged server's structure as a Matrix space, invites the old network's channels to move and
 * shows where the move stands (a summary, and a page behind a one-time link).
 * Its ghosts live in the exclusive namespace {@code @_import_…}.
 */
public final class MigrationFactory implements PluginFactory<MigrationFactory.MigrationConfig> {
    static final String COMMAND = "migration";
    static final int DEFAULT_PROGRESS_EVERY = 500;
    static final java.time.Duration DEFAULT_INVITE_EVERY = java.time.Duration.ofDays(14);

    /**
     * The section, every key optional.
     *
     * @param progressEvery the messages between two progress notices of an import; null for {@value #DEFAULT_PROGRESS_EVERY}
     * @param elementUrl    the coop's Element address ({@code https://element.macoop.fr}), given in the
     *                      invitations {@code !migration invite} posts; they are refused without it
     * @param inviteEvery   the shortest time between two invitations in one channel ({@code 14d}, the default)
     * @param publicAddress where admins reach Comptoir's {@code /_comptoir/plugins/} from their browser
     *                      ({@code https://comptoir.macoop.fr}): the migration page's links start there;
     *                      {@code !migration page} is refused without it
     */
    public record MigrationConfig(Integer progressEvery, String elementUrl, java.time.Duration inviteEvery, String publicAddress) {
        /** Only the progress interval (imports only). */
        public MigrationConfig(Integer progressEvery) {
            this(progressEvery, null, null, null);
        }

        java.util.Optional<java.net.URI> publicAddressUri() {
            return publicAddress == null ? java.util.Optional.empty() : java.util.Optional.of(java.net.URI.create(publicAddress.strip()));
        }

        int progressEveryOrDefault() {
            return progressEvery == null ? DEFAULT_PROGRESS_EVERY : progressEvery;
        }

        java.time.Duration inviteEveryOrDefault() {
            return inviteEvery == null ? DEFAULT_INVITE_EVERY : inviteEvery;
        }
    }

    @Override
    public String type() {
        return "migration";
    }

    @Override
    public Class<MigrationConfig> configType() {
        return MigrationConfig.class;
    }

    @Override
    public void validate(MigrationConfig config, Problems problems) {
        if (config.progressEvery() != null && config.progressEvery() < 1) {
            problems.add("progress_every", "must be a whole number of messages, 1 or more");
        }
        if (config.elementUrl() != null) {
            java.net.URI u = null;
            try {
                u = java.net.URI.create(config.elementUrl().strip());
            } catch (IllegalArgumentException e) {
                // reported below
            }
            if (u == null || !("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null) {
                problems.add("element_url", "expected the https:// address of the coop's Element (https://element.macoop.fr)");
            }
        }
        if (config.inviteEvery() != null && (config.inviteEvery().isNegative() || config.inviteEvery().isZero())) {
            problems.add("invite_every", "must be longer than zero: " + coop.comptoir.api.config.ConfigDurations.HOW);
        }
        if (config.publicAddress() != null) {
            java.net.URI u = null;
            try {
                u = java.net.URI.create(config.publicAddress().strip());
            } catch (IllegalArgumentException e) {
                // reported below
            }
            if (u == null || !("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null
                    || u.getQuery() != null || u.getFragment() != null) {
                problems.add("public_address", "expected the address where admins reach Comptoir, https://comptoir.macoop.fr");
            }
        }
    }

    @Override
    public Namespaces namespaces(MigrationConfig config, PluginConfig section) {
        return Namespaces.exclusiveUsers(HistoryImport.GHOST_PREFIX, section.serverName());
    }

    @Override
    public List<CommandName> commands(MigrationConfig config, PluginConfig section) {
        return List.of(CommandName.of(COMMAND, section.path()));
    }

    @Override
    public Plugin create(MigrationConfig config, PluginContext context) {
        return new MigrationPlugin(context, config);
    }
}
