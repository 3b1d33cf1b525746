package coop.comptoir.api.command;

/**
 * Who may run a command: everyone, users whose power level in the room is at least
 * {@code minPowerLevel}, or only Comptoir's configured administrators. Users listed in the config's
 * {@code commands.admins} may always.
 *
 * @param minPowerLevel        the power level in the room that suffices (ignored when
 *                             {@code configuredAdminsOnly})
 * @param configuredAdminsOnly no power level suffices: only {@code commands.admins}
 */
public record Permission(long minPowerLevel, boolean configuredAdminsOnly) {
    public static final Permission EVERYONE = new Permission(Long.MIN_VALUE);
    /** Room moderators (power level 50) and above. */
    public static final Permission MODERATOR = new Permission(50);
    /** Room admins (power level 100). */
    public static final Permission ADMIN = new Permission(100);
    /**
     * Only Comptoir's configured administrators ({@code commands.admins}), whatever their power level
     * in the room: for what reaches beyond the room where the command is typed (anyone is admin of a
     * room they create, a direct chat with the bot included, and so is a federated server's admin of
     * its rooms).
     */
    public static final Permission CONFIGURED_ADMINS = new Permission(Long.MAX_VALUE, true);

    /** A power-level permission. */
    public Permission(long minPowerLevel) {
        this(minPowerLevel, false);
    }

    public boolean isEveryone() {
        return !configuredAdminsOnly && minPowerLevel == Long.MIN_VALUE;
    }
}
