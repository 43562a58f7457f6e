package dev.ferry.state;

import dev.ferry.core.UrlCredentials;

/** Keeps passwords in MongoDB connection strings out of logs, messages and /status. */
public final class MongoUrls {

    private MongoUrls() {
    }

    /**
     * The connection string with the password masked: {@code mongodb://user:pw@h/db} becomes
     * {@code mongodb://user:****@h/db}; query options named like {@code *password} are masked too. When in
     * doubt about where the credentials end (an unescaped {@code @}), more is masked rather than less.
     * Null gives "".
     */
    public static String redact(String url) {
        return UrlCredentials.maskUrl(url);
    }

    /**
     * The text with every occurrence of the URL's password and AWS session token (as written and
     * percent-decoded) masked: a last guard for messages that come from a driver.
     */
    static String scrub(String text, String url) {
        return UrlCredentials.scrub(text, url);
    }
}
