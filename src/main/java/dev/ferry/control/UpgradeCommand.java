package dev.ferry.control;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the locally configured upgrade_command through the platform's shell ({@code sh -c}, or {@code cmd /c} on
 * Windows). The mothership can ask for an upgrade but never say what runs: only the local file sets this.
 */
final class UpgradeCommand {
    private static final Logger log = LoggerFactory.getLogger(UpgradeCommand.class);

    private UpgradeCommand() {
    }

    /** The command's exit code; -1 when it could not start or ran longer than {@code limit} (then it is killed). */
    static int run(String command, Duration limit) {
        List<String> argv = System.getProperty("os.name", "").startsWith("Windows") ? List.of("cmd", "/c", command)
                : List.of("sh", "-c", command);
        try {
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
            p.getOutputStream().close();
            Thread reader = new Thread(() -> logOutput(p.getInputStream()), "upgrade-output");
            reader.setDaemon(true);
            reader.start();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                log.warn("upgrade_command: still running after {} s, stopped", limit.toSeconds());
                return -1;
            }
            reader.join(1000);
            return p.exitValue();
        } catch (IOException e) {
            log.warn("upgrade_command: cannot be started: {}", e.getMessage());
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static void logOutput(InputStream in) {
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(in, StandardCharsets.UTF_8))) {
            reader.lines().forEach(line -> log.info("upgrade_command: {}", line));
        } catch (IOException e) {
            log.debug("upgrade_command: output: {}", e.toString());
        }
    }
}
