package coop.comptoir.internal.store;

import coop.comptoir.api.store.Database;
import java.util.List;

/**
 * A database that hands every call to a real one; a test overrides the call it wants to break or
 * slow down ({@code inTransaction}, usually) and keeps the others as they are.
 */
public abstract class ForwardingDatabase implements Database {
    /** The database the calls go to. */
    protected final Database real;

    protected ForwardingDatabase(Database real) {
        this.real = real;
    }

    @Override
    public Dialect dialect() {
        return real.dialect();
    }

    @Override
    public void migrate(String component, List<Migration> migrations) {
        real.migrate(component, migrations);
    }

    @Override
    public <T> T inTransaction(SqlFunction<T> work) {
        return real.inTransaction(work);
    }

    @Override
    public <T> T withConnection(SqlFunction<T> work) {
        return real.withConnection(work);
    }
}
