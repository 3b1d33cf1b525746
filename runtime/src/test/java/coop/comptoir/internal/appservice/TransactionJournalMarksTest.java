package coop.comptoir.internal.appservice;

import static org.assertj.core.api.Assertions.assertThat;

import coop.comptoir.internal.store.JdbcDatabase;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How soon a "handled" mark is written: until it is, a crash runs the finished handler again. The
 * writer's timer is made 30 s long here, so only being woken and taking its turn can write it.
 */
@Timeout(60)
class TransactionJournalMarksTest {
    @TempDir
    Path dir;

    @Test
    void aMarkComingWhileTransactionsAreBeingStoredIsWrittenRightAfterThemNotAtTheNextTick() throws Exception {
        AtomicBoolean hold = new AtomicBoolean();
        CountDownLatch inCommit = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (JdbcDatabase db = JdbcDatabase.open("jdbc:sqlite:" + dir.resolve("j.db"), null, null, "normal", 1);
             TransactionJournal journal = new TransactionJournal(db, Clock.systemUTC(), stored -> {
                 if (hold.get()) {
                     // a commit of incoming transactions under way (it calls this before it lets go)
                     inCommit.countDown();
                     try {
                         release.await(10, TimeUnit.SECONDS);
                     } catch (InterruptedException e) {
                         Thread.currentThread().interrupt();
                     }
                 }
             }, Duration.ofSeconds(30))) {
            journal.start();
            long first = journal.append("1", "f1", body("1"), null).get(5, TimeUnit.SECONDS).stored().seq();
            hold.set(true);
            CompletableFuture<TransactionJournal.Appended> second = CompletableFuture.supplyAsync(() ->
                    journal.append("2", "f2", body("2"), null).join());
            assertThat(inCommit.await(5, TimeUnit.SECONDS)).isTrue();
            journal.markHandled(first); // the handler of transaction 1 finished meanwhile
            Thread.sleep(200); // the writer, woken, finds the commit under way
            hold.set(false);
            release.countDown();
            second.get(5, TimeUnit.SECONDS);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while (System.nanoTime() < deadline && journal.unhandled().stream().anyMatch(s -> s.seq() == first)) {
                Thread.sleep(10);
            }
            assertThat(journal.unhandled()).as("transaction 1's mark is written right after the commit it waited for")
                    .noneMatch(s -> s.seq() == first);
        }
    }

    private static byte[] body(String id) {
        return ("{\"events\":[],\"id\":\"" + id + "\"}").getBytes(StandardCharsets.UTF_8);
    }
}
