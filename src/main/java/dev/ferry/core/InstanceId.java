package dev.ferry.core;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * This daemon's name among the daemons that share one state store: the source id of its local trees, so the
 * same absolute path on two hosts of one MongoDB is two records. Set by {@code INSTANCE_ID}; the host name by
 * default (which a container changes each time it is created, hence the setting).
 *
 * @param value letters, digits, '.', '_' and '-', at most {@value #MAX_LENGTH} characters
 */
public record InstanceId(String value) {

    public static final int MAX_LENGTH = 64;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");

    public InstanceId {
        Objects.requireNonNull(value, "value");
        if (!VALID.matcher(value).matches()) {
            throw new IllegalArgumentException(problem(value));
        }
    }

    /** Why {@code value} is not a valid instance id; null when it is one. */
    public static String problem(String value) {
        if (value == null || value.isEmpty()) {
            return "must not be empty";
        }
        if (value.length() > MAX_LENGTH) {
            return "must be at most " + MAX_LENGTH + " characters, got " + value.length();
        }
        if (!VALID.matcher(value).matches()) {
            return "may hold only letters, digits, '.', '_' and '-'";
        }
        return null;
    }

    /**
     * The host name, made valid (other characters become '-', cut to {@value #MAX_LENGTH}); "localhost" when the
     * host has no name that can be read.
     */
    public static InstanceId ofHost() {
        String name = "";
        try {
            // Linux: the kernel's host name, without the name lookup InetAddress may wait for
            name = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).strip();
        } catch (java.io.IOException | RuntimeException e) {
            name = System.getenv().getOrDefault("HOSTNAME", System.getenv().getOrDefault("COMPUTERNAME", ""));
        }
        if (name == null || name.isBlank()) {
            try {
                name = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                name = "localhost";
            }
        }
        return fromName(name);
    }

    /** {@code name} with the characters an id may not hold replaced by '-', cut to the longest allowed. */
    static InstanceId fromName(String name) {
        String cleaned = name.strip().replaceAll("[^A-Za-z0-9._-]", "-");
        if (cleaned.length() > MAX_LENGTH) {
            cleaned = cleaned.substring(0, MAX_LENGTH);
        }
        return new InstanceId(cleaned.isEmpty() ? "localhost" : cleaned);
    }

    @Override
    public String toString() {
        return value;
    }
}
