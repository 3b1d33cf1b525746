/**
 * What members read, as message catalogues: each module ships {@code texts/<bundle>_<language>.properties}
 * files (UTF-8, one per language, French first), a plugin reads them through a {@link
 * coop.comptoir.api.text.Catalogue} built for its instance's {@link coop.comptoir.api.text.TextSettings}
 * (language, tu/vous address, the coop's own wording from the config).
 *
 * <p>Messages are ICU message patterns with named arguments: {@code {name}}, plurals
 * ({@code {n, plural, one {# place} other {# places}}}) and choices
 * ({@code {address, select, tu {Écris} other {Écrivez}}}). Every message receives the argument
 * {@code address} ({@code tu} or {@code vous}). A single quote is literal, except before a brace:
 * {@code '{'} is a literal brace. Adding a language is adding files.
 */
package coop.comptoir.api.text;
