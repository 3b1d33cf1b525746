/**
 * Config types shared by every plugin: {@link coop.comptoir.api.config.Problems} collects a
 * section's problems with their key paths; {@link coop.comptoir.api.config.RoomRef},
 * {@link coop.comptoir.api.config.Secret} and {@link java.time.Duration} (written as
 * {@link coop.comptoir.api.config.ConfigDurations} says) are bound by the runtime with the same
 * rules and messages everywhere.
 */
package coop.comptoir.api.config;
