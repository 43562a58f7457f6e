package dev.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testing.LogCapture;
import dev.ferry.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RefusalLogTest {
    private final ManualClock clock = new ManualClock();
    private final RefusalLog refusals = new RefusalLog(clock);

    @Test
    void aThousandRefusalsInAMinuteCostTwoLines() {
        try (LogCapture logs = LogCapture.of(RefusalLog.class.getName())) {
            refusals.refused("POST /wakeup", "10.0.0.5", "no token");
            for (int i = 0; i < 999; i++) {
                refusals.refused("GET /files", "10.0.0.6", "wrong token");
                refusals.flush();
                clock.advance(Duration.ofMillis(50));
            }
            assertThat(logs.lines()).containsExactly(
                    "WARN dev.ferry.http.RefusalLog: POST /wakeup: admin request refused from 10.0.0.5: no token");

            clock.advance(Duration.ofSeconds(11));
            refusals.flush();

            assertThat(logs.lines()).hasSize(2);
            assertThat(logs.lines().get(1)).contains("999 more requests refused in the last 60 s",
                    "the last: GET /files from 10.0.0.6: wrong token");
        }
    }

    @Test
    void aRefusalAfterAQuietMinuteIsLoggedAtOnce() {
        try (LogCapture logs = LogCapture.of(RefusalLog.class.getName())) {
            refusals.refused("POST /pause", "10.0.0.5", "wrong token");
            clock.advance(Duration.ofMinutes(2));
            refusals.flush();
            refusals.refused("POST /resume", "10.0.0.5", "token in the query string");

            assertThat(logs.lines()).containsExactly(
                    "WARN dev.ferry.http.RefusalLog: POST /pause: admin request refused from 10.0.0.5: wrong token",
                    "WARN dev.ferry.http.RefusalLog: POST /resume: admin request refused from 10.0.0.5: token in the "
                            + "query string");
        }
    }

    @Test
    void refusalsCountedWhenTheServerStopsAreReportedThen() {
        try (LogCapture logs = LogCapture.of(RefusalLog.class.getName())) {
            for (int i = 0; i < 3; i++) {
                refusals.refused("POST /pause", "10.0.0.5", "no token");
            }
            clock.advance(Duration.ofSeconds(5));
            refusals.flushNow();

            assertThat(logs.lines()).hasSize(2);
            assertThat(logs.lines().get(1)).contains("2 more requests refused in the last 5 s");
        }
    }
}
