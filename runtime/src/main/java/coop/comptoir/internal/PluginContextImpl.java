package coop.comptoir.internal;

import coop.comptoir.api.command.CommandRouter;
import coop.comptoir.api.event.EventSubscriptions;
import coop.comptoir.api.http.HttpRoutes;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixClient;
import coop.comptoir.api.plugin.PluginConfig;
import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.api.schedule.Scheduler;
import coop.comptoir.api.store.Database;
import coop.comptoir.internal.dispatch.Dispatcher;
import java.time.Clock;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What one plugin instance gets; built by the runtime, nothing shared but what is meant to be. */
record PluginContextImpl(String instanceId, PluginConfig config, MatrixClient matrix, UserId botUserId,
                         String serverName, CommandRouter commands, Database database, Scheduler scheduler,
                         PluginHttp pluginHttp, Clock clock, Logger log, Dispatcher dispatcher, HttpRoutes routes,
                         SharedObjects sharedObjects, coop.comptoir.api.text.TextSettings texts)
        implements PluginContext {

    /** The client with TLS, built at the first plugin's call ({@link PluginHttp}). */
    @Override
    public OkHttpClient http() {
        return pluginHttp.get();
    }

    static Logger loggerFor(String instanceId) {
        return LoggerFactory.getLogger("coop.comptoir.plugin." + instanceId);
    }

    @Override
    public <T> T shared(String key, Class<T> type, java.util.function.Supplier<? extends T> create) {
        return sharedObjects.get(key, type, create);
    }

    @Override
    public EventSubscriptions events() {
        return new EventSubscriptions() {
            @Override
            public void on(String type, EventFilter filter, EventHandler handler) {
                dispatcher.subscribe(instanceId, type, false, filter, handler);
            }

            @Override
            public void onAny(EventHandler handler) {
                dispatcher.subscribe(instanceId, null, false, EventFilter.ALL, handler);
            }

            @Override
            public void onAnyIncludingOwn(EventHandler handler) {
                dispatcher.subscribe(instanceId, null, true, EventFilter.ALL, handler);
            }
        };
    }
}
