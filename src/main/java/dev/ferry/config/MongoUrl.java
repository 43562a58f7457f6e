package dev.ferry.config;

import com.mongodb.ConnectionString;
import dev.ferry.core.UrlCredentials;
import java.util.Locale;
import java.util.Objects;

/**
 * A MongoDB connection string. It may hold a password, so {@link #toString()} shows it redacted; only
 * {@link #reveal()} gives the full string, for the driver.
 */
public final class MongoUrl {
    /** The database used when the URL names none (seed 000's default {@code mongodb://127.0.0.1/imagesync}). */
    public static final String DEFAULT_DATABASE = "imagesync";

    private final String url;
    private final String scheme;
    private final String hosts;
    private final String database;

    private MongoUrl(String url, String scheme, String hosts, String database) {
        this.url = url;
        this.scheme = scheme;
        this.hosts = hosts;
        this.database = database;
    }

    /**
     * Reads a connection string and checks it with the MongoDB driver's own parser, so a value the driver would
     * refuse when the state store opens is a configuration error; reasons never quote it, as it may hold a
     * password.
     */
    static MongoUrl parse(String text) throws BadValue {
        String url = text.strip();
        String lower = url.toLowerCase(Locale.ROOT);
        String scheme;
        if (lower.startsWith("mongodb://")) {
            scheme = "mongodb://";
        } else if (lower.startsWith("mongodb+srv://")) {
            scheme = "mongodb+srv://";
        } else {
            throw new BadValue("must start with mongodb:// or mongodb+srv://", false);
        }
        String rest = url.substring(scheme.length());
        int query = rest.indexOf('?');
        int searchEnd = query < 0 ? rest.length() : query;
        // The last '@' before the options ends the credentials: a careless '/' in a password stays hidden.
        int at = rest.lastIndexOf('@', searchEnd - 1);
        int slash = rest.indexOf('/', at + 1);
        int hostsEnd = slash >= 0 && slash < searchEnd ? slash : searchEnd;
        String hosts = rest.substring(at + 1, hostsEnd);
        if (hosts.isEmpty()) {
            throw new BadValue("must name at least one host after " + scheme, false);
        }
        String db = hostsEnd < searchEnd ? rest.substring(hostsEnd + 1, searchEnd) : "";
        if (db.isEmpty()) {
            db = DEFAULT_DATABASE;
        } else if (!db.matches("[^/\\\\. \"$*<>:|?]{1,63}")) {
            throw new BadValue("names a database '" + db + "' that MongoDB does not allow", false);
        }
        try {
            new ConnectionString(url); // what the driver would refuse at start-up is refused here, exit 2
        } catch (RuntimeException e) {
            throw new BadValue("is not a connection string the MongoDB driver accepts: " + driverReason(e, url), false);
        }
        return new MongoUrl(url, scheme.substring(0, scheme.length() - 3), hosts, db);
    }

    /** The driver's reason, with no part of the URL's secrets: its decoder quotes what follows a bad '%'. */
    private static String driverReason(RuntimeException e, String url) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        if (m.startsWith("URLDecoder:")) {
            return "a '%' is not followed by two hexadecimal digits (a '%' itself is written %25)";
        }
        return UrlCredentials.mask(UrlCredentials.scrub(m, url));
    }

    /** The full connection string, for the driver only. Never log it. */
    public String reveal() {
        return url;
    }

    /** The database named by the URL's path, {@value #DEFAULT_DATABASE} when it names none. */
    public String database() {
        return database;
    }

    /** Hosts and database without credentials or options, e.g. {@code mongodb://db1:27017,db2/imagesync}: for /status. */
    public String location() {
        return scheme + "://" + hosts + "/" + database;
    }

    /** The whole URL with the password replaced by {@code ****}. */
    public String redacted() {
        return UrlCredentials.maskUrl(url);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MongoUrl other && other.url.equals(url);
    }

    @Override
    public int hashCode() {
        return Objects.hash(url);
    }

    @Override
    public String toString() {
        return redacted();
    }
}
