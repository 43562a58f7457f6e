package dev.ferry.core;

import java.util.List;

/**
 * Where the daemons that share one state store list themselves (MongoDB's {@code instances} collection): each
 * writes its own entry every heartbeat and reads everyone's for the fleet view. Implementations are
 * thread-safe; every method may throw {@link StateStoreException} when the store cannot be reached.
 */
public interface FleetRegistry {

    /** Writes (creates or replaces) the entry of {@code self.id()}. */
    void report(FleetMember self);

    /** Every entry, in any order, those that stopped reporting included. */
    List<FleetMember> members();
}
