package dev.ferry.config;

import java.util.Objects;

/** A value that must not be shown: {@link #toString()} is always {@code ****}; {@link #reveal()} gives it. */
public final class Secret {
    public static final String MASK = "****";

    private final String value;

    public Secret(String value) {
        this.value = Objects.requireNonNull(value, "value");
    }

    /** The real value, for the one place that hands it to the SDK. Never log it. */
    public String reveal() {
        return value;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret other && other.value.equals(value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return MASK;
    }
}
