package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.FerryProcess;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A bad configuration stops the daemon before anything starts, with a message that names the key. */
class ConfigErrorIT {
    @TempDir
    Path tmp;

    @Test
    void aBadValueExitsNonZeroNamingTheKey() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("WATCH_PATH", tmp.toString());
        env.put("STATE_DIR", tmp.resolve("state").toString());
        env.put("CONCURRENCY", "lots");
        env.put("AWS_SECRET", "do-not-print-me");
        env.put("AWS_KEY", "AKIAEXAMPLE");
        FerryProcess p = FerryProcess.run("config-error", env);
        assertThat(p.exitCode()).isEqualTo(2);
        assertThat(p.log()).contains("CONCURRENCY").contains("lots").doesNotContain("do-not-print-me");
    }

    @Test
    void aMissingWatchPathExitsNonZeroAndExplainsWhyPathIsNotRead() {
        FerryProcess p = FerryProcess.run("config-missing", Map.of("STATE_DIR", tmp.resolve("state").toString()));
        assertThat(p.exitCode()).isEqualTo(2);
        assertThat(p.log()).contains("WATCH_PATH");
    }

    @Test
    void aQueueWaitTimeBeyondSqsLongestPollExitsWithTwoNamingTheKey() throws Exception {
        Path yml = tmp.resolve("ferry.yml");
        java.nio.file.Files.writeString(yml, "replicate:\n  - source: {bucket: src}\n    destinations: [{bucket: dst}]\n"
                + "    sqs: {url: \"http://127.0.0.1:9/000000000000/q\", wait_time: 30}\n");
        FerryProcess.shareWithDaemon(tmp);
        FerryProcess p = FerryProcess.run("config-sqs-wait", Map.of("STATE_DIR", tmp.resolve("state").toString()),
                "--config", yml.toString());
        assertThat(p.exitCode()).as(p.log()).isEqualTo(2);
        assertThat(p.log()).contains("sqs.wait_time: must be a whole number from 0 to 20");
    }

    @Test
    void anUnknownYamlKeyIsNamed() throws Exception {
        Path yml = tmp.resolve("ferry.yml");
        java.nio.file.Files.writeString(yml, "watch_path: " + tmp + "\nconcurency: 3\n");
        FerryProcess.shareWithDaemon(tmp);
        FerryProcess p = FerryProcess.run("config-yaml", Map.of("STATE_DIR", tmp.resolve("state").toString()),
                "--config", yml.toString());
        assertThat(p.exitCode()).isEqualTo(2);
        assertThat(p.log()).contains("concurency").contains("concurrency");
    }

    @Test
    void aBadBindAddressExitsBeforeAnythingStartsNamingTheKeyNotThePort() throws Exception {
        Path state = tmp.resolve("state");
        for (String address : new String[] {"999.1.1.1", "192.0.2.1", "not_a_host"}) {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("WATCH_PATH", watch().toString());
            env.put("STATE_DIR", state.toString());
            env.put("PORT", String.valueOf(freePort()));
            env.put("BIND_ADDRESS", address);

            FerryProcess p = FerryProcess.run("config-bind", env);

            assertThat(p.exitCode()).as(p.log()).isEqualTo(2);
            assertThat(p.log()).contains("BIND_ADDRESS (environment): must be an IP address or host name of this "
                    + "machine: '" + address + "'").contains("nothing was started").doesNotContain("in use");
            assertThat(state).as("the state store was not opened").doesNotExist();
        }
    }

    @Test
    void aPortInUseStillExits1NamingThePort() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            Map<String, String> env = new LinkedHashMap<>();
            env.put("WATCH_PATH", watch().toString());
            env.put("STATE_DIR", tmp.resolve("state").toString());
            env.put("BIND_ADDRESS", "127.0.0.1");
            env.put("PORT", String.valueOf(taken.getLocalPort()));
            env.put("AWS_REGION", "us-east-1");

            FerryProcess p = FerryProcess.run("config-port", env);

            assertThat(p.exitCode()).as(p.log()).isEqualTo(1);
            assertThat(p.log()).contains("cannot serve HTTP on 127.0.0.1:" + taken.getLocalPort() + " (PORT)");
        }
    }

    /** A watched folder beside (not around) the state folder, both usable by the daemon's user. */
    private Path watch() throws Exception {
        Path watch = java.nio.file.Files.createDirectories(tmp.resolve("watch"));
        FerryProcess.shareWithDaemon(tmp, watch);
        return watch;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
