package dev.ferry.filter;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/** S3's general-purpose bucket naming rules; tells what is wrong with a name in words an operator can act on. */
public final class BucketNames {
    private static final Pattern ALLOWED = Pattern.compile("[a-z0-9.-]+");
    private static final Pattern IP_ADDRESS = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final List<String> RESERVED_PREFIXES = List.of("xn--", "sthree-", "amzn-s3-demo-");
    private static final List<String> RESERVED_SUFFIXES = List.of("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3");

    private BucketNames() {
    }

    /** Empty when {@code name} is a valid bucket name, else why it is not. */
    public static Optional<String> problem(String name) {
        if (name.length() < 3 || name.length() > 63) {
            return Optional.of("must be 3 to 63 characters long, it has " + name.length());
        }
        if (!ALLOWED.matcher(name).matches()) {
            return Optional.of("only lowercase letters, digits, '.' and '-' are allowed");
        }
        if (!Character.isLetterOrDigit(name.charAt(0)) || !Character.isLetterOrDigit(name.charAt(name.length() - 1))) {
            return Optional.of("must begin and end with a letter or digit");
        }
        if (name.contains("..")) {
            return Optional.of("must not contain two adjacent periods");
        }
        if (IP_ADDRESS.matcher(name).matches()) {
            return Optional.of("must not be formatted as an IP address");
        }
        for (String prefix : RESERVED_PREFIXES) {
            if (name.startsWith(prefix)) {
                return Optional.of("must not start with the reserved prefix '" + prefix + "'");
            }
        }
        for (String suffix : RESERVED_SUFFIXES) {
            if (name.endsWith(suffix)) {
                return Optional.of("must not end with the reserved suffix '" + suffix + "'");
            }
        }
        return Optional.empty();
    }
}
