package coop.comptoir.api.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class NamespacesTest {
    @Test
    void exclusiveUsersAreAnchoredToTheServer() {
        Namespaces ns = Namespaces.exclusiveUsers("_discord_", "coop.example");
        Pattern p = Pattern.compile(ns.users().get(0).regex());
        assertThat(ns.users().get(0).exclusive()).isTrue();
        assertThat(p.matcher("@_discord_1234:coop.example").matches()).isTrue();
        assertThat(p.matcher("@_discord_1234:other.example").matches()).isFalse();
        assertThat(p.matcher("@_discord_1234:coopXexample").matches()).as("the dot is literal").isFalse();
        assertThat(p.matcher("@alice:coop.example").matches()).isFalse();
    }

    @Test
    void quotingUsesOnlyBackslashesThatPythonReadsTheSameWay() {
        assertThat(Namespaces.quote("a.b-c:8448")).isEqualTo("a\\.b\\-c\\:8448");
        assertThat(Namespaces.quote("_x9")).isEqualTo("_x9");
    }
}
