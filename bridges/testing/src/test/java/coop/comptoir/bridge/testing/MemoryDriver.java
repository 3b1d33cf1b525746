package coop.comptoir.bridge.testing;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import coop.comptoir.bridge.api.BridgeFactory;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The contract's remote side over a {@link MemoryNetwork}: {@code bob} acting in the channel. */
final class MemoryDriver implements RemoteDriver {
    private final String name = UUID.randomUUID().toString();
    private final MemoryNetwork network = new MemoryNetwork();
    private final boolean dropsEdits;

    MemoryDriver(boolean dropsEdits) {
        this.dropsEdits = dropsEdits;
        MemoryNetwork.BY_NAME.put(name, network);
    }

    @Override
    public BridgeFactory<?> factory() {
        return new MemoryConnector.Factory();
    }

    @Override
    public ObjectNode connectorSettings() {
        return JsonNodeFactory.instance.objectNode().put("server", name).put("drops_edits", dropsEdits);
    }

    @Override
    public String channel() {
        return MemoryConnector.CHANNEL.value();
    }

    @Override
    public String post(String text) {
        return Long.toString(network.post("bob", text, false, Optional.empty()).id());
    }

    @Override
    public String postWhileBridgeStopped(String text) {
        return Long.toString(network.postSilently("bob", text).id());
    }

    @Override
    public String reply(String repliedTo, String text) {
        return Long.toString(network.post("bob", text, false, Optional.of(Long.parseLong(repliedTo))).id());
    }

    @Override
    public void edit(String id, String newText) {
        network.edit(Long.parseLong(id), newText);
    }

    @Override
    public void delete(String id) {
        network.delete(Long.parseLong(id));
    }

    @Override
    public List<RemoteMessage> messages() {
        return network.all().stream().filter(m -> !m.deleted())
                .map(m -> new RemoteMessage(Long.toString(m.id()), m.text(), m.byBridge(), m.replyTo().map(String::valueOf)))
                .toList();
    }

    @Override
    public void close() {
        MemoryNetwork.BY_NAME.remove(name);
    }
}
