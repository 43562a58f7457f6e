package dev.ferry.core;

import java.util.List;
import java.util.Optional;

/**
 * Where the daemons that share one state store list themselves (MongoDB's {@code instances} collection): each
 * writes its own entry every heartbeat and reads everyone's for the fleet view. Implementations are
 * thread-safe; every method may throw {@link StateStoreException} when the store cannot be reached.
 */
public interface FleetRegistry {

    /**
     * Writes (creates or replaces) the entry of {@code self.id()} and returns the one it replaced, read and
     * replaced in one step (empty when there was none or it could not be read).
     */
    Optional<FleetMember> report(FleetMember self);

    /** The entry of instance {@code id}, if there is one (and it can be read). */
    Optional<FleetMember> member(String id);

    /**
     * Marks the entry of {@code id} stopped if run {@code token} wrote it last: that run will write no more, so
     * another may start under this id at once. An entry another run wrote since is left alone.
     */
    void stopped(String id, String token);

    /** Every entry, in any order, those that stopped reporting included. */
    List<FleetMember> members();
}
