package dev.ferry.state;

import dev.ferry.core.UrlCredentials;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** Keeps passwords in MongoDB connection strings out of logs, messages and /status. */
public final class MongoUrls {

    static final String MASK = UrlCredentials.MASK;

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
     * percent-decoded) masked: a last
     * guard for messages that come from a driver.
     */
    static String scrub(String text, String url) {
        if (text == null || url == null) {
            return text == null ? "" : text;
        }
        String out = text;
        for (String secret : new String[] {password(url), UrlCredentials.sessionToken(url)}) {
            if (!secret.isEmpty()) {
                out = out.replace(secret, MASK);
                String decoded = decode(secret);
                if (!decoded.isEmpty()) {
                    out = out.replace(decoded, MASK);
                }
            }
        }
        return out;
    }

    /**
     * The raw password of the URL's user information, "" when it has none; all of it when it cannot be told
     * from the user name.
     */
    static String password(String url) {
        int scheme = url.indexOf("://");
        int start = scheme < 0 ? 0 : scheme + 3;
        int at = url.lastIndexOf('@');
        if (at < start) {
            return "";
        }
        String userInfo = url.substring(start, at);
        int colon = userInfo.indexOf(':');
        if (colon < 0) {
            // user@password (a ':' mistyped): no telling which part is the password, so both are.
            return userInfo.indexOf('@') >= 0 ? userInfo : "";
        }
        return userInfo.substring(colon + 1);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
