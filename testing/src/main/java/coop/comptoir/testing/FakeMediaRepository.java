package coop.comptoir.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.matrix.MediaTooLargeException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The media store of a {@link RecordingMatrixClient}'s homeserver: what was uploaded (bytes, content
 * type, file name), served back by downloads, with what a test of media handling needs to see and
 * to steer: every download asked for ({@link #downloads()}), the bytes a reader would have taken
 * from the network ({@link #bytesRead()}), downloads held until the test {@link #release()}s them,
 * an upload limit ({@code m.upload.size} of {@code /media/config}) and whether downloads declare
 * their length. Get it with {@link RecordingMatrixClient#media()}. Thread-safe.
 */
public final class FakeMediaRepository {
    /** Synapse's default {@code max_upload_size}, 50 MiB. */
    public static final long DEFAULT_UPLOAD_LIMIT = 50L * 1024 * 1024;

    /** A file in the store, as it was uploaded. */
    public record Stored(MxcUri uri, byte[] data, String contentType, String fileName) {
        /** A copy of the bytes. */
        @Override
        public byte[] data() {
            return data.clone();
        }
    }

    /** A download asked for: the file and the caller's limit. */
    public record Download(MxcUri uri, long maxBytes) {}

    private final String serverName;
    private final Map<String, Stored> files = new LinkedHashMap<>();
    private final List<Download> downloads = new ArrayList<>();
    private long bytesRead;
    private long uploadLimit = DEFAULT_UPLOAD_LIMIT;
    private boolean declaresLength = true;
    private int counter;
    private CountDownLatch gate;

    FakeMediaRepository(String serverName) {
        this.serverName = serverName;
    }

    // ---- what the test sets up ----

    /**
     * The largest upload the homeserver takes, as {@code /_matrix/client/v1/media/config} gives it
     * ({@code m.upload.size}; default {@value #DEFAULT_UPLOAD_LIMIT}); a larger upload is refused
     * with 413 {@code M_TOO_LARGE}.
     */
    public synchronized FakeMediaRepository uploadLimit(long bytes) {
        this.uploadLimit = bytes;
        return this;
    }

    /**
     * Whether downloads declare their length ({@code Content-Length}), as Synapse does (the default),
     * or send the bytes unannounced: then a reader learns that a file is too large only after
     * reading one byte more than its limit, and the {@link MediaTooLargeException} declares no size.
     */
    public synchronized FakeMediaRepository declaresLength(boolean declares) {
        this.declaresLength = declares;
        return this;
    }

    /**
     * Holds every download from now on (each is recorded in {@link #downloads()} first, then waits)
     * until {@link #release()}, or 10 seconds at most; to make concurrent callers meet.
     */
    public synchronized FakeMediaRepository hold() {
        if (gate == null) {
            gate = new CountDownLatch(1);
        }
        return this;
    }

    /** Lets the downloads held by {@link #hold()} go on, and the next ones pass. */
    public FakeMediaRepository release() {
        CountDownLatch g;
        synchronized (this) {
            g = gate;
            gate = null;
        }
        if (g != null) {
            g.countDown();
        }
        return this;
    }

    /**
     * Stores a file as if it were on the homeserver already (uploaded by a member, before a lower
     * limit, or from another server), whatever the upload limit; nothing is recorded as uploaded by
     * the plugin.
     *
     * @return its address, to put in an event's {@code url}
     */
    public synchronized MxcUri put(byte[] data, String contentType, String fileName) {
        MxcUri uri = new MxcUri(serverName, "media" + (++counter));
        files.put(uri.toString(), new Stored(uri, data.clone(), contentType, fileName));
        return uri;
    }

    /** Forgets every file, as if the homeserver's media had been purged: downloads get 404. */
    public synchronized FakeMediaRepository purge() {
        files.clear();
        return this;
    }

    // ---- what the test reads ----

    /** The file behind {@code uri}, if it is stored. */
    public synchronized Optional<Stored> file(MxcUri uri) {
        return Optional.ofNullable(files.get(uri.toString()));
    }

    /** Every file uploaded and still stored, in order. */
    public synchronized List<Stored> files() {
        return List.copyOf(files.values());
    }

    /** Every download asked for, failed ones included, in order. */
    public synchronized List<Download> downloads() {
        return List.copyOf(downloads);
    }

    /**
     * The bytes downloads took from the network, as a reader stopping at its limit would: nothing
     * for a file whose declared length is over the limit, the limit and one byte for an undeclared
     * one, the whole file otherwise.
     */
    public synchronized long bytesRead() {
        return bytesRead;
    }

    // ---- the client's side ----

    synchronized MxcUri upload(byte[] data, String contentType, String fileName) {
        if (data.length > uploadLimit) {
            throw new MatrixException(413, "M_TOO_LARGE", "Upload request body is too large");
        }
        return put(data, contentType, fileName);
    }

    /** Records the download, waits at the gate, then lets {@code faults} throw, then serves the file. */
    byte[] download(MxcUri uri, long maxBytes, Runnable faults) {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes < 0");
        }
        CountDownLatch g;
        synchronized (this) {
            downloads.add(new Download(uri, maxBytes));
            g = gate;
        }
        if (g != null) {
            try {
                g.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        faults.run();
        synchronized (this) {
            Stored f = files.get(uri.toString());
            if (f == null) {
                throw new MatrixException(404, "M_NOT_FOUND", "Not found");
            }
            if (f.data.length > maxBytes) {
                bytesRead += declaresLength ? 0 : maxBytes + 1;
                throw new MediaTooLargeException(200, maxBytes, declaresLength ? f.data.length : -1);
            }
            bytesRead += f.data.length;
            return f.data.clone();
        }
    }

    /** What {@code GET /_matrix/client/v1/media/config} answers. */
    synchronized JsonNode config() {
        return JsonNodeFactory.instance.objectNode().put("m.upload.size", uploadLimit);
    }
}
