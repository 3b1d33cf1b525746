package coop.comptoir.bots.welcome;

import coop.comptoir.api.matrix.Html;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import coop.comptoir.api.id.UserId;
import org.junit.jupiter.api.Test;

class TemplateTest {
    private static final Template.Values VALUES = new Template.Values() {
        @Override
        public String plain(String p) {
            return switch (p) {
                case "name" -> "<b>Zoé</b>";
                case "coop" -> "La Cagette";
                default -> "[" + p + "]";
            };
        }

        @Override
        public String html(String p) {
            return p.equals("name") ? Html.pill(UserId.of("@zoe:coop.test"), "<b>Zoé</b>") : Html.escape(plain(p));
        }
    };

    @Test
    void fillsPlaceholdersInPlainTextAndHtml() {
        Template t = Template.parse("Bienvenue {name} chez {coop} !\nLe wiki : {wiki}");

        Template.Rendered r = t.render(VALUES);

        assertThat(t.placeholders()).containsExactly("name", "coop", "wiki");
        assertThat(r.plain()).isEqualTo("Bienvenue <b>Zoé</b> chez La Cagette !\nLe wiki : [wiki]");
        assertThat(r.html()).isEqualTo("Bienvenue <a href=\"https://matrix.to/#/@zoe:coop.test\">&lt;b&gt;Zoé&lt;/b&gt;</a>"
                + " chez La Cagette !<br>Le wiki : [wiki]");
    }

    @Test
    void escapesTheTemplateTextItselfInHtml() {
        Template.Rendered r = Template.parse("a < b & c {coop}").render(VALUES);

        assertThat(r.html()).isEqualTo("a &lt; b &amp; c La Cagette");
        assertThat(r.plain()).isEqualTo("a < b & c La Cagette");
    }

    @Test
    void refusesAnUnknownPlaceholderByName() {
        assertThatThrownBy(() -> Template.parse("Bonjour {nom} !"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unknown placeholder {nom}")
                .hasMessageContaining("{name}");
    }

    @Test
    void leavesOtherBracesAlone() {
        Template t = Template.parse("{ pas un champ } {Name} {coop}");

        assertThat(t.placeholders()).containsExactly("coop");
        assertThat(t.render(VALUES).plain()).isEqualTo("{ pas un champ } {Name} La Cagette");
    }

    @Test
    void refusesAnEmptyText() {
        assertThatThrownBy(() -> Template.parse("  ")).hasMessage("empty text");
    }

    @Test
    void linksEscapeAliasesForMatrixTo() {
        assertThat(Html.matrixTo("#aide:coop.test")).isEqualTo("https://matrix.to/#/%23aide:coop.test");
        assertThat(Html.link("https://x.test/?a=1&b=\"2\"", "x")).isEqualTo("<a href=\"https://x.test/?a=1&amp;b=&quot;2&quot;\">x</a>");
    }
}
