package coop.comptoir.bots.shifts.source;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * The {@code source:} mapping of a shifts section, chosen by its {@code type}: {@code yaml},
 * {@code ical} or {@code odoo}, each with its own keys. Bound by the runtime with the section
 * (unknown keys refused, key paths in every error, secrets masked).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = YamlShiftSource.Config.class, name = "yaml"),
        @JsonSubTypes.Type(value = IcalSourceConfig.class, name = "ical"),
        @JsonSubTypes.Type(value = OdooSourceConfig.class, name = "odoo")})
public sealed interface SourceConfig permits YamlShiftSource.Config, IcalSourceConfig, OdooSourceConfig {}
