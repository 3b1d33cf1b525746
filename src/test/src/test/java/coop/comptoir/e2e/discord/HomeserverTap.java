package coop.comptoir.e2e.discord;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay put between Comptoir and Synapse, a witness of what Comptoir really fetched: every
 * byte Synapse's answers carried to Comptoir is counted once Comptoir's socket took it, and the
 * request line of each media download is kept. The relay pushes answers in small steps with a small
 * send buffer, so the count follows what Comptoir reads, give or take its socket's receive buffer.
 */
final class HomeserverTap implements AutoCloseable {
    private static final String DOWNLOAD = "GET /_matrix/client/v1/media/download/";
    private static final int STEP = 8 * 1024;

    private final ServerSocket server;
    private final String host;
    private final int port;
    private final AtomicLong toComptoir = new AtomicLong();
    private final List<String> downloads = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "homeserver-tap");
        t.setDaemon(true);
        return t;
    });

    private HomeserverTap(ServerSocket server, String host, int port) {
        this.server = server;
        this.host = host;
        this.port = port;
        threads.execute(this::accept);
    }

    /** A relay on a free loopback port towards {@code homeserverUrl} ({@code http://127.0.0.1:8008}). */
    static HomeserverTap start(String homeserverUrl) throws IOException {
        URI target = URI.create(homeserverUrl);
        return new HomeserverTap(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), target.getHost(), target.getPort());
    }

    /** The address to give Comptoir as its homeserver. */
    String url() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    /** Bytes of Synapse's answers that reached Comptoir so far (headers included). */
    long bytesToComptoir() {
        return toComptoir.get();
    }

    /** The paths of the media downloads Comptoir asked for so far, in order. */
    List<String> downloads() {
        return List.copyOf(downloads);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket comptoir = server.accept();
                open.add(comptoir);
                Socket synapse = new Socket(host, port);
                open.add(synapse);
                comptoir.setSendBufferSize(STEP * 2);
                threads.execute(() -> requests(comptoir, synapse));
                threads.execute(() -> answers(synapse, comptoir));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** Comptoir to Synapse, noting the media downloads' request lines. */
    private void requests(Socket from, Socket to) {
        StringBuilder line = new StringBuilder();
        byte[] buffer = new byte[STEP];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
                out.flush();
                for (int i = 0; i < n; i++) {
                    char c = (char) (buffer[i] & 0xff);
                    if (c == '\n') {
                        // a request line may follow the previous request's body on the same line
                        int at = line.indexOf(DOWNLOAD);
                        if (at >= 0) {
                            downloads.add(line.substring(at).split(" ")[1]);
                        }
                        line.setLength(0);
                    } else if (line.length() < 4096) {
                        line.append(c);
                    }
                }
            }
        } catch (IOException e) {
            // one side went away: the other follows
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** Synapse to Comptoir, counted as Comptoir's socket takes it. */
    private void answers(Socket from, Socket to) {
        byte[] buffer = new byte[STEP];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buffer)) != -1) {
                out.write(buffer, 0, n);
                out.flush();
                toComptoir.addAndGet(n);
            }
        } catch (IOException e) {
            // one side went away: the other follows
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void closeQuietly(Socket s) {
        open.remove(s);
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        open.forEach(this::closeQuietly);
        threads.shutdownNow();
    }
}
