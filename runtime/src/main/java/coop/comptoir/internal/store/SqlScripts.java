package coop.comptoir.internal.store;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Splits migration scripts into statements. A statement ends with {@code ;} at the end of a line
 * (trailing blanks allowed), so a {@code ;} inside a line (a string literal, a one-line trigger
 * body) stays in its statement. Not a SQL parser: a body spanning several lines that end with
 * {@code ;} (PL/pgSQL) must be written with those {@code ;} elsewhere than at line ends.
 */
public final class SqlScripts {
    private static final Pattern END_OF_STATEMENT = Pattern.compile(";[ \\t]*(?:\\r?\\n|$)");

    private SqlScripts() {}

    /**
     * The statements of {@code script}, trimmed, without the {@code --} comment lines that precede
     * them; statements that hold only comments are left out.
     */
    public static List<String> split(String script) {
        List<String> out = new ArrayList<>();
        if (script == null) {
            return out;
        }
        for (String piece : END_OF_STATEMENT.split(script, -1)) {
            String statement = withoutLeadingComments(piece).strip();
            if (!statement.isEmpty()) {
                out.add(statement);
            }
        }
        return out;
    }

    /** {@code script} without lines that are {@code --} comments. */
    public static String withoutCommentLines(String script) {
        StringBuilder sb = new StringBuilder();
        for (String line : script.split("\\r?\\n", -1)) {
            if (!line.strip().startsWith("--")) {
                sb.append(line).append('\n');
            }
        }
        return sb.toString();
    }

    private static String withoutLeadingComments(String piece) {
        String rest = piece;
        while (true) {
            String stripped = rest.stripLeading();
            if (!stripped.startsWith("--")) {
                return stripped;
            }
            int eol = stripped.indexOf('\n');
            if (eol < 0) {
                return "";
            }
            rest = stripped.substring(eol + 1);
        }
    }
}
