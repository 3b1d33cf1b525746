package coop.comptoir.bench;

import java.nio.charset.StandardCharsets;

/**
 * Transaction bodies shaped like the shared harness's ({@code ../shared/bench/txn.lua}): K
 * {@code m.room.message} events of about 300 bytes, over 20 rooms and 50 senders.
 */
final class Transactions {
    private static final String[] WORDS = {"hello", "world", "lorem", "ipsum", "dolor", "sit", "amet", "bridge",
            "matrix", "appservice", "benchmark", "message", "quick", "brown", "fox", "jumps"};

    private Transactions() {}

    /** The body of transaction {@code n} with {@code k} events. */
    static byte[] body(long n, int k) {
        StringBuilder sb = new StringBuilder(320 * k + 16).append("{\"events\":[");
        long ts = 1_796_000_000_000L + n % 1000;
        for (int i = 1; i <= k; i++) {
            long g = n * k + i;
            if (i > 1) {
                sb.append(',');
            }
            sb.append("{\"type\":\"m.room.message\",\"room_id\":\"").append(room((int) (g % 20)))
                    .append("\",\"sender\":\"").append(String.format("@user%02d:remote.example", (g * 7) % 50 + 1))
                    .append("\",\"content\":{\"msgtype\":\"m.text\",\"body\":\"Message ").append(g).append(" from thread 1: ")
                    .append(WORDS[(int) (g % 16)]).append(' ').append(WORDS[(int) ((g * 7) % 16)]).append(' ')
                    .append(WORDS[(int) ((g * 13) % 16)]).append(' ').append(WORDS[(int) ((g * 3) % 16)])
                    .append("\"},\"origin_server_ts\":").append(ts).append(",\"event_id\":\"$ev").append(n).append('-')
                    .append(i).append("_bench\",\"unsigned\":{\"age\":").append(g % 500).append("}}");
        }
        return sb.append("]}").toString().getBytes(StandardCharsets.UTF_8);
    }

    static String room(int i) {
        return String.format("!bRoom%02dxYzAbCdEfGh:remote.example", i + 1);
    }
}
