package coop.comptoir.internal.schedule;

import coop.comptoir.api.store.Database.Migration;
import coop.comptoir.internal.store.SqlScripts;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Quartz's job store tables on PostgreSQL, created through {@code Database.migrate("quartz", …)}
 * from the DDL shipped in the Quartz jar, without its comments, {@code DROP}s and final
 * {@code COMMIT} (the migration runs in its own transaction).
 *
 * <p>Version 1 is the DDL of Quartz 2.5. When a later Quartz changes its tables, add version 2
 * with the exact {@code ALTER}s rather than re-reading the new file: databases at v1 keep their
 * tables.
 */
final class QuartzTables {
    static final String COMPONENT = "quartz";
    static final String POSTGRES_DDL = "org/quartz/impl/jdbcjobstore/tables_postgres.sql";

    private QuartzTables() {}

    static List<Migration> migrations() {
        return List.of(new Migration(1, "Quartz 2.5 job store tables", null, postgresDdl()));
    }

    static String postgresDdl() {
        String raw;
        try (InputStream in = org.quartz.Scheduler.class.getClassLoader().getResourceAsStream(POSTGRES_DDL)) {
            if (in == null) {
                throw new IllegalStateException("The Quartz jar has no " + POSTGRES_DDL + ": unexpected Quartz version");
            }
            raw = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + POSTGRES_DDL, e);
        }
        return SqlScripts.split(SqlScripts.withoutCommentLines(raw)).stream()
                .filter(s -> {
                    String head = s.toUpperCase(Locale.ROOT);
                    return !head.startsWith("DROP ") && !head.equals("COMMIT");
                })
                .collect(Collectors.joining(";\n", "", ";\n"));
    }
}
