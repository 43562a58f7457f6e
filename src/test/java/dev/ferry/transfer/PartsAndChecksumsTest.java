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
