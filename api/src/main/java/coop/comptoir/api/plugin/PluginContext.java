package coop.comptoir.api.plugin;

import coop.comptoir.api.command.CommandRouter;
import coop.comptoir.api.event.EventSubscriptions;
import coop.comptoir.api.http.HttpRoutes;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.schedule.Scheduler;
import coop.comptoir.api.store.Database;
import java.time.Clock;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;

/**
 * Everything an instance may use, handed to {@link PluginFactory#create}. Nothing here is global:
 * two instances get two contexts.
 */
public interface PluginContext {
    /** The instance ID from the config ({@code id:}), or the type if there is only one. */
    String instanceId();

    PluginConfig config();

    /** The client acting as the bot user; derive ghosts with {@link MatrixClient#as}. */
    MatrixClient matrix();

    /** The bot's own user ID. */
    UserId botUserId();

    /** The homeserver's server name ({@code example.org}). */
    String serverName();

    EventSubscriptions events();

    CommandRouter commands();

    /** The shared database; create your tables with {@link Database#migrate}. */
    Database database();

    /** Jobs that survive restarts, each fired once even with several Comptoir instances on PostgreSQL. */
    Scheduler scheduler();

    /** The shared HTTP client: derive with {@code newBuilder()} for other timeouts. */
    OkHttpClient http();

    /** HTTP routes this instance serves (webhooks), under {@code /_comptoir/plugins/{instanceId}}. */
    HttpRoutes routes();

    /** The clock to use instead of {@code Instant.now()}, so tests can control time. */
    Clock clock();

    /** A logger named after the instance. */
    Logger log();

    /**
     * How this instance speaks: the top-level {@code language:}, {@code address:} and
     * {@code texts:} of the config (French, {@code vous}, nothing rewritten by default). A plugin
     * whose section has its own {@code language:} applies it with
     * {@link coop.comptoir.api.text.TextSettings#withLanguage}, then builds its texts with
     * {@link coop.comptoir.api.text.Catalogue#load}.
     */
    default coop.comptoir.api.text.TextSettings texts() {
        return coop.comptoir.api.text.TextSettings.DEFAULT;
    }

    /**
     * One object shared by the instances of this runtime under {@code key}: the first instance that
     * asks creates it with {@code create}, the others get the same object (the bridge engine keeps
     * there the list of its live instances, which serve {@code !bridge} together). Scoped to the
     * runtime, never static: two runtimes, two objects. Use a key of your own ({@code bridge.command})
     * and remove what your instance put there when it closes. Thread-safe; {@code create} runs once,
     * must not block.
     *
     * @throws IllegalStateException when the object under {@code key} is not a {@code type}
     */
    <T> T shared(String key, Class<T> type, java.util.function.Supplier<? extends T> create);
}
