package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.testing.DaemonTestBase;
import dev.ferry.testing.FerryProcess;
import dev.ferry.testing.PrometheusScrape;
import dev.ferry.testing.SlowClients;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The open-file exhaustion of the status port, reproduced: the daemon may open 1,024 files
 * ({@code prlimit --nofile=1024:1024}) and 1,100 slow clients keep connections to its status port open,
 * each sending a byte of a request head that never ends every second and connecting again when closed. Before
 * the status port had a connection limit, the daemon ran out of file descriptors: /status stopped answering and
 * files in folders created meanwhile were never queued. Now /status answers throughout, the daemon's open
 * files stay far below the limit, every file arrives, and the log stays short. The daemon also warns at start
 * that its open-file limit is low.
 */
@Tag("timing") // runs alone, after the other integration tests (maven-failsafe-plugin in the pom)
class StatusPortFloodIT extends DaemonTestBase {
    private static final int FILE_LIMIT = 1024;
    private static final int SLOW_CLIENTS = 1100;
    private static final int FILES = 50;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();

    @Test
    void statusAnswersAndEveryFileArrivesWhileSlowClientsHoldMoreConnectionsThanTheFileLimit() throws Exception {
        write("flood/before.txt", "written before the flood");
        Map<String, String> env = FerryProcess.baseEnv(watch, state, s3);
        ferry = FerryProcess.startWrapped("status-flood", env,
                List.of("prlimit", "--nofile=" + FILE_LIMIT + ":" + FILE_LIMIT, "--"));
        awaitObject("flood", "before.txt", "written before the flood");
        assertThat(ferry.log()).as("the start-up warning about the low limit")
                .contains("open files: the limit is " + FILE_LIMIT + " (ulimit -n)");
        int linesBefore = ferry.log().split("\n").length;

        try (SlowClients flood = SlowClients.start(new InetSocketAddress("127.0.0.1", ferry.port()), SLOW_CLIENTS,
                Duration.ofSeconds(1))) {
            await("every slow client connected and sending").atMost(DEADLINE).pollInterval(Duration.ofMillis(200))
                    .until(() -> flood.ticks() >= 2);
            for (int i = 0; i < FILES; i++) {
                write("flood/new-" + i + "/deeper/f" + i + ".txt", "file " + i);
            }

            for (int probe = 0; probe < 3; probe++) {
                await("GET /status during the flood (probe " + probe + ")").atMost(Duration.ofSeconds(20))
                        .pollInterval(Duration.ofMillis(200)).until(this::statusAnswers);
            }
            for (int i = 0; i < FILES; i++) {
                awaitObject("flood", "new-" + i + "/deeper/f" + i + ".txt", "file " + i);
            }
            double openFiles = openFiles();
            assertThat(openFiles).as("the daemon's open files during the flood").isLessThan(FILE_LIMIT / 2.0);
            assertThat(flood.connects()).as("connections the slow clients opened").isGreaterThan(SLOW_CLIENTS);
            assertThat(flood.closedByServer()).as("slow connections the daemon closed").isPositive();
            assertThat(statusAnswers()).as("GET /status at the end of the flood").isTrue();
        }

        assertThat(ferry.alive()).isTrue();
        String log = ferry.log();
        assertThat(log).doesNotContain("Too many open files");
        List<String> added = List.of(log.split("\n")).subList(linesBefore, log.split("\n").length);
        assertThat(added.size()).as("log lines during the flood:\n" + String.join("\n", added))
                .isLessThanOrEqualTo(FILES + 10);
        assertThat(added).filteredOn(l -> l.contains("connections")).as("the status port's summary").isNotEmpty();
    }

    private boolean statusAnswers() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(ferry.url("/status")))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("\"status\":\"ok\"");
        } catch (java.io.IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * The daemon's open files from /metrics. The slow clients hold the port's connection slots, so one scrape may
     * be cut off as any client's may; a scraper asks again, and so does this (within the deadline).
     */
    private double openFiles() {
        java.util.concurrent.atomic.AtomicReference<String> body = new java.util.concurrent.atomic.AtomicReference<>();
        await("GET /metrics during the flood").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptionsInstanceOf(java.io.UncheckedIOException.class)
                .until(() -> {
                    body.set(ferry.get("/metrics").body());
                    return true;
                });
        return PrometheusScrape.parse(body.get()).value("process_files_open_files")
                .orElseThrow(() -> new AssertionError("no process_files_open_files in /metrics"));
    }
}
