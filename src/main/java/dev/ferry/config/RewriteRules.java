package dev.ferry.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.KeyRewrite;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A site's {@code rewrite:} list ({@code [{match: REGEX, replace: TEXT}]}) read into {@link KeyRewrite.Rule}s at
 * load time, so that a regex that does not compile, or a replacement that names a group its regex lacks, is a
 * configuration error naming the rule instead of a failure at the first file. Only the structured form exists:
 * as a plain value it is refused.
 */
record RewriteRules() implements ValueType {
    private static final Set<String> RULE_KEYS = Set.of("match", "replace");
    private static final Pattern NAMED_GROUP = Pattern.compile("\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");

    @Override
    public Object parse(String text, ParseContext ctx) throws BadValue {
        throw new BadValue("must be a list of rules such as [{match: '^raw/(.*)$', replace: 'in/$1'}]", false);
    }

    @Override
    public String label() {
        return "<rules>";
    }

    @Override
    public String display(Object value) {
        @SuppressWarnings("unchecked")
        List<KeyRewrite.Rule> rules = (List<KeyRewrite.Rule>) value;
        return rules.toString();
    }

    /** The rules of {@code node}, or empty with each problem added (labelled {@code label[N].match} and so on). */
    static Optional<List<KeyRewrite.Rule>> read(JsonNode node, String label, List<String> problems) {
        if (!node.isArray()) {
            problems.add(label + ": must be a list of rules such as [{match: '^raw/(.*)$', replace: 'in/$1'}]");
            return Optional.empty();
        }
        int before = problems.size();
        List<KeyRewrite.Rule> rules = new ArrayList<>();
        int index = 0;
        for (JsonNode item : node) {
            index++;
            String where = label + "[" + index + "]";
            if (!item.isObject()) {
                problems.add(where + ": must be a mapping {match: REGEX, replace: TEXT}");
                continue;
            }
            for (Iterator<String> it = item.fieldNames(); it.hasNext(); ) {
                String field = it.next();
                if (!RULE_KEYS.contains(field)) {
                    problems.add(where + "." + field + ": unknown rewrite key; known: match, replace");
                }
            }
            JsonNode match = item.get("match");
            JsonNode replace = item.get("replace");
            if (match == null || !match.isValueNode() || match.asText().isEmpty()) {
                problems.add(where + ".match: is required (a Java regular expression found in the key)");
                continue;
            }
            if (replace == null || !replace.isValueNode() || replace.isNull()) {
                problems.add(where + ".replace: is required (the text that replaces each match; $1 for a group)");
                continue;
            }
            Pattern pattern;
            try {
                pattern = Pattern.compile(match.asText());
            } catch (PatternSyntaxException e) {
                problems.add(where + ".match: not a valid regular expression: " + e.getDescription()
                        + " near index " + e.getIndex() + " of '" + match.asText() + "'");
                continue;
            }
            Optional<String> bad = replacementProblem(pattern, replace.asText());
            if (bad.isPresent()) {
                problems.add(where + ".replace: " + bad.get() + ", got '" + replace.asText() + "'");
                continue;
            }
            rules.add(new KeyRewrite.Rule(pattern, replace.asText()));
        }
        if (rules.isEmpty() && problems.size() == before) {
            problems.add(label + ": must hold at least one rule {match: REGEX, replace: TEXT}");
        }
        return problems.size() > before ? Optional.empty() : Optional.of(rules);
    }

    /**
     * Why {@link Matcher#replaceAll(String)} would throw on this replacement for this pattern: a group number or
     * name it lacks, a trailing '\' or '$'. Empty when it is fine.
     */
    static Optional<String> replacementProblem(Pattern pattern, String replace) {
        int groups = pattern.matcher("").groupCount();
        Set<String> names = new java.util.HashSet<>();
        Matcher named = NAMED_GROUP.matcher(pattern.pattern());
        while (named.find()) {
            names.add(named.group(1));
        }
        for (int i = 0; i < replace.length(); i++) {
            char c = replace.charAt(i);
            if (c == '\\') {
                if (i + 1 == replace.length()) {
                    return Optional.of("ends in '\\' (write '\\\\' for a backslash)");
                }
                i++;
            } else if (c == '$') {
                if (i + 1 == replace.length()) {
                    return Optional.of("ends in '$' (write '\\$' for a dollar sign)");
                }
                char next = replace.charAt(i + 1);
                if (next == '{') {
                    int end = replace.indexOf('}', i);
                    String name = end < 0 ? "" : replace.substring(i + 2, end);
                    if (!names.contains(name)) {
                        return Optional.of("names a group ${" + name + "} its match does not have");
                    }
                    i = end;
                } else if (Character.isDigit(next)) {
                    if (next - '0' > groups) {
                        return Optional.of("refers to group $" + next + " but its match has " + groups
                                + " group" + (groups == 1 ? "" : "s"));
                    }
                } else {
                    return Optional.of("'$' must be followed by a group number or {name} (write '\\$' for a "
                            + "dollar sign)");
                }
            }
        }
        return Optional.empty();
    }
}
