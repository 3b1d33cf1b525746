package coop.comptoir.internal.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlScriptsTest {
    @Test
    void splitsOnSemicolonsAtLineEnds() {
        String script = """
                -- leading comment;
                CREATE TABLE a (x TEXT DEFAULT ';');  \t
                INSERT INTO a VALUES ('one; two');
                CREATE TABLE b (
                  y INT
                );
                -- only a comment
                SELECT 1""";
        assertThat(SqlScripts.split(script)).containsExactly(
                "CREATE TABLE a (x TEXT DEFAULT ';')",
                "INSERT INTO a VALUES ('one; two')",
                "CREATE TABLE b (\n  y INT\n)",
                "SELECT 1");
    }

    @Test
    void handlesWindowsLineEndsAndEmptyScripts() {
        assertThat(SqlScripts.split("SELECT 1;\r\nSELECT 2;\r\n")).containsExactly("SELECT 1", "SELECT 2");
        assertThat(SqlScripts.split("")).isEmpty();
        assertThat(SqlScripts.split(null)).isEmpty();
        assertThat(SqlScripts.split("  ;\n")).isEmpty();
    }
}
