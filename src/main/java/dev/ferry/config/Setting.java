package dev.ferry.config;

/**
 * One key's effective value and where it came from, for the start-up log.
 *
 * @param key    the key
 * @param value  the value as a person would type it; secrets masked, the Mongo URL's password redacted,
 *               "(not set)" for an optional key nobody set
 * @param source which source won
 * @param from   the detail: the variable ("AWS_ENDPOINT_URL"), the file and line ("config.yml line 3"), the
 *               option ("--port"), or "" for a default
 */
public record Setting(ConfigKey key, String value, Source source, String from) {

    /** Where a value came from, lowest precedence first. */
    public enum Source {
        DEFAULT("default"), FILE("file"), ENV("env"), CLI("cli");

        private final String label;

        Source(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    @Override
    public String toString() {
        return key.yamlName() + " = " + value + " (" + source.label() + (from.isEmpty() ? "" : " " + from) + ")";
    }
}
