package dev.ferry.control;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * What the control plane may do to the running daemon, and nothing more: the mothership's replies are data
 * (a state, a configuration, keys, one of a fixed set of actions), and this is the whole of what they reach.
 * Implemented by the daemon's wiring; a fake in tests.
 */
public interface ControlTarget {

    /**
     * Uploads run (state {@code configured}) or wait (any other state, or none yet); changes are still queued.
     * {@code why} says which state, for the log.
     */
    void uploads(boolean run, String why);

    /**
     * Validates the mothership's configuration merged over the local one (and over what it sent before) and,
     * when valid, applies it: the sites that changed are stopped and started again. Empty when applied, else
     * the reason it was rejected (the last good configuration keeps running). Never throws.
     */
    Optional<String> applyConfig(ObjectNode config);

    /**
     * What the mothership sent so far that applied, merged: kept in the context file so the next start runs it
     * before any upload. Empty when it holds a secret (a site's secret_access_key), which is never written there.
     */
    Optional<ObjectNode> keptConfig();

    /** The keys file was rewritten: the sites start again with its keys. Empty when done, else why not. */
    Optional<String> keysChanged();

    /** The effective configuration, every secret redacted: the result of a {@code report} action. */
    ObjectNode report();

    /** Sweeps every site now (a wakeup). */
    void sweepNow(String why);

    /** What the daemon did since it started, for the {@code result} of each request. */
    Counts counts();

    /** Stops the daemon so its supervisor starts it again (after an {@code upgrade}). */
    void exitForRestart();
}
