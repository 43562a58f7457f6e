package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class FleetCommandTest {

    @Test
    void oneRowPerInstanceTimesByTheDaemonsClockAndTheStaleOnesCounted() throws Exception {
        String answer = """
                {"status":"ok","now":"2026-12-06T08:00:00Z","staleAfterHeartbeats":3,"stale":1,"instances":[
                 {"id":"cam-1","host":"cam-1.lan","version":"1.4.0","startedAt":"2026-12-06T06:00:00Z",
                  "lastSeen":"2026-12-06T08:00:00Z","stale":false,"self":true,"url":"http://cam-1.lan:5000",
                  "queued":3,"uploaded":12804,"failed":2},
                 {"id":"cam-2","host":"cam-2.lan","version":"1.3.9","startedAt":"2026-12-05T08:00:00Z",
                  "lastSeen":"2026-12-06T07:55:00Z","stale":true,"self":false,"url":null,
                  "queued":0,"uploaded":7,"failed":0}]}
                """;

        String table = FleetCommand.render(new ObjectMapper().readTree(answer));

        assertThat(table.lines()).containsExactly(
                "INSTANCE  HOST       VERSION  STARTED    LAST SEEN  STATE  QUEUED  UPLOADED  FAILED  URL",
                "cam-1 *   cam-1.lan  1.4.0    2h 0m ago  0s ago     ok          3    12,804       2  http://cam-1.lan:5000",
                "cam-2     cam-2.lan  1.3.9    1d 0h ago  5m 0s ago  STALE       0         7       0  -",
                "",
                "2 instances, 1 STALE (no report for 3 heartbeats); * is the daemon that answered; UPLOADED counts "
                        + "since each started.");
    }

    @Test
    void anotherDaemonUnderTheAnsweringOnesInstanceIdIsAWarningUnderTheTable() throws Exception {
        String answer = """
                {"status":"ok","now":"2026-12-06T08:00:00Z","staleAfterHeartbeats":3,"stale":0,"instances":[
                 {"id":"cam-1","host":"cam-1.lan","version":"1.5.0","startedAt":"2026-12-06T06:00:00Z",
                  "lastSeen":"2026-12-06T08:00:00Z","stale":false,"self":true,"url":"http://cam-1.lan:5000",
                  "queued":0,"uploaded":1,"failed":0}],
                 "sameInstanceId":{"host":"cam-9.lan","pid":4711,"url":"http://cam-9.lan:5001",
                  "startedAt":"2026-12-06T07:59:00Z","lastSeen":"2026-12-06T07:59:58Z"}}
                """;

        String table = FleetCommand.render(new ObjectMapper().readTree(answer));

        assertThat(table.lines()).last().isEqualTo("WARNING: another daemon writes under the instance id of the one "
                + "that answered (host cam-9.lan, pid 4711, http://cam-9.lan:5001, started 2026-12-06T07:59:00Z): the "
                + "two overwrite each other's records. Give each daemon its own INSTANCE_ID.");
    }
}
