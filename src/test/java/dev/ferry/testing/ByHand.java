package dev.ferry.testing;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;

/**
 * An executor whose tasks run only when the test says so ({@link #runNext()}, {@link #runAll()}), on the test's
 * thread: what a class does on its own threads happens at the moment the test chooses. A {@code submit()} runs
 * at once, since its caller waits on the future right after.
 */
public final class ByHand extends AbstractExecutorService {
    public final Deque<Runnable> tasks = new ArrayDeque<>();
    public int ran;
    private boolean shutdown;

    public void runAll() {
        while (!tasks.isEmpty()) {
            tasks.removeFirst().run();
        }
    }

    public void runNext() {
        tasks.removeFirst().run();
    }

    @Override
    public void execute(Runnable command) {
        if (command instanceof FutureTask<?>) {
            ran++;
            command.run();
        } else {
            tasks.addLast(command);
        }
    }

    @Override
    public void shutdown() {
        shutdown = true;
    }

    @Override
    public List<Runnable> shutdownNow() {
        shutdown = true;
        List<Runnable> left = new ArrayList<>(tasks);
        tasks.clear();
        return left;
    }

    @Override
    public boolean isShutdown() {
        return shutdown;
    }

    @Override
    public boolean isTerminated() {
        return shutdown && tasks.isEmpty();
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
        return isTerminated();
    }
}
