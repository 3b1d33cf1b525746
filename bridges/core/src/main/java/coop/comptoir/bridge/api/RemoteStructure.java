package coop.comptoir.bridge.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A remote server's layout ({@link StructureCapable}): its categories (Discord categories,
 * Rocket.Chat teams) and text channels, each with whether everyone on the server may see it. Channels the bot cannot read, and channels that are not
 * text (voice, forums), are listed apart in {@code skipped}: they cannot be bridged.
 *
 * @param id         the server's ID on its network
 * @param name       the server's name, as people read it
 * @param categories the categories, in the network's order
 * @param channels   the text channels the bot can read, in the network's order
 * @param skipped    the channels left out, with why
 */
public record RemoteStructure(String id, String name, List<Category> categories, List<Channel> channels,
                              List<Skipped> skipped) {
    public RemoteStructure {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        categories = List.copyOf(categories);
        channels = List.copyOf(channels);
        skipped = List.copyOf(skipped);
    }

    /**
     * A category (a group of channels).
     *
     * @param open whether everyone on the server may see it ({@code @everyone} is not denied the view)
     */
    public record Category(String id, String name, boolean open) {
        public Category {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * A text channel the bot can read.
     *
     * @param topic    empty when it has none
     * @param category the ID of its category, empty when it has none
     * @param open     whether everyone on the server may see it; a channel only some roles see is
     *                 mirrored as an invite-only room
     */
    public record Channel(RemoteChannelId id, String name, String topic, Optional<String> category, boolean open) {
        public Channel {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(topic, "topic");
            Objects.requireNonNull(category, "category");
        }
    }

    /** Why a channel is not mirrored. */
    public enum Reason {
        /** Voice, stage, forum: not a text channel. */
        NOT_TEXT,
        /** The bot cannot read it (give it access on the remote side, then run the mirroring again). */
        NO_ACCESS,
        /**
         * A channel of a channel (a Rocket.Chat discussion): it becomes a room of its own when its
         * parent is bridged ({@link SubChannelCapable}), not through the mirroring.
         */
        SUB_CHANNEL
    }

    /** A channel left out of the mirroring. */
    public record Skipped(String id, String name, Reason reason) {
        public Skipped {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(reason, "reason");
        }
    }
}
