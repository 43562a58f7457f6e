package dev.ferry.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * Writes a benchmark data set, the same bytes for the same arguments on every machine:
 * <ul>
 * <li>{@code small --dir D --count N --min-bytes A --max-bytes B --seed S}: N files of A..B random bytes in
 * nested folders (t00/m0/l0/f000000.dat: 100 files a folder, three levels);</li>
 * <li>{@code large --dir D --count N --bytes B --seed S}: N files of B random (incompressible) bytes;</li>
 * <li>{@code tiny --dir D --count N}: N files of a few bytes, 1,000 a folder (t0/l00/f0000000.txt).</li>
 * </ul>
 * Small and large files get a fixed modification time in the past, so no tool waits for them to settle
 * and every run sees the same times.
 */
public final class Generate {
    static final Instant MTIME_BASE = Instant.parse("2025-01-01T00:00:00Z");

    private Generate() {
    }

    public static void main(String[] argv) throws IOException {
        String mode = argv.length > 0 ? argv[0] : "";
        BenchArgs args = new BenchArgs(java.util.Arrays.copyOfRange(argv, Math.min(1, argv.length), argv.length));
        Path dir = args.path("dir");
        int count = Integer.parseInt(args.get("count"));
        long began = System.nanoTime();
        long bytes = switch (mode) {
            case "small" -> small(dir, count, args.integer("min-bytes", 1024), args.integer("max-bytes", 16384),
                    args.number("seed"));
            case "large" -> large(dir, count, args.number("bytes"), args.number("seed"));
            case "tiny" -> tiny(dir, count);
            default -> throw new IllegalArgumentException("mode must be small, large or tiny, got '" + mode + "'");
        };
        System.out.printf("generated %d %s files (%d bytes) in %s in %.1f s%n", count, mode, bytes, dir,
                (System.nanoTime() - began) / 1e9);
    }

    static String smallName(int i) {
        int leaf = i / 100;
        int mid = leaf / 10;
        return String.format("t%02d/m%d/l%d/f%06d.dat", mid / 10, mid % 10, leaf % 10, i);
    }

    static String tinyName(int i) {
        int leaf = i / 1000;
        return String.format("t%d/l%02d/f%07d.txt", leaf / 100, leaf % 100, i);
    }

    private static long small(Path dir, int count, int min, int max, long seed) throws IOException {
        long total = 0;
        for (int i = 0; i < count; i++) {
            SplittableRandom random = new SplittableRandom(seed * 1_000_003L + i);
            byte[] content = new byte[min + random.nextInt(max - min + 1)];
            random.nextBytes(content);
            Path file = dir.resolve(smallName(i));
            Files.createDirectories(file.getParent());
            Files.write(file, content);
            Files.setLastModifiedTime(file, FileTime.from(MTIME_BASE.plusSeconds(i)));
            total += content.length;
        }
        return total;
    }

    private static long large(Path dir, int count, long size, long seed) throws IOException {
        Files.createDirectories(dir);
        byte[] buffer = new byte[1 << 20];
        for (int i = 0; i < count; i++) {
            SplittableRandom random = new SplittableRandom(seed * 7_919L + i);
            Path file = dir.resolve(String.format("big-%02d.bin", i));
            try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                for (long left = size; left > 0; left -= buffer.length) {
                    random.nextBytes(buffer);
                    out.write(buffer, 0, (int) Math.min(buffer.length, left));
                }
            }
            Files.setLastModifiedTime(file, FileTime.from(MTIME_BASE.plusSeconds(i)));
        }
        return size * count;
    }

    private static long tiny(Path dir, int count) throws IOException {
        long total = 0;
        Path folder = null;
        for (int i = 0; i < count; i++) {
            Path file = dir.resolve(tinyName(i));
            if (!file.getParent().equals(folder)) {
                folder = file.getParent();
                Files.createDirectories(folder);
            }
            byte[] content = (i + "\n").getBytes(StandardCharsets.US_ASCII);
            Files.write(file, content);
            total += content.length;
        }
        return total;
    }
}
