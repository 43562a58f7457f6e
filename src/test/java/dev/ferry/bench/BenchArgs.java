package dev.ferry.bench;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** {@code --name value} arguments of the benchmark helpers; every helper names what it needs. */
final class BenchArgs {
    private final Map<String, String> values = new HashMap<>();

    BenchArgs(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --name value pairs, got '" + args[i] + "'");
            }
            values.put(args[i].substring(2), args[++i]);
        }
    }

    String get(String name) {
        String v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("missing --" + name);
        }
        return v;
    }

    String get(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    int integer(String name, int fallback) {
        return values.containsKey(name) ? Integer.parseInt(values.get(name)) : fallback;
    }

    long number(String name) {
        return Long.parseLong(get(name));
    }

    Path path(String name) {
        return Path.of(get(name)).toAbsolutePath().normalize();
    }

    boolean has(String name) {
        return values.containsKey(name);
    }
}
