package dev.ferry.core;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one way Ferry hides a password written inside a URL ({@code scheme://user:password@host/...}): the
 * user name stays, the password becomes {@value #MASK}. Used for MongoDB URLs, S3 endpoints, configuration
 * errors and failure reasons alike, so no path shows a password another path hides.
 */
public final class UrlCredentials {
    public static final String MASK = "****";

    /** A URL's scheme and what follows it up to the next white space or quote. */
    private static final Pattern URL = Pattern.compile("(?i)[a-z][a-z0-9+.-]*://[^\\s'\"<>]*");

    /** A query option whose name mentions a password, e.g. {@code proxyPassword=...}. */
    private static final Pattern PASSWORD_OPTION = Pattern.compile("(?i)([?&;][^=&;]*password=)[^&;]*");

    /**
     * The AWS session token of MongoDB's {@code authMechanismProperties=AWS_SESSION_TOKEN:...} (its ':' may be
     * written %3A); the token ends at the next property (',') or option.
     */
    private static final Pattern SESSION_TOKEN = Pattern.compile("(?i)(AWS_SESSION_TOKEN(?::|%3A))[^,&;]*");

    private UrlCredentials() {
    }

    /**
     * {@code url} with the password of its user information masked, and query options named like
     * {@code *password} and an {@code AWS_SESSION_TOKEN:} property too. When in doubt about where the credentials end (an unescaped '@' or '/' in a
     * password), more is masked rather than less: they end at the last '@', and user information with an '@' but
     * no ':' ({@code user@password@host}) is masked whole. A URL without a password is returned
     * as it is; null gives "".
     */
    public static String maskUrl(String url) {
        if (url == null) {
            return "";
        }
        String out = url;
        int password = passwordStart(url);
        if (password >= 0) {
            out = url.substring(0, password) + MASK + url.substring(url.lastIndexOf('@'));
        }
        out = PASSWORD_OPTION.matcher(out).replaceAll("$1" + MASK);
        return SESSION_TOKEN.matcher(out).replaceAll("$1" + MASK);
    }

    /** The AWS session token written in the URL's options (MongoDB's MONGODB-AWS), "" when it has none. */
    public static String sessionToken(String url) {
        if (url == null) {
            return "";
        }
        Matcher m = SESSION_TOKEN.matcher(url);
        return m.find() ? m.group().substring(m.group(1).length()) : "";
    }

    /** {@code text} (a message, a reason, a value to echo) with every URL in it passed through {@link #maskUrl}. */
    public static String mask(String text) {
        if (text == null || !text.contains("://")) {
            return text;
        }
        Matcher m = URL.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(maskUrl(m.group())));
        }
        m.appendTail(out);
        return out.toString();
    }

    /**
     * {@code text} with every occurrence of the URL's password and AWS session token (as written and
     * percent-decoded) masked: a last guard for messages that come from a driver or parser. Null text gives "".
     */
    public static String scrub(String text, String url) {
        if (text == null || url == null) {
            return text == null ? "" : text;
        }
        String out = text;
        for (String secret : new String[] {password(url), sessionToken(url)}) {
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
    public static String password(String url) {
        int start = passwordStart(url);
        return start < 0 ? "" : url.substring(start, url.lastIndexOf('@'));
    }

    /**
     * Where the password of the URL's user information begins (it ends at the last '@'), or -1 when there is no
     * user information with a ':'. User information with an '@' but no ':' (user@password@host, a ':' mistyped)
     * cannot be told from its password: it begins where the user information does.
     */
    private static int passwordStart(String url) {
        int scheme = url.indexOf("://");
        int start = scheme < 0 ? 0 : scheme + 3;
        int at = url.lastIndexOf('@');
        if (at < start) {
            return -1;
        }
        int colon = url.indexOf(':', start);
        if (colon >= 0 && colon < at) {
            return colon + 1;
        }
        return url.indexOf('@', start) < at ? start : -1;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return s;
        }
    }
}
