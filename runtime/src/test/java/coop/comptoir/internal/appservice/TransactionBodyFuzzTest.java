package coop.comptoir.internal.appservice;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import coop.comptoir.api.event.MatrixEvent;
import java.util.List;

/**
 * Coverage-guided fuzzing of what the homeserver sends: any body is either a transaction (read
 * again the same from the journal, with a stable fingerprint) or refused with a Matrix errcode;
 * never another exception, never a hang. The kept inputs (and any crash found) under
 * {@code src/test/resources/…/TransactionBodyFuzzTestInputs} run in every build; fuzzing itself
 * runs with {@code scripts/fuzz.sh}.
 */
class TransactionBodyFuzzTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @FuzzTest(maxDuration = "30s")
    void anyBodyIsATransactionOrARefusal(byte[] body) {
        TransactionBody.Parsed parsed;
        try {
            parsed = TransactionBody.parse(MAPPER, "fuzz", body);
        } catch (TransactionBody.BadTransaction refused) {
            assertThat(refused.errcode()).isIn("M_NOT_JSON", "M_BAD_JSON");
            return;
        }
        for (MatrixEvent e : parsed.events()) {
            assertThat(e.type()).isNotNull();
        }
        List<MatrixEvent> again = TransactionBody.readStored(MAPPER, "fuzz", body);
        assertThat(again).hasSameSizeAs(parsed.events());
        try {
            assertThat(TransactionBody.parse(MAPPER, "fuzz", body).fingerprint()).isEqualTo(parsed.fingerprint());
        } catch (TransactionBody.BadTransaction e) {
            throw new AssertionError("accepted once, refused the second time", e);
        }
    }
}
