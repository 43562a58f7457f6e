package dev.ferry.config;

import java.util.Locale;

/** How log lines are written on standard output. */
public enum LogFormat {
    /** One human-readable line per event (the default). */
    TEXT,
    /** One JSON object per line, with a field for each value (bucket, key, bytes...), for Loki or ELK. */
    JSON;

    /** The name as typed in the configuration. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
