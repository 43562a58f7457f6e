package dev.ferry.bench;

import dev.ferry.testing.ChaosResult;
import dev.ferry.testing.ChaosRun;
import dev.ferry.testing.ChaosSettings;
import dev.ferry.testing.FaultPlan;
import dev.ferry.testing.FaultPlan.Fault;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The chaos scenario at full length (bench/chaos): by default two minutes of arrivals in three bucket folders, 10%
 * 5xx, 3% resets and 2% lost responses throughout, two kill -9, a 30 s S3 outage, a 30 s black hole and a 30 s state
 * store outage. Prints the timeline and a table: files, PUTs, extra stores with their causes, faults, time to
 * drain. Exits 1 when a file is missing or a store is unexplained.
 */
public final class ChaosBench {
    private ChaosBench() {
    }

    public static void main(String[] argv) throws Exception {
        BenchArgs args = new BenchArgs(argv);
        long seed = args.integer("seed", 15);
        Duration outage = Duration.ofSeconds(args.integer("outage", 30));
        FaultPlan faults = FaultPlan.seeded(seed).withErrors(0.05, 0.05).withResets(0.03).withLostResponses(0.02)
                .withLatency(0.05, Duration.ofMillis(300));
        ChaosSettings settings = new ChaosSettings(seed, List.of("chaos-a", "chaos-b", "chaos-c"),
                Duration.ofSeconds(args.integer("arrivals", 120)), Double.parseDouble(args.get("rate", "1")), 0.1,
                faults, outage, outage, outage, Duration.ofMinutes(args.integer("drain-minutes", 15)));
        Path work = Files.createDirectories(Path.of(args.get("work", "/tmp/ferry-chaos")).toAbsolutePath());
        Path dir = Files.createTempDirectory(work, "run-");
        try (ChaosRun run = new ChaosRun(settings, dir)) {
            ChaosResult result;
            try {
                result = run.run();
            } catch (ConditionTimeoutException e) {
                System.out.println("NOT DRAINED within the deadline; missing or wrong in S3: " + run.missing());
                System.exit(1);
                return;
            }
            System.out.println("timeline (seed " + seed + "):");
            result.timeline().forEach(line -> System.out.println("  " + line));
            Table table = table(result);
            System.out.println();
            System.out.println(args.has("markdown") ? table.markdown() : table.text());
            Map<String, String> unexplained = result.unexplained();
            unexplained.forEach((k, v) -> System.out.println("UNEXPLAINED " + k + ": " + v));
            System.exit(run.missing().isEmpty() && unexplained.isEmpty() ? 0 : 1);
        }
    }

    static Table table(ChaosResult r) {
        Table t = new Table(List.of("figure", "value"));
        t.add(List.of("files", Table.count(r.files())));
        t.add(List.of("file writes (10% rewritten)", Table.count(r.fileWrites())));
        t.add(List.of("PUT requests (failed ones included)", Table.count(r.putRequests())));
        t.add(List.of("stores (PUTs S3 answered 2xx)", Table.count(r.stores())));
        t.add(List.of("stores beyond one per file", Table.count(r.stores() - r.files())));
        t.add(List.of("  for: a rewrite after the first upload", Table.count(r.rewriteStores())));
        r.extraStoresByCause().forEach((cause, n) -> t.add(List.of("  for: " + cause(cause), Table.count(n))));
        r.injected().forEach((fault, n) -> t.add(List.of("requests that met " + fault(fault), Table.count(n))));
        t.add(List.of("time to drain after the last fault, its restart included (s)",
                Table.num(r.sinceLastFault().toMillis() / 1000.0)));
        t.add(List.of("time to drain once the last restart answered (s)", Table.num(r.drain().toMillis() / 1000.0)));
        return t;
    }

    private static String cause(String cause) {
        return switch (cause) {
            case "LOST_RESPONSE" -> "response lost after S3 stored";
            case "CLIENT_GONE" -> "daemon timed out before the answer";
            case "CLIENT_KILLED" -> "in flight at a kill -9";
            default -> cause;
        };
    }

    private static String fault(Fault fault) {
        return switch (fault) {
            case ERROR_500 -> "500 InternalError";
            case SLOW_DOWN_503 -> "503 SlowDown";
            case RESET_MID_BODY -> "a reset in the body";
            case LOST_RESPONSE -> "a lost response";
            case LATENCY -> "300 ms latency";
            case BLACK_HOLE -> "the black hole";
            case CLIENT_KILLED -> "a kill -9";
            case CLIENT_GONE -> "the daemon's timeout";
            case ACCESS_DENIED_403 -> "403 AccessDenied";
            case NONE -> "nothing";
        };
    }
}
