package dev.ferry.transfer;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.s3.model.StorageClass;

/** The S3 storage class names this client knows, for validating configuration once at start-up. */
public final class StorageClasses {
    private static final Set<String> KNOWN = known();

    private StorageClasses() {
    }

    /** Every storage class name, sorted: STANDARD, STANDARD_IA, GLACIER, ... */
    public static Set<String> names() {
        return KNOWN;
    }

    /**
     * The canonical (upper-case) name of a storage class, accepting any letter case.
     *
     * @throws IllegalArgumentException naming the value and the valid ones when it is not a storage class
     */
    public static String requireKnown(String name) {
        String upper = name == null ? "" : name.trim().toUpperCase(Locale.ROOT);
        if (!KNOWN.contains(upper)) {
            throw new IllegalArgumentException("unknown storage class '" + name + "': expected one of "
                    + String.join(", ", KNOWN));
        }
        return upper;
    }

    private static Set<String> known() {
        Set<String> names = new TreeSet<>();
        for (StorageClass c : StorageClass.knownValues()) {
            names.add(c.toString());
        }
        return java.util.Collections.unmodifiableSet(names);
    }
}
