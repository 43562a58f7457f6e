package dev.ferry.state;

import dev.ferry.core.FileRecord;
import dev.ferry.core.FileStatus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The records the path-keyed release wrote into the stores of {@code src/test/resources/legacy/} (records.tsv). */
final class LegacyRecords {

    private LegacyRecords() {
    }

    /** The records as written, each under {@code source}: the instance that opens the store claims them. */
    static List<FileRecord> expected(String source) throws IOException {
        List<FileRecord> all = new ArrayList<>();
        for (String line : resource("records.tsv").split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            all.add(new FileRecord(source, f[0], f[1], f[2], FileStatus.valueOf(f[3]), Long.parseLong(f[4]),
                    Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7]), f[8], f[9],
                    Integer.parseInt(f[10]), f[11], Boolean.parseBoolean(f[12]), Instant.parse(f[13]),
                    Instant.parse(f[14]), f[15].isEmpty() ? Optional.empty() : Optional.of(Instant.parse(f[15]))));
        }
        return all;
    }

    static String resource(String name) throws IOException {
        try (InputStream in = LegacyRecords.class.getResourceAsStream("/legacy/" + name)) {
            if (in == null) {
                throw new IOException("missing test resource /legacy/" + name);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    static InputStream stream(String name) {
        return LegacyRecords.class.getResourceAsStream("/legacy/" + name);
    }
}
