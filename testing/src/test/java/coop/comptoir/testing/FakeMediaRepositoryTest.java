package coop.comptoir.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.comptoir.api.id.MxcUri;
import coop.comptoir.api.id.UserId;
import coop.comptoir.api.matrix.MatrixException;
import coop.comptoir.api.matrix.MediaTooLargeException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The media store of the recording client: uploads kept, downloads served, counted and held. */
class FakeMediaRepositoryTest {
    private final RecordingMatrixClient matrix = new RecordingMatrixClient(UserId.of("@comptoir:coop.example"));
    private final FakeMediaRepository media = matrix.media();

    @Test
    void anUploadIsKeptWithItsTypeAndNameAndServedBack() {
        MxcUri uri = matrix.upload(new byte[] {1, 2, 3}, "image/png", "plan.png");
        assertThat(media.file(uri)).hasValueSatisfying(f -> {
            assertThat(f.data()).containsExactly(1, 2, 3);
            assertThat(f.contentType()).isEqualTo("image/png");
            assertThat(f.fileName()).isEqualTo("plan.png");
        });
        assertThat(matrix.download(uri, 10)).containsExactly(1, 2, 3);
        assertThat(media.downloads()).containsExactly(new FakeMediaRepository.Download(uri, 10));
        assertThat(media.bytesRead()).isEqualTo(3);
    }

    @Test
    void aFileOverTheLimitIsNotReadWhenItsLengthIsDeclaredAndReadOneByteOverWhenNot() {
        MxcUri uri = matrix.upload(new byte[500], "application/pdf", "gros.pdf");
        assertThatThrownBy(() -> matrix.download(uri, 100)).isInstanceOfSatisfying(MediaTooLargeException.class,
                e -> assertThat(e.declaredSize()).isEqualTo(500));
        assertThat(media.bytesRead()).isZero();

        media.declaresLength(false);
        assertThatThrownBy(() -> matrix.download(uri, 100)).isInstanceOfSatisfying(MediaTooLargeException.class,
                e -> assertThat(e.declaredSize()).isEqualTo(-1));
        assertThat(media.bytesRead()).isEqualTo(101);
    }

    @Test
    void theUploadLimitIsEnforcedAndGivenByTheMediaConfig() {
        assertThat(matrix.request("GET", "/_matrix/client/v1/media/config", null).path("m.upload.size").asLong())
                .isEqualTo(FakeMediaRepository.DEFAULT_UPLOAD_LIMIT);
        media.uploadLimit(1000);
        assertThat(matrix.request("GET", "/_matrix/client/v1/media/config", null).path("m.upload.size").asLong()).isEqualTo(1000);
        assertThatThrownBy(() -> matrix.upload(new byte[1001], "video/mp4", "film.mp4"))
                .isInstanceOfSatisfying(MatrixException.class, e -> assertThat(e.errcode()).isEqualTo("M_TOO_LARGE"));
        assertThat(media.files()).isEmpty();

        MxcUri there = media.put(new byte[5000], "video/mp4", "ag.mp4");
        assertThat(matrix.download(there, 10_000)).as("a file already there is served whatever the limit").hasSize(5000);
    }

    @Test
    void aPurgedOrUnknownFileIsNotFoundAndAFailedDownloadIsStillCounted() {
        MxcUri uri = matrix.upload(new byte[] {9}, "image/png", "a.png");
        matrix.failNext(1, new MatrixException(503, "M_UNKNOWN", "down"), MatrixCall.DOWNLOAD);
        assertThatThrownBy(() -> matrix.download(uri, 10)).isInstanceOfSatisfying(MatrixException.class,
                e -> assertThat(e.status()).isEqualTo(503));
        assertThat(matrix.download(uri, 10)).containsExactly(9);
        media.purge();
        assertThatThrownBy(() -> matrix.download(uri, 10)).isInstanceOfSatisfying(MatrixException.class,
                e -> assertThat(e.status()).isEqualTo(404));
        assertThat(media.downloads()).hasSize(3);
    }

    @Test
    void heldDownloadsWaitUntilReleased() throws Exception {
        MxcUri uri = matrix.upload(new byte[] {4}, "image/png", "a.png");
        media.hold();
        CompletableFuture<byte[]> waiting = CompletableFuture.supplyAsync(() -> matrix.download(uri, 10));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (media.downloads().isEmpty() && System.nanoTime() < end) {
            Thread.sleep(5);
        }
        Thread.sleep(100);
        assertThat(waiting).as("held").isNotDone();
        media.release();
        assertThat(waiting.get(5, TimeUnit.SECONDS)).containsExactly(4);
        assertThat(matrix.download(uri, 10)).as("released for the next ones").containsExactly(4);
    }
}
