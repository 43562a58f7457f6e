package dev.ferry.engine;

import java.time.Clock;

/**
 * The engine's name for {@link dev.ferry.core.DeleteGuard}, the one delete guard (its run-time window):
 * kept so the engine's classes and tests build one as before.
 */
final class DeleteGuard extends dev.ferry.core.DeleteGuard {
    DeleteGuard(int max, Clock clock) {
        super(max, clock);
    }
}
