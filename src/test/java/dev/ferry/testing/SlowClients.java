package dev.ferry.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Slow HTTP clients, as a slowloris attack makes them: each of {@code count} connections sends one byte of a
 * request head that never ends ({@code GET /status HTTP/1.1}, then a header whose value grows) per tick, and
 * connects again, on the next tick, when the server closed it. One thread drives them all with non-blocking
 * sockets, so a server that stops accepting holds up nothing here. {@link #close()} closes every socket.
 */
public final class SlowClients implements AutoCloseable {
    private static final byte[] HEAD = "GET /status HTTP/1.1\r\nHost: ferry\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);

    private final InetSocketAddress target;
    private final Slot[] slots;
    private final ScheduledExecutorService driver;
    private final AtomicLong connects = new AtomicLong();
    private final AtomicLong closedByServer = new AtomicLong();
    private final AtomicLong ticks = new AtomicLong();
    private final ByteBuffer sink = ByteBuffer.allocate(4096);

    private static final class Slot {
        SocketChannel channel;
        boolean connected;
        int sent;
    }

    private SlowClients(InetSocketAddress target, int count) {
        this.target = target;
        this.slots = new Slot[count];
        for (int i = 0; i < count; i++) {
            slots[i] = new Slot();
        }
        this.driver = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "slow-clients");
            t.setDaemon(true);
            return t;
        });
    }

    /** Opens {@code count} slow connections to {@code target} and sends each one byte every {@code tick}. */
    public static SlowClients start(InetSocketAddress target, int count, Duration tick) {
        SlowClients clients = new SlowClients(target, count);
        clients.driver.scheduleWithFixedDelay(clients::tick, 0, tick.toMillis(), TimeUnit.MILLISECONDS);
        return clients;
    }

    /** Connections opened so far (first ones and reconnections). */
    public long connects() {
        return connects.get();
    }

    /** Connections the server closed (end of stream or reset seen). */
    public long closedByServer() {
        return closedByServer.get();
    }

    /** Ticks completed: each one tried every connection once. */
    public long ticks() {
        return ticks.get();
    }

    private void tick() {
        for (Slot slot : slots) {
            try {
                step(slot);
            } catch (IOException e) {
                closedByServer.incrementAndGet();
                closeQuietly(slot);
            }
        }
        ticks.incrementAndGet();
    }

    private void step(Slot slot) throws IOException {
        if (slot.channel == null) {
            slot.channel = SocketChannel.open();
            slot.channel.configureBlocking(false);
            slot.sent = 0;
            slot.connected = slot.channel.connect(target);
            connects.incrementAndGet();
            return;
        }
        if (!slot.connected) {
            slot.connected = slot.channel.finishConnect();
            return;
        }
        sink.clear();
        if (slot.channel.read(sink) < 0) {
            throw new IOException("closed by the server");
        }
        byte next = slot.sent < HEAD.length ? HEAD[slot.sent] : (byte) 'a';
        if (slot.channel.write(ByteBuffer.wrap(new byte[] {next})) == 1) {
            slot.sent++;
        }
    }

    private static void closeQuietly(Slot slot) {
        if (slot.channel != null) {
            try {
                slot.channel.close();
            } catch (IOException e) {
                // closing a socket the server already closed
            }
        }
        slot.channel = null;
        slot.connected = false;
    }

    @Override
    public void close() {
        driver.shutdownNow();
        try {
            driver.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Slot slot : slots) {
            closeQuietly(slot);
        }
    }
}
