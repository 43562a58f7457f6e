package dev.ferry.core;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A site's regex key rewrites (seed 003's customizers as data): the rules are tried in order on the key a file
 * would get, and the first whose {@code match} is found in it rewrites it: every match of that rule is replaced by
 * its {@code replace} text ({@code $1}, {@code ${name}} for groups, as {@link Matcher#replaceAll(String)} reads
 * it); later rules are not tried. With {@code required}, a key no rule matches means the file is not uploaded.
 * Data, never code: a mothership may send it.
 *
 * @param rules    the rules, in the order they are tried
 * @param required a file whose key matches no rule is ignored
 */
public record KeyRewrite(List<Rule> rules, boolean required) {
    /** No rules: every key stays as it is. */
    public static final KeyRewrite NONE = new KeyRewrite(List.of(), false);

    public KeyRewrite {
        rules = List.copyOf(rules);
    }

    /** One rule: a Java regular expression and its replacement text (checked against its groups). */
    public record Rule(Pattern match, String replace) {
        /** Equal when written alike ({@link Pattern} has no equality of its own): a reload sees an unchanged site. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Rule r && r.match.pattern().equals(match.pattern()) && r.match.flags() == match.flags()
                    && r.replace.equals(replace);
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(match.pattern(), match.flags(), replace);
        }

        /** Its key in messages, as written in the configuration. */
        @Override
        public String toString() {
            return "{match: " + match.pattern() + ", replace: " + replace + "}";
        }
    }

    /** The key rewritten by the first rule that matches; {@code key} itself when none does (and none is required). */
    public Optional<String> apply(String key) {
        for (Rule rule : rules) {
            Matcher m = rule.match.matcher(key);
            if (m.find()) {
                return Optional.of(m.replaceAll(rule.replace));
            }
        }
        return required ? Optional.empty() : Optional.of(key);
    }

    /** Why a file's key is refused when no rule matches it (with {@code required}). */
    public String noMatchReason(String key) {
        return "rewrite_required: no rewrite rule matches its key '" + key + "' (rules: "
                + String.join(", ", rules.stream().map(Rule::toString).toList()) + ")";
    }
}
