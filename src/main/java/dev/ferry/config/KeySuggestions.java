package dev.ferry.config;

import java.util.Locale;
import java.util.Map;

/** Suggests the known YAML key closest to an unknown one, with hints for the seed projects' own keys. */
final class KeySuggestions {
    /** Keys of seed 002's config file and seed 000's variables that mean something else here. */
    private static final Map<String, String> SEED_HINTS = Map.of(
            "local_path", "sites: (a list of sites, each with local_path and bucket) or watch_path",
            "path", "watch_path",
            "bucket_region", "aws_region",
            "aws_key", "access_key",
            "aws_secret", "secret_access_key",
            "node_env", "nothing: NODE_ENV is accepted and ignored in the environment only");

    private KeySuggestions() {
    }

    /** "did you mean 'x'?" text for an unknown key. */
    static String suggest(String unknown) {
        String hint = SEED_HINTS.get(unknown.toLowerCase(Locale.ROOT));
        if (hint != null) {
            return "use " + hint;
        }
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (ConfigKey key : ConfigKey.values()) {
            int d = distance(unknown.toLowerCase(Locale.ROOT), key.yamlName());
            if (d < bestDistance) {
                best = key.yamlName();
                bestDistance = d;
            }
        }
        return "did you mean '" + best + "'?";
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
