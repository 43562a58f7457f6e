package dev.ferry.config;

import java.util.List;

/**
 * The configuration cannot be used. The message has one line per problem, each naming the key as the
 * user wrote it and where ("CONCURRENCY (environment): ...", "port (config.yml line 3): ...",
 * "--port: ..."); it never holds a secret's value.
 */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per problem, in the order found. */
    public List<String> problems() {
        return problems;
    }

    private static String message(List<String> problems) {
        String head = problems.size() == 1 ? "Invalid configuration (1 problem):"
                : "Invalid configuration (" + problems.size() + " problems):";
        return head + System.lineSeparator() + "  " + String.join(System.lineSeparator() + "  ", problems);
    }
}
