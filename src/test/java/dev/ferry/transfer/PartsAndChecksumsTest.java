package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartsAndChecksumsTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void keepsTheConfiguredPartSizeWhileTenThousandPartsSuffice() {
        assertThat(MultipartUploader.partSizeFor(40 * MIB, 5 * MIB)).isEqualTo(5 * MIB);
        assertThat(MultipartUploader.partSizeFor(10_000 * 8 * MIB, 8 * MIB)).isEqualTo(8 * MIB);
    }

    @Test
    void growsThePartSizeInWholeMebibytesForHugeFiles() {
        long size = 10_000 * 8 * MIB + 1;
        long part = MultipartUploader.partSizeFor(size, 8 * MIB);

        assertThat(part).isEqualTo(9 * MIB);
        assertThat((size + part - 1) / part).isLessThanOrEqualTo(10_000);
        long fiveTib = 5L * 1024 * 1024 * MIB;
        long big = MultipartUploader.partSizeFor(fiveTib, 8 * MIB);
        assertThat((fiveTib + big - 1) / big).isLessThanOrEqualTo(10_000);
        assertThat(big % MIB).isZero();
    }

    @Test
    void partsOfFilesUpToS3sLargestObjectStayWithinTenThousandAndTheMemoryBudget() {
        S3Settings defaults = S3Settings.defaults();
        int budget = MultipartUploader.budgetFor(defaults);
        assertThat(budget).isEqualTo(64 * MIB);
        long gib = 1024 * MIB;
        // size -> expected part size with the default 8 MiB parts
        long[][] cases = {{5 * gib, 8 * MIB}, {50 * gib, 8 * MIB}, {5 * 1024 * gib, 525 * MIB}};
        for (long[] c : cases) {
            long size = c[0];
            long part = MultipartUploader.partSizeFor(size, defaults.partSize());
            long parts = (size + part - 1) / part;
            assertThat(part).as("part size for %d bytes", size).isEqualTo(c[1]);
            assertThat(parts).as("parts of %d bytes", size).isLessThanOrEqualTo(MultipartUploader.MAX_PARTS);
            assertThat(part).isBetween(S3Settings.MIN_PART_SIZE, S3Settings.MAX_PART_SIZE);
        }
        assertThat(MultipartUploader.buffered(8 * MIB, budget)).isTrue();
        assertThat(MultipartUploader.buffered(64 * MIB, budget)).as("a 625 GiB file: one part takes the budget").isTrue();
        // a 5 TiB file needs 525 MiB parts: read into memory, one would exceed the budget (and a 512 MiB heap)
        assertThat(MultipartUploader.buffered(525 * MIB, budget)).isFalse();
    }

    @Test
    void anyPartSizeAllowedKeepsS3sLargestObjectWithinTenThousandParts() {
        long fiveTib = 5L * 1024 * 1024 * MIB;
        for (long configured = S3Settings.MIN_PART_SIZE; configured <= S3Settings.MAX_PART_SIZE; configured *= 2) {
            long part = MultipartUploader.partSizeFor(fiveTib, configured);
            assertThat((fiveTib + part - 1) / part).isLessThanOrEqualTo(MultipartUploader.MAX_PARTS);
            assertThat(part).isGreaterThanOrEqualTo(configured).isLessThanOrEqualTo(S3Settings.MAX_PART_SIZE);
        }
    }

    @Test
    void md5FromRcloneMetadataOrAPlainEtag() {
        // MD5 of "hello": 5d41402abc4b2a76b9719d911017c592, base64 XUFAKrxLKna5cZ2REBfFkg==
        assertThat(RemoteObjects.md5Hex("XUFAKrxLKna5cZ2REBfFkg==", "abc-2"))
                .contains("5d41402abc4b2a76b9719d911017c592");
        assertThat(RemoteObjects.md5Hex(null, "5D41402ABC4B2A76B9719D911017C592"))
                .contains("5d41402abc4b2a76b9719d911017c592");
        assertThat(RemoteObjects.md5Hex(null, "0f343b0931126a20f133d67c2b018a3b-5")).isEmpty();
        assertThat(RemoteObjects.md5Hex("not base64!", "0f343b0931126a20f133d67c2b018a3b-5")).isEmpty();
    }

    @Test
    void subjectsShortenVeryLongKeys() {
        String key = "k".repeat(2000);

        assertThat(S3ObjectStore.subject("b", key)).startsWith("b/kkk").hasSizeLessThan(200);
        assertThat(S3ObjectStore.subject("b", "dir/a.txt")).isEqualTo("b/dir/a.txt");
    }
}
