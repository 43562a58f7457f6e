package dev.ferry.config;

import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * What a key is worth when no source sets it: nothing (required, or optional and absent), a fixed text
 * parsed like any other value, or a text computed from the environment and the keys resolved before it.
 *
 * @param required whether a missing value is an error
 * @param doc      how the default reads in the documentation and --help
 * @param literal  whether {@code doc} is a value as typed (shown as code) rather than prose
 * @param rule     the default's text, from the environment and the values resolved so far (empty: none)
 */
record DefaultValue(boolean required, String doc, boolean literal,
        BiFunction<Map<String, String>, Map<ConfigKey, Object>, Optional<String>> rule) {

    static DefaultValue mandatory() {
        return new DefaultValue(true, "required", false, (env, resolved) -> Optional.empty());
    }

    static DefaultValue none() {
        return new DefaultValue(false, "none", false, (env, resolved) -> Optional.empty());
    }

    static DefaultValue of(String text) {
        return new DefaultValue(false, text, true, (env, resolved) -> Optional.of(text));
    }

    static DefaultValue computed(String doc, boolean literal,
            BiFunction<Map<String, String>, Map<ConfigKey, Object>, Optional<String>> rule) {
        return new DefaultValue(false, doc, literal, rule);
    }

    Optional<String> text(Map<String, String> env, Map<ConfigKey, Object> resolved) {
        return rule.apply(env, resolved);
    }
}
