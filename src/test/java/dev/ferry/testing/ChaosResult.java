package dev.ferry.testing;

import dev.ferry.testing.FaultPlan.Fault;
import dev.ferry.testing.S3Request.Operation;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a {@link ChaosRun} did and saw: the files and their writes, every request the proxy counted, and the
 * stores beyond what the files needed, with their causes.
 *
 * <p>The bound on stores. The server stores a key's content once per PUT (or completed multipart upload) it answers
 * 2xx, whether or not the daemon gets the answer ({@link Traffic#stores(String)}). A key needs at most one store per
 * write of its file (fewer when writes come close together). A store more is explained only by a write request of
 * that key that the server may have carried out while the daemon never learnt it did: its response lost by the proxy
 * ({@link Fault#LOST_RESPONSE}), the daemon gone from the connection when the answer came (its own timeout,
 * {@link Fault#CLIENT_GONE}), or the daemon killed while the request was in progress ({@link Fault#CLIENT_KILLED}).
 * So, per key: {@code stores <= writes + distinct write requests with one of these faults}. Everything else must
 * not cost a store: a 5xx, a reset in the body or a black-holed request never reaches the server's storage, and a
 * restart must recognise what is already in S3 (the "uploading" mark checked against S3, records that were pending).
 */
public record ChaosResult(ChaosSettings settings, Map<String, byte[]> expected, Map<String, Integer> writes,
        Traffic traffic, Duration drain, Duration sinceLastFault, List<String> timeline, FerryProcess ferry) {

    /** The faults that may explain a store beyond the file's writes. */
    public static final Set<Fault> EXPLAINING = EnumSet.of(Fault.LOST_RESPONSE, Fault.CLIENT_GONE, Fault.CLIENT_KILLED);

    /** Distinct write requests on {@code target} the daemon may not have learnt the outcome of. */
    public long allowance(String target) {
        return traffic.faults(target).stream()
                .filter(i -> i.operation().writesObject() && EXPLAINING.contains(i.fault()))
                .map(i -> i.operation() + "#" + i.nth()).distinct().count();
    }

    /** Keys stored more often than the bound allows, with their figures. */
    public Map<String, String> unexplained() {
        Map<String, String> over = new TreeMap<>();
        traffic.stores().forEach((target, stores) -> {
            int written = writes.getOrDefault(target, 0);
            long allowed = written + allowance(target);
            if (stores > allowed) {
                over.put(target, stores + " stores for " + written + " writes; faults: " + traffic.faults(target));
            }
        });
        return over;
    }

    public int files() {
        return expected.size();
    }

    public int fileWrites() {
        return writes.values().stream().mapToInt(Integer::intValue).sum();
    }

    public int stores() {
        return traffic.stores().values().stream().mapToInt(Integer::intValue).sum();
    }

    /**
     * Stores beyond one per file write, by cause (for the stores of rewrites see {@link #rewriteStores()}): each key's extra stores are put down to its lost responses first,
     * then to the daemon's timeouts, then to kills; what remains is "unexplained".
     */
    public Map<String, Integer> extraStoresByCause() {
        Map<String, Integer> causes = new LinkedHashMap<>();
        for (Fault f : EXPLAINING) {
            causes.put(f.name(), 0);
        }
        causes.put("unexplained", 0);
        traffic.stores().forEach((target, stores) -> {
            int extra = stores - writes.getOrDefault(target, 0);
            for (Fault f : EXPLAINING) {
                long n = traffic.faults(target).stream()
                        .filter(i -> i.operation().writesObject() && i.fault() == f).count();
                int put = (int) Math.min(Math.max(extra, 0), n);
                causes.merge(f.name(), put, Integer::sum);
                extra -= put;
            }
            causes.merge("unexplained", Math.max(extra, 0), Integer::sum);
        });
        return causes;
    }

    /** Stores beyond one per file that its rewrites explain (a rewrite before the first upload needs none). */
    public int rewriteStores() {
        int explainedByFaults = extraStoresByCause().values().stream().mapToInt(Integer::intValue).sum();
        return stores() - files() - explainedByFaults;
    }

    /** Requests of PUT object, all keys together (failed ones included). */
    public int putRequests() {
        return traffic.requests(Operation.PUT_OBJECT);
    }

    /** How many requests met each fault. */
    public Map<Fault, Integer> injected() {
        Map<Fault, Integer> all = new LinkedHashMap<>();
        for (Fault f : Fault.values()) {
            if (f != Fault.NONE) {
                all.put(f, traffic.injected(f));
            }
        }
        return all;
    }

}
