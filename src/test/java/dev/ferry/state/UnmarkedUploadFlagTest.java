package dev.ferry.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnmarkedUploadFlagTest {
    private static final Instant FIRST_START = Instant.parse("2026-12-01T10:00:00Z");
    private static final Instant NEXT_START = Instant.parse("2026-12-01T11:00:00Z");

    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve("unrecorded-uploads");
    }

    @Test
    void aFreshFlagLeavesNothingInDoubt() throws Exception {
        try (UnmarkedUploadFlag flag = UnmarkedUploadFlag.open(file(), FIRST_START)) {
            assertThat(flag.inherited()).isFalse();
            assertThat(flag.inDoubt(FIRST_START.minusSeconds(60).toEpochMilli())).isFalse();
        }
        assertThat(Files.readString(file())).isEqualTo("0");
    }

    @Test
    void raisedAndNotLoweredItPutsFilesOlderThanTheNextStartInDoubt() throws Exception {
        try (UnmarkedUploadFlag flag = UnmarkedUploadFlag.open(file(), FIRST_START)) {
            assertThat(flag.raise()).isTrue();
            assertThat(Files.readString(file())).as("durable before the upload").isEqualTo("1");
            assertThat(flag.inDoubt(FIRST_START.minusSeconds(60).toEpochMilli())).as("not this run's").isFalse();
        }

        try (UnmarkedUploadFlag next = UnmarkedUploadFlag.open(file(), NEXT_START)) {
            assertThat(next.inherited()).isTrue();
            assertThat(next.inDoubt(NEXT_START.minusMillis(1).toEpochMilli())).isTrue();
            assertThat(next.inDoubt(NEXT_START.toEpochMilli())).as("modified after the last run ended").isFalse();

            next.lowerIf(() -> false);
            assertThat(next.inherited()).isTrue();
            next.lowerIf(() -> true);
            assertThat(next.inherited()).isFalse();
            assertThat(next.inDoubt(NEXT_START.minusMillis(1).toEpochMilli())).isFalse();
        }
        assertThat(Files.readString(file())).isEqualTo("0");
    }

    @Test
    void anUploadThatRaisesItWhileItIsBeingLoweredKeepsItRaised() throws Exception {
        try (UnmarkedUploadFlag flag = UnmarkedUploadFlag.open(file(), FIRST_START)) {
            flag.raise();

            flag.lowerIf(() -> flag.raise()); // settled as far as the check saw, but raised again meanwhile

            assertThat(Files.readString(file())).isEqualTo("1");
            flag.lowerIf(() -> true);
            assertThat(Files.readString(file())).isEqualTo("0");
        }
    }

    @Test
    void whereTheFlagCannotBeKeptUploadsAreToldToWaitForTheirMarks() throws Exception {
        Path notAFolder = Files.writeString(dir.resolve("plain-file"), "x");
        try (UnmarkedUploadFlag flag = UnmarkedUploadFlag.open(notAFolder.resolve("unrecorded-uploads"),
                FIRST_START)) {
            assertThat(flag.raise()).isFalse();
            assertThat(flag.inDoubt(0)).isFalse();
        }
    }
}
