package coop.comptoir.api.command;

/**
 * Who may run a command: everyone, or users whose power level in the room is at least
 * {@code minPowerLevel}. Users listed as admins in the config may always.
 */
public record Permission(long minPowerLevel) {
    public static final Permission EVERYONE = new Permission(Long.MIN_VALUE);
    /** Room moderators (power level 50) and above. */
    public static final Permission MODERATOR = new Permission(50);
    /** Room admins (power level 100). */
    public static final Permission ADMIN = new Permission(100);

    public boolean isEveryone() {
        return minPowerLevel == Long.MIN_VALUE;
    }
}
