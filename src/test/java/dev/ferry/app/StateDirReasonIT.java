package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.FerryProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A state folder Ferry cannot write stops it with the reason, not just the path, and without the advice about
 * another Ferry process, which has nothing to do with it. (As root the daemon runs as nobody, so permissions
 * apply to it there too.)
 */
class StateDirReasonIT {
    @TempDir
    Path tmp;

    private FerryProcess runWith(String name, Path stateDir) throws Exception {
        Path watch = Files.createDirectories(tmp.resolve("watch-" + name));
        FerryProcess.shareWithDaemon(tmp, watch);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("WATCH_PATH", watch.toString());
        env.put("STATE_DIR", stateDir.toString());
        env.put("AWS_ENDPOINT_URL", "http://127.0.0.1:1");
        env.put("AWS_KEY", "AKIDEXAMPLE");
        env.put("AWS_SECRET", "not-a-real-secret-key");
        env.put("PORT", "0");
        return FerryProcess.run(name, env);
    }

    @Test
    void aFolderThatCannotBeCreatedSaysWhy() throws Exception {
        Path closed = Files.createDirectories(tmp.resolve("closed"));
        Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("---------"));
        try {
            FerryProcess p = runWith("closed", closed.resolve("sub"));

            assertThat(p.exitCode()).as(p.log()).isNotZero();
            assertThat(p.log()).contains("cannot open the state store " + closed.resolve("sub").resolve("ferry.db"))
                    .contains("permission denied");
        } finally {
            Files.setPosixFilePermissions(closed, PosixFilePermissions.fromString("rwx------"));
        }
    }

    @Test
    void aFolderThatCannotBeWrittenSaysWhyAndBlamesNoOtherProcess() throws Exception {
        Path readOnly = Files.createDirectories(tmp.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            FerryProcess p = runWith("read-only", readOnly);

            assertThat(p.exitCode()).as(p.log()).isNotZero();
            assertThat(p.log()).contains("cannot open the state store " + readOnly.resolve("ferry.db"))
                    .contains("permission denied").doesNotContain("make sure no other Ferry process");
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwx------"));
        }
    }
}
