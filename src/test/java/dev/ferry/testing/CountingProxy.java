package dev.ferry.testing;

import dev.ferry.testing.FaultPlan.Fault;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * An HTTP/1.1 proxy on 127.0.0.1 in front of a local S3 server that sees every request a client sends, counts
 * them by operation and target ({@link #traffic()}), and injects faults the test chooses at run time: a share of
 * requests answered 500 or 503, reset in the middle of their body, or whose response is lost after the server acted
 * ({@link #faults(FaultPlan)}); a black hole ({@link #blackHole(boolean)}); an outage ({@link #outage(boolean)}).
 * It also counts how many client connections are open at once (a deterministic way to see whether a client works
 * in parallel) and keeps the head of every request ({@link #requestHeads()}).
 */
public final class CountingProxy implements AutoCloseable {
    private final int targetPort;
    private final int port;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "counting-proxy");
        t.setDaemon(true);
        return t;
    });
    private final Set<ProxyConnection> connections = ConcurrentHashMap.newKeySet();
    private final AtomicInteger maxOpen = new AtomicInteger();
    private final List<String> heads = new CopyOnWriteArrayList<>();
    private final Traffic traffic = new Traffic();
    private volatile ServerSocket server;
    private volatile Consumer<String> beforeForwarding = head -> { };
    private volatile Predicate<String> tamperWith = head -> false;
    private volatile Predicate<S3Request> refuse = request -> false;
    private volatile FaultPlan plan = FaultPlan.NONE;
    private volatile boolean blackHole;
    private volatile boolean killing;

    private CountingProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = listen(0);
        this.port = server.getLocalPort();
        ServerSocket s = server;
        threads.execute(() -> accept(s));
    }

    public static CountingProxy start(int targetPort) {
        try {
            return new CountingProxy(targetPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ServerSocket listen(int port) throws IOException {
        ServerSocket s = new ServerSocket();
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
        return s;
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** The largest number of client connections that were open at the same time. */
    public int maxConcurrentConnections() {
        return maxOpen.get();
    }

    /** Requests, stores and injected faults so far. */
    public Traffic traffic() {
        return traffic;
    }

    /** The faults to inject from now on ({@link FaultPlan#NONE} for none). */
    public void faults(FaultPlan faults) {
        plan = faults;
    }

    FaultPlan plan() {
        return plan;
    }

    /** While on, every request is read and never answered (connections are accepted): a server that hangs. */
    public void blackHole(boolean on) {
        blackHole = on;
    }

    /**
     * While on, new connections are refused and open ones are reset, as when the server is down. Off listens on the
     * same port again.
     */
    public synchronized void outage(boolean on) {
        try {
            if (on && !server.isClosed()) {
                server.close();
                connections.forEach(ProxyConnection::reset);
            } else if (!on && server.isClosed()) {
                ServerSocket s = listen(port);
                server = s;
                threads.execute(() -> accept(s));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("proxy on port " + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code kill} (which kills the client) and notes {@link Fault#CLIENT_KILLED} on every request in progress
     * while it runs: the client may have died after the server acted and before it learnt so.
     */
    public void whileKillingClient(Runnable kill) {
        killing = true;
        try {
            connections.forEach(this::noteKilled);
            kill.run();
        } finally {
            killing = false;
        }
    }

    private void noteKilled(ProxyConnection c) {
        Admitted current = c.current();
        if (current != null) {
            traffic.injected(current.request(), current.nth(), Fault.CLIENT_KILLED);
        }
    }

    /** A request as the proxy counted it: the {@code nth} of its operation on its target, and its fault. */
    record Admitted(S3Request request, int nth, Fault fault) {
    }

    /** Counts a request and chooses its fault. */
    Admitted admit(S3Request request) {
        heads.add(request.head());
        beforeForwarding.accept(request.head());
        int nth = traffic.count(request);
        Fault fault = blackHole ? Fault.BLACK_HOLE : refuse.test(request) ? Fault.ACCESS_DENIED_403
                : plan.choose(request.operation(), request.target(), nth);
        if (fault != Fault.NONE) {
            traffic.injected(request, nth, fault);
        }
        if (killing) {
            traffic.injected(request, nth, Fault.CLIENT_KILLED);
        }
        return new Admitted(request, nth, fault);
    }

    /**
     * Answers the requests {@code which} accepts with 403 AccessDenied, not passing them on, as S3 does when a bucket
     * policy refuses them to valid credentials ({@code r -> false} to stop).
     */
    public void refuse(Predicate<S3Request> which) {
        refuse = which;
    }

    boolean tampers(String head) {
        return tamperWith.test(head);
    }

    void closed(ProxyConnection connection) {
        connections.remove(connection);
    }

    private void accept(ServerSocket listening) {
        while (!listening.isClosed()) {
            try {
                Socket client = listening.accept();
                client.setTcpNoDelay(true);
                ProxyConnection connection = new ProxyConnection(this, client, targetPort);
                connections.add(connection);
                maxOpen.accumulateAndGet(connections.size(), Math::max);
                threads.execute(connection);
            } catch (IOException e) {
                return;
            }
        }
    }

    /**
     * The request line and headers of every request clients sent so far, bodies left out, e.g.
     * {@code "POST /bucket?delete HTTP/1.1\r\nHost: ...\r\n\r\n"}; in order on each connection.
     */
    public List<String> requestHeads() {
        return List.copyOf(heads);
    }

    /**
     * Runs {@code hook} with the head of every request, on the proxy's thread, before any of the request is passed
     * on to the server: a deterministic point to change the world under a client.
     */
    public void beforeForwarding(Consumer<String> hook) {
        beforeForwarding = hook;
    }

    /**
     * Flips the first body byte of every request whose head {@code which} accepts, on its way to the server (as a
     * faulty link or a meddler would); the head stays as sent.
     */
    public void tamperWithBodies(Predicate<String> which) {
        tamperWith = which;
    }

    @Override
    public synchronized void close() {
        try {
            server.close();
        } catch (IOException e) {
            // nothing to do
        }
        connections.forEach(ProxyConnection::reset);
        threads.shutdownNow();
    }
}
