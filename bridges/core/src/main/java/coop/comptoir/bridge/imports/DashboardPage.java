package coop.comptoir.bridge.imports;

import coop.comptoir.api.text.Catalogue;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The migration page as one HTML document: plain HTML, inline CSS and one inline SVG chart per
 * channel, nothing fetched from elsewhere (the page is served with a policy that forbids it).
 * Laid out for a phone first (one column, a table and a chart per channel). The numbers are also
 * in {@code data-k} attributes, so that a test reads the page as a browser built it. Pure.
 */
final class DashboardPage {
    /** How many names of people still on the old network are shown per channel. */
    static final int NAMES = 8;
    private static final String MATRIX_COLOUR = "#0b6e69";
    private static final String OLD_COLOUR = "#b4532a";

    /** One channel as shown: a label for people, the old network's name, the numbers, the names of {@code stillOld}. */
    record View(String label, String network, MoveStats.Channel stats, List<String> stillOldNames) {}

    private DashboardPage() {}

    /** The whole page; {@code date} is today's date as the texts write it. */
    static String render(Catalogue t, String date, List<View> views) {
        StringBuilder sb = new StringBuilder(8192);
        sb.append("<!DOCTYPE html>\n<html lang=\"").append(esc(t.language())).append("\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<meta name=\"referrer\" content=\"no-referrer\">")
                .append("<title>").append(esc(t.text("page.title"))).append("</title><style>").append(STYLE).append("</style></head><body>")
                .append("<h1>").append(esc(t.text("page.title"))).append("</h1>")
                .append("<p class=\"sub\">").append(esc(t.text("page.subtitle", "days", MoveStats.WINDOW.toDays(), "date", date))).append("</p>");
        if (views.isEmpty()) {
            sb.append("<p>").append(esc(t.text("page.no.portal"))).append("</p>");
        }
        for (View v : views) {
            channel(sb, t, v);
        }
        sb.append("<p class=\"sub\">").append(esc(t.text("page.footer", "days", MoveStats.WINDOW.toDays()))).append("</p></body></html>\n");
        return sb.toString();
    }

    /** The page shown instead when the visitor has no session: what happened and how to get in. */
    static String refused(Catalogue t, String reasonKey) {
        return "<!DOCTYPE html>\n<html lang=\"" + esc(t.language()) + "\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"referrer\" content=\"no-referrer\">"
                + "<title>" + esc(t.text("page.title")) + "</title><style>" + STYLE + "</style></head><body>"
                + "<h1>" + esc(t.text("page.title")) + "</h1><p id=\"refused\">" + esc(t.text(reasonKey)) + "</p>"
                + "<p>" + esc(t.text("page.how")) + "</p></body></html>\n";
    }

    private static void channel(StringBuilder sb, Catalogue t, View v) {
        MoveStats.Channel s = v.stats();
        sb.append("<section class=\"channel\" data-room=\"").append(esc(s.portal().room().value())).append("\">")
                .append("<h2>").append(esc(v.label())).append("</h2><table>");
        row(sb, "matrix-people", t.text("page.matrix.people"), Integer.toString(s.matrixPeople()));
        row(sb, "old-people", t.text("page.old.people", "network", v.network()), Integer.toString(s.oldPeople()));
        row(sb, "matrix-share", t.text("page.share"), s.matrixPercent() + " %");
        row(sb, "messages", t.text("page.messages"), t.text("page.messages.value", "matrix", s.matrixMessages(), "old", s.oldMessages(),
                "network", v.network()));
        row(sb, "moved", t.text("page.moved", "network", v.network()), Integer.toString(s.moved()));
        String names = v.stillOldNames().stream().limit(NAMES).collect(Collectors.joining(", "))
                + (v.stillOldNames().size() > NAMES ? " …" : "");
        sb.append("<tr><th scope=\"row\">").append(esc(t.text("page.still.old", "network", v.network()))).append("</th>")
                .append("<td><span data-k=\"still-old\">").append(s.stillOld().size()).append("</span>")
                .append(names.isEmpty() ? "" : "<br><span class=\"names\" data-k=\"still-old-names\">" + esc(names) + "</span>")
                .append("</td></tr></table>");
        chart(sb, t, v);
        sb.append("</section>");
    }

    private static void row(StringBuilder sb, String key, String label, String value) {
        sb.append("<tr><th scope=\"row\">").append(esc(label)).append("</th><td data-k=\"").append(key).append("\">")
                .append(esc(value)).append("</td></tr>");
    }

    /** Two bars a week (Matrix, old network), the current week on the right; the tallest bar sets the scale. */
    private static void chart(StringBuilder sb, Catalogue t, View v) {
        List<int[]> weeks = v.stats().weeks();
        int max = Math.max(1, weeks.stream().mapToInt(w -> Math.max(w[0], w[1])).max().orElse(1));
        int width = 360;
        int height = 150;
        int left = 28;
        int top = 10;
        int plot = 110;
        double slot = (width - left - 4) / (double) weeks.size();
        double bar = Math.floor(slot * 0.4 * 10) / 10;
        String title = t.text("page.chart", "weeks", weeks.size(), "network", v.network());
        sb.append("<svg class=\"chart\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" role=\"img\" aria-label=\"").append(esc(title)).append("\" data-matrix=\"")
                .append(weeks.stream().map(w -> Integer.toString(w[0])).collect(Collectors.joining(",")))
                .append("\" data-old=\"").append(weeks.stream().map(w -> Integer.toString(w[1])).collect(Collectors.joining(",")))
                .append("\"><title>").append(esc(title)).append("</title>");
        sb.append("<line x1=\"").append(left).append("\" y1=\"").append(top + plot).append("\" x2=\"").append(width - 2)
                .append("\" y2=\"").append(top + plot).append("\" stroke=\"#888\"/>");
        sb.append("<text x=\"").append(left - 4).append("\" y=\"").append(top + 8).append("\" text-anchor=\"end\" class=\"ax\">")
                .append(max).append("</text><text x=\"").append(left - 4).append("\" y=\"").append(top + plot)
                .append("\" text-anchor=\"end\" class=\"ax\">0</text>");
        for (int i = 0; i < weeks.size(); i++) {
            double x = left + i * slot + (slot - 2 * bar) / 2;
            bar(sb, "matrix", i, x, bar, weeks.get(i)[0], max, top, plot, MATRIX_COLOUR);
            bar(sb, "old", i, x + bar, bar, weeks.get(i)[1], max, top, plot, OLD_COLOUR);
        }
        sb.append("<text x=\"").append(left).append("\" y=\"").append(height - 8).append("\" class=\"ax\">")
                .append(esc(t.text("page.chart.first", "weeks", weeks.size() - 1))).append("</text>")
                .append("<text x=\"").append(width - 2).append("\" y=\"").append(height - 8).append("\" text-anchor=\"end\" class=\"ax\">")
                .append(esc(t.text("page.chart.last"))).append("</text></svg>");
        sb.append("<p class=\"legend\"><span class=\"sw\" style=\"background:").append(MATRIX_COLOUR).append("\"></span>")
                .append(esc(t.text("page.legend.matrix"))).append(" <span class=\"sw\" style=\"background:").append(OLD_COLOUR)
                .append("\"></span>").append(esc(t.text("page.legend.old", "network", v.network()))).append("</p>");
    }

    private static void bar(StringBuilder sb, String side, int week, double x, double w, int value, int max, int top, int plot,
                            String colour) {
        double h = value == 0 ? 0 : Math.max(1, Math.round(plot * (double) value / max * 10) / 10.0);
        sb.append("<rect class=\"bar ").append(side).append("\" data-week=\"").append(week).append("\" data-value=\"").append(value)
                .append("\" x=\"").append(fmt(x)).append("\" y=\"").append(fmt(top + plot - h)).append("\" width=\"").append(fmt(w))
                .append("\" height=\"").append(fmt(h)).append("\" fill=\"").append(colour).append("\"/>");
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : String.format(java.util.Locale.ROOT, "%.1f", d);
    }

    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static final String STYLE = "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0 auto;"
            + "max-width:40rem;padding:1rem;color:#1d1d1d;background:#fafaf7;line-height:1.4}h1{font-size:1.4rem;margin:.2rem 0}"
            + "h2{font-size:1.15rem;margin:0 0 .5rem}.sub{color:#555;font-size:.9rem}"
            + ".channel{background:#fff;border:1px solid #ddd;border-radius:.6rem;padding:.8rem;margin:1rem 0}"
            + "table{width:100%;border-collapse:collapse}th,td{text-align:left;padding:.35rem .2rem;border-bottom:1px solid #eee;"
            + "vertical-align:top}th{font-weight:normal;color:#444;width:60%}td{font-weight:600}.names{font-weight:normal;font-size:.9rem}"
            + ".chart{width:100%;height:auto;margin-top:.6rem}.ax{font-size:10px;fill:#555}"
            + ".legend{font-size:.85rem;margin:.2rem 0}.sw{display:inline-block;width:.8rem;height:.8rem;border-radius:2px;"
            + "margin:0 .3rem 0 .6rem;vertical-align:-1px}";
}
