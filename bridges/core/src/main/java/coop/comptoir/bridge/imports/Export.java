package coop.comptoir.bridge.imports;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A whole export read in memory: its source network ({@code discord}, {@code slack}: the ghosts'
 * namespace) and its channels, each with its messages oldest first.
 */
public record Export(String source, List<Channel> channels) {
    /** A person as named in the export; {@code id} is stable within the source network. */
    public record Person(String id, String name) {}

    /** A file's bytes, read only when the file is sent (an export's media may be large). */
    public interface Content {
        /** Reads the whole file; blocks on the disk. */
        byte[] read() throws java.io.IOException;
    }

    /** A file of a message: its content when the export holds it, else only its name and link. */
    public record Attachment(String fileName, String contentType, Optional<Content> content, String link) {
        /** The bytes read now, or empty when the export does not hold them. */
        public Optional<byte[]> data() {
            if (content.isEmpty()) {
                return Optional.empty();
            }
            try {
                return Optional.of(content.get().read());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    /**
     * One message. {@code id} is unique in its export (it derives the transaction ID);
     * {@code replyTo} and {@code threadRoot} are IDs of earlier messages of the same channel.
     */
    public record Message(String id, Person author, Instant time, String text, Optional<String> replyTo,
                          Optional<String> threadRoot, List<Attachment> attachments) {}

    /** A channel's messages, oldest first. */
    public record Channel(String id, String name, List<Message> messages) {}

    /** The channel called {@code name} (with or without {@code #}), or the only one if {@code name} is null. */
    public Optional<Channel> channel(String name) {
        if (name == null) {
            return channels.size() == 1 ? Optional.of(channels.get(0)) : Optional.empty();
        }
        String n = name.startsWith("#") ? name.substring(1) : name;
        return channels.stream().filter(c -> c.name().equalsIgnoreCase(n) || c.id().equals(n)).findFirst();
    }

    /** What a channel holds, for the dry run. */
    public record Summary(int messages, int attachments, int missingFiles, Optional<Instant> first,
                          Optional<Instant> last, Set<String> people) {
        static Summary of(Channel c) {
            Set<String> people = new LinkedHashSet<>();
            int files = 0;
            int missing = 0;
            for (Message m : c.messages()) {
                people.add(m.author().name());
                files += m.attachments().size();
                missing += (int) m.attachments().stream().filter(a -> a.content().isEmpty()).count();
            }
            List<Message> ms = c.messages();
            return new Summary(ms.size(), files, missing,
                    ms.isEmpty() ? Optional.empty() : Optional.of(ms.get(0).time()),
                    ms.isEmpty() ? Optional.empty() : Optional.of(ms.get(ms.size() - 1).time()), people);
        }
    }
}
