package dev.ferry.core;

/** Supplies the current {@link DaemonStatus}; cheap enough to call on every liveness probe. */
@FunctionalInterface
public interface StatusSource {
    DaemonStatus snapshot();
}
