package dev.ferry.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A TCP forwarder on 127.0.0.1 in front of a local server that counts how many client connections are
 * open at once: a deterministic way to see whether a client works in parallel, with no timing involved.
 * It also records the request line and headers of every HTTP request that passes ({@link #requestHeads()}), so
 * tests can see what really went over the wire.
 */
public final class CountingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final int targetPort;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "counting-proxy");
        t.setDaemon(true);
        return t;
    });
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger maxOpen = new AtomicInteger();
    private final List<String> heads = new CopyOnWriteArrayList<>();
    private volatile Consumer<String> beforeForwarding = head -> { };
    private volatile Predicate<String> tamperWith = head -> false;

    private CountingProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    public static CountingProxy start(int targetPort) {
        try {
            return new CountingProxy(targetPort);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    /** The largest number of client connections that were open at the same time. */
    public int maxConcurrentConnections() {
        return maxOpen.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                maxOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
                AtomicInteger halves = new AtomicInteger(2);
                Runnable closed = () -> {
                    if (halves.decrementAndGet() == 0) {
                        open.decrementAndGet();
                        closeQuietly(client);
                        closeQuietly(upstream);
                    }
                };
                RequestRecorder recorder = new RequestRecorder(head -> {
                    heads.add(head);
                    beforeForwarding.accept(head);
                }, head -> tamperWith.test(head));
                threads.execute(() -> pump(client, upstream, recorder, closed));
                threads.execute(() -> pump(upstream, client, null, closed));
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
     * Runs {@code hook} with the head of every request, on the proxy's thread, before the request's bytes that
     * completed the head are passed on to the server: a deterministic point to change the world under a client.
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

    private static void pump(Socket from, Socket to, RequestRecorder recorder, Runnable done) {
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            byte[] buffer = new byte[16 * 1024];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                if (recorder != null) {
                    recorder.accept(buffer, n);
                }
                out.write(buffer, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // the other side went away: close both
            closeQuietly(from);
            closeQuietly(to);
        } finally {
            done.run();
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        closeQuietly(new Socket());
        try {
            server.close();
        } catch (IOException e) {
            // nothing to do
        }
        threads.shutdownNow();
    }
}
