package coop.comptoir.bots.shifts.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The fake's domains behave as Odoo's, so that the source's queries are really checked. */
class FakeOdooTest {
    private final FakeOdoo odoo = new FakeOdoo()
            .shift(1, "Lundi A", "2026-10-19 09:00:00", "2026-10-19 12:00:00", 1, 11, "Lundi A", "Standard", 4, "confirm")
            .shift(2, "Mardi B", "2026-10-27 09:00:00", "2026-10-27 12:00:00", 2, 12, "Mardi B", "Volant", 4, "cancel")
            .shift(3, "Jeudi C", "2026-11-05 09:00:00", "2026-11-05 12:00:00", 3, 13, "Jeudi C", "Standard", 4, "draft");

    private List<Long> ids(String domain) throws Exception {
        List<Long> out = new ArrayList<>();
        for (JsonNode r : odoo.searchRead("shift.shift", domain, "name")) {
            out.add(r.get("id").asLong());
        }
        return out;
    }

    @Test
    void domainsFollowOdoosPolishNotation() throws Exception {
        assertThat(ids("[]")).containsExactly(1L, 2L, 3L);
        assertThat(ids("[[\"date_begin\",\">=\",\"2026-10-26 00:00:00\"],[\"date_begin\",\"<\",\"2026-11-30 00:00:00\"]]"))
                .containsExactly(2L, 3L);
        assertThat(ids("[\"|\",[\"state\",\"=\",\"cancel\"],[\"week_number\",\"=\",3]]")).containsExactly(2L, 3L);
        assertThat(ids("[\"&\",[\"state\",\"!=\",\"cancel\"],\"!\",[\"id\",\"in\",[1]]]")).containsExactly(3L);
        assertThat(ids("[[\"shift_type_id\",\"not in\",[2]],[\"shift_template_id\",\"in\",[11,12]]]")).containsExactly(1L);
    }

    @Test
    void unknownFieldsAndModelsAreOdooErrors() {
        assertThatThrownBy(() -> odoo.searchRead("shift.shift", "[]", "colour"))
                .hasMessage("builtins.ValueError: Invalid field 'colour' on model 'shift.shift'");
        assertThatThrownBy(() -> odoo.searchRead("event.event", "[]")).hasMessage("builtins.KeyError: 'event.event'");
    }
}
