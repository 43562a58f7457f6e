package dev.ferry.testing;

import dev.ferry.testing.FaultPlan.Fault;
import dev.ferry.testing.S3Request.Operation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What went through {@link CountingProxy}, by operation and target ({@code bucket/key}): requests seen, stores
 * (object writes the server answered 2xx, whether or not the client got the answer), and the faults injected.
 */
public final class Traffic {
    private final Map<Operation, Map<String, AtomicInteger>> requests = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> stores = new ConcurrentHashMap<>();
    private final Map<String, List<Injected>> faults = new ConcurrentHashMap<>();

    /** A fault injected into the {@code nth} (from 0) request of {@code operation} on its target. */
    public record Injected(Operation operation, int nth, Fault fault) {
    }

    /** Counts a request and returns how many of its operation on its target came before it. */
    int count(S3Request request) {
        return requests.computeIfAbsent(request.operation(), op -> new ConcurrentHashMap<>())
                .computeIfAbsent(request.target(), t -> new AtomicInteger()).getAndIncrement();
    }

    void stored(S3Request request) {
        stores.computeIfAbsent(request.target(), t -> new AtomicInteger()).incrementAndGet();
    }

    void injected(S3Request request, int nth, Fault fault) {
        faults.computeIfAbsent(request.target(), t -> Collections.synchronizedList(new ArrayList<>()))
                .add(new Injected(request.operation(), nth, fault));
    }

    /** Requests of {@code operation} on {@code target} ({@code bucket/key}, {@code bucket}) so far. */
    public int requests(Operation operation, String target) {
        AtomicInteger n = requests.getOrDefault(operation, Map.of()).get(target);
        return n == null ? 0 : n.get();
    }

    /** Requests of {@code operation} on any target. */
    public int requests(Operation operation) {
        return requests.getOrDefault(operation, Map.of()).values().stream().mapToInt(AtomicInteger::get).sum();
    }

    /** Requests per operation, all targets together. */
    public Map<Operation, Integer> requestsByOperation() {
        Map<Operation, Integer> all = new EnumMap<>(Operation.class);
        for (Operation op : requests.keySet()) {
            all.put(op, requests(op));
        }
        return all;
    }

    /** Times the server stored new content for {@code bucket/key} (PUT, copy or completed multipart answered 2xx). */
    public int stores(String target) {
        AtomicInteger n = stores.get(target);
        return n == null ? 0 : n.get();
    }

    /** Every target the server stored content for, with how many times. */
    public Map<String, Integer> stores() {
        Map<String, Integer> all = new HashMap<>();
        stores.forEach((k, v) -> all.put(k, v.get()));
        return all;
    }

    /** The faults injected into requests on {@code target}, in order. */
    public List<Injected> faults(String target) {
        List<Injected> list = faults.get(target);
        if (list == null) {
            return List.of();
        }
        synchronized (list) {
            return List.copyOf(list);
        }
    }

    /** How many times {@code fault} was injected, all targets together. */
    public int injected(Fault fault) {
        int n = 0;
        for (String target : faults.keySet()) {
            n += (int) faults(target).stream().filter(i -> i.fault() == fault).count();
        }
        return n;
    }
}
