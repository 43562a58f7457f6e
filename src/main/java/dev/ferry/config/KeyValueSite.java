package dev.ferry.config;

import dev.ferry.core.UrlCredentials;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Maps the keys of seed 004's {@code config.txt} (syncd) onto one site of Ferry's configuration: its folder,
 * bucket, prefix and credentials, markers on and nothing ever deleted, as syncd did; {@code sync_interval}
 * becomes the {@link SyncSchedule}. Values are read by the same value types as the YAML site keys, and the site
 * is completed by the same {@link SitesParser#complete}, so validation is Ferry's; problems name syncd's key
 * and its line.
 */
final class KeyValueSite {

    /** The keys syncd read, and the site key each one sets. */
    enum Key {
        AWS_ACCESS_KEY("aws_access_key", SiteKey.ACCESS_KEY),
        AWS_SECRET_KEY("aws_secret_key", SiteKey.SECRET_ACCESS_KEY),
        LOCAL_DIR("local_dir", SiteKey.LOCAL_PATH),
        BUCKET_NAME("bucket_name", SiteKey.BUCKET),
        PREFIX("prefix", SiteKey.BUCKET_PATH),
        SYNC_INTERVAL("sync_interval", null),
        SYNC_MARKER_FILE("sync_marker_file", SiteKey.SYNC_MARKER_FILE);

        final String fileName;
        final SiteKey siteKey;

        Key(String fileName, SiteKey siteKey) {
            this.fileName = fileName;
            this.siteKey = siteKey;
        }

        static Optional<Key> byName(String name) {
            for (Key k : values()) {
                if (k.fileName.equals(name)) {
                    return Optional.of(k);
                }
            }
            return Optional.empty();
        }
    }

    private final Path file;
    private final ParseContext ctx;
    private final List<String> problems;
    private final Map<Key, KeyValueFile.Line> lines = new EnumMap<>(Key.class);

    /** @param ctx relative folders start from the working directory, as syncd read local_dir */
    KeyValueSite(Path file, ParseContext ctx, List<String> problems) {
        this.file = file;
        this.ctx = ctx;
        this.problems = problems;
    }

    void add(Key key, KeyValueFile.Line line) {
        lines.put(key, line);
    }

    /** "did you mean" text for a key that is neither syncd's nor Ferry's. */
    static String suggest(String unknown) {
        List<String> known = new ArrayList<>();
        for (Key k : Key.values()) {
            known.add(k.fileName);
        }
        for (ConfigKey k : ConfigKey.values()) {
            known.add(k.yamlName());
        }
        String lower = unknown.toLowerCase(Locale.ROOT);
        String best = known.get(0);
        for (String k : known) {
            if (KeySuggestions.distance(lower, k) < KeySuggestions.distance(lower, best)) {
                best = k;
            }
        }
        return "did you mean '" + best + "'? (this file's keys: aws_access_key, aws_secret_key, local_dir, "
                + "bucket_name, prefix, sync_interval, sync_marker_file, and Ferry's keys of the table in "
                + "docs/configuration.md)";
    }

    /** One sync, or one every sync_interval ({@code 0}, or no sync_interval, is one sync, as in syncd). */
    SyncSchedule schedule() {
        KeyValueFile.Line line = lines.get(Key.SYNC_INTERVAL);
        if (line == null || line.malformed()) {
            return SyncSchedule.once();
        }
        try {
            Duration d = GoDuration.parse(line.value());
            if (d.isNegative()) {
                throw new BadValue("must not be negative (leave it out, or write 0, for one sync)");
            }
            return d.isZero() ? SyncSchedule.once() : new SyncSchedule(Optional.of(d), where(line));
        } catch (BadValue e) {
            problems.add(label(line) + ": " + e.getMessage() + ", got '" + line.value() + "'");
            return SyncSchedule.once();
        }
    }

    /** The site, completed with Ferry's defaults and checks; empty when a problem was found (and added). */
    Optional<SiteConfig> site(SitesParser sites) {
        int before = problems.size();
        Map<SiteKey, Object> v = new EnumMap<>(SiteKey.class);
        Set<SiteKey> rejected = EnumSet.noneOf(SiteKey.class);
        for (Map.Entry<Key, KeyValueFile.Line> e : lines.entrySet()) {
            Key key = e.getKey();
            KeyValueFile.Line line = e.getValue();
            if (key.siteKey != null && line.malformed()) {
                rejected.add(key.siteKey);
                continue;
            }
            if (key.siteKey == null || key == Key.PREFIX && line.value().isEmpty()) {
                continue;
            }
            try {
                Object value = key == Key.PREFIX ? joinPrefix(line.value()) : key.siteKey.type.parse(line.value(), ctx);
                v.put(key.siteKey, value);
            } catch (BadValue bad) {
                rejected.add(key.siteKey);
                boolean secret = key.siteKey.type instanceof ValueType.Text t && t.secret();
                problems.add(label(line) + ": " + bad.getMessage()
                        + (secret || !bad.echo() ? "" : ", got '" + UrlCredentials.mask(line.value()) + "'"));
            }
        }
        KeyValueFile.Line access = lines.get(Key.AWS_ACCESS_KEY);
        KeyValueFile.Line secret = lines.get(Key.AWS_SECRET_KEY);
        if ((access == null) != (secret == null)) {
            KeyValueFile.Line given = access == null ? secret : access;
            problems.add(file + ": aws_access_key and aws_secret_key must be set together, or neither to use the AWS "
                    + "SDK's default credentials chain: " + given.key() + " is set on line " + given.number()
                    + " but " + (access == null ? "aws_access_key" : "aws_secret_key") + " is not");
            v.remove(SiteKey.ACCESS_KEY); // reported here: the site's own check would say it again
            v.remove(SiteKey.SECRET_ACCESS_KEY);
        }
        v.put(SiteKey.MARKERS, Boolean.TRUE); // syncd marked every complete folder
        v.put(SiteKey.RETIRE_DELETED, Boolean.FALSE); // and never deleted anything
        Optional<SiteConfig> site = sites.complete(v, rejected, file.toString(), KeyValueSite::nameOf, p -> p);
        return problems.size() > before ? Optional.empty() : site;
    }

    /** A site key as this file names it. */
    private static String nameOf(SiteKey key) {
        for (Key k : Key.values()) {
            if (k.siteKey == key) {
                return k.fileName;
            }
        }
        return key.yamlName;
    }

    /**
     * The key prefix as syncd made keys, with Go's {@code filepath.Join(prefix, relative)}: the prefix cleaned
     * (repeated slashes, {@code .} and {@code ..} resolved), a leading slash kept (syncd's keys then began with
     * one), then one slash before the relative path; "", "." and "./" mean the bucket's root.
     */
    static String joinPrefix(String raw) throws BadValue {
        String p = raw.strip();
        boolean rooted = p.startsWith("/");
        List<String> parts = new ArrayList<>();
        for (String part : p.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (parts.isEmpty()) {
                    if (rooted) {
                        continue; // "/.." is "/" in Go
                    }
                    throw new BadValue("must not climb above the bucket's root with '..'");
                }
                parts.remove(parts.size() - 1);
                continue;
            }
            parts.add(part);
        }
        String joined = String.join("/", parts);
        if (joined.isEmpty()) {
            return rooted ? "/" : "";
        }
        return (rooted ? "/" : "") + joined + "/";
    }

    private String where(KeyValueFile.Line line) {
        return file + " line " + line.number();
    }

    private String label(KeyValueFile.Line line) {
        return line.key() + " (" + where(line) + ")";
    }
}
