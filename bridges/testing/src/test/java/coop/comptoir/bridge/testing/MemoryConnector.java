package coop.comptoir.bridge.testing;

import coop.comptoir.api.plugin.PluginContext;
import coop.comptoir.bridge.api.BackfillCapable;
import coop.comptoir.bridge.api.BridgeFactory;
import coop.comptoir.bridge.api.BridgeHost;
import coop.comptoir.bridge.api.BridgeSettings;
import coop.comptoir.bridge.api.DeleteCapable;
import coop.comptoir.bridge.api.EditCapable;
import coop.comptoir.bridge.api.MatrixContent;
import coop.comptoir.bridge.api.NetworkConnector;
import coop.comptoir.bridge.api.OutgoingRemoteMessage;
import coop.comptoir.bridge.api.RemoteChannel;
import coop.comptoir.bridge.api.RemoteChannelId;
import coop.comptoir.bridge.api.RemoteEvent;
import coop.comptoir.bridge.api.RemoteMessageId;
import coop.comptoir.bridge.api.RemoteUser;
import coop.comptoir.bridge.api.RemoteUserId;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/** A connector to a {@link MemoryNetwork}; {@code dropsEdits} makes it a broken one, whose edits never reach the network. */
final class MemoryConnector implements NetworkConnector, EditCapable, DeleteCapable, BackfillCapable {
    static final RemoteChannelId CHANNEL = new RemoteChannelId("general");

    /** Its own keys: which network, and whether it is broken. */
    record Config(String server, Boolean dropsEdits) {}

    /** {@code type: memory}. */
    static final class Factory extends BridgeFactory<Config> {
        Factory() {
            super("memory", "Memory", Config.class);
        }

        @Override
        protected NetworkConnector connector(Config config, BridgeSettings settings, PluginContext context) {
            return new MemoryConnector(MemoryNetwork.BY_NAME.get(config.server()), Boolean.TRUE.equals(config.dropsEdits()));
        }
    }

    private final MemoryNetwork network;
    private final boolean dropsEdits;
    private volatile BridgeHost host;
    private final Consumer<MemoryNetwork.Change> listener = this::onChange;

    MemoryConnector(MemoryNetwork network, boolean dropsEdits) {
        this.network = network;
        this.dropsEdits = dropsEdits;
    }

    @Override
    public String network() {
        return "memory";
    }

    @Override
    public void start(BridgeHost host) {
        this.host = host;
        network.listen(listener);
        host.connectionChanged(true, "in memory");
    }

    @Override
    public Optional<RemoteChannel> channel(RemoteChannelId id) {
        return id.equals(CHANNEL) ? Optional.of(new RemoteChannel(id, "general", "")) : Optional.empty();
    }

    @Override
    public List<RemoteMessageId> send(RemoteChannelId channel, OutgoingRemoteMessage message) {
        MemoryNetwork.Msg m = network.post(message.sender().displayName(), message.content().body(), true,
                message.replyTo().map(r -> Long.parseLong(r.value())));
        return List.of(new RemoteMessageId(Long.toString(m.id())));
    }

    @Override
    public void edit(RemoteChannelId channel, RemoteMessageId message, OutgoingRemoteMessage newContent) {
        if (dropsEdits) {
            return;
        }
        network.edit(Long.parseLong(message.value()), newContent.content().body());
    }

    @Override
    public void delete(RemoteChannelId channel, RemoteMessageId message) {
        network.delete(Long.parseLong(message.value()));
    }

    @Override
    public List<RemoteEvent.Message> messagesAfter(RemoteChannelId channel, Optional<RemoteMessageId> after, int limit) {
        long from = after.map(a -> Long.parseLong(a.value())).orElse(0L);
        return network.all().stream().filter(m -> m.id() > from && !m.deleted() && !m.byBridge()).limit(limit)
                .map(this::toRemote).toList();
    }

    @Override
    public Optional<RemoteMessageId> currentPosition(RemoteChannelId channel) {
        return Optional.of(new RemoteMessageId(Long.toString(network.last())));
    }

    @Override
    public void close() {
        network.unlisten(listener);
    }

    private void onChange(MemoryNetwork.Change c) {
        MemoryNetwork.Msg m = c.message();
        if (m.byBridge()) {
            return;
        }
        RemoteEvent.Message full = toRemote(m);
        switch (c.kind()) {
            case "created" -> host.receive(full);
            case "edited" -> host.receive(new RemoteEvent.Edit(CHANNEL, full.id(), full.sender(), m.at(), full.content()));
            default -> host.receive(new RemoteEvent.Delete(CHANNEL, full.id()));
        }
    }

    private RemoteEvent.Message toRemote(MemoryNetwork.Msg m) {
        return new RemoteEvent.Message(CHANNEL, new RemoteMessageId(Long.toString(m.id())),
                new RemoteUser(new RemoteUserId(m.author()), m.author(), Optional.empty()), m.at(), MatrixContent.text(m.text()),
                m.replyTo().map(r -> new RemoteMessageId(Long.toString(r))), Optional.empty(), List.of());
    }
}
