package dev.ferry.state;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A SQLite state file is one machine's: when it is opened by an instance whose id its records do not carry, and
 * they all belong to one other local source (a container created again under a new host name, a renamed host),
 * that instance's records become this one's, or the new instance would upload every file again. With records of
 * several other instances it cannot tell which is its own: it leaves them and says so.
 */
final class SqliteAdoption {

    private static final Logger log = LoggerFactory.getLogger(SqliteAdoption.class);
    /** More distinct sources than this are not listed: the answer (several) is known by then. */
    private static final int MAX_SOURCES = 8;

    private SqliteAdoption() {
    }

    /** Adopts the records of one other local instance, if that is all the file holds besides other kinds. */
    static void adopt(Connection c, Path file, String instance) throws SQLException {
        List<String> local = new ArrayList<>();
        for (String source : distinctSources(c)) {
            if (isLocal(source)) {
                local.add(source);
            }
        }
        List<String> foreign = new ArrayList<>(local);
        foreign.remove(instance);
        if (foreign.isEmpty()) {
            return;
        }
        if (foreign.size() == 1 && !local.contains(instance)) {
            int n;
            try (PreparedStatement ps = c.prepareStatement("UPDATE files SET source = ? WHERE source = ?")) {
                ps.setString(1, instance);
                ps.setString(2, foreign.get(0));
                n = ps.executeUpdate();
            }
            log.info("{}: {} records of instance '{}' adopted as this instance '{}' (the instance id changed, as when a"
                    + " container is created again with a new host name; set INSTANCE_ID to keep it)", file, n,
                    foreign.get(0), instance);
            return;
        }
        log.warn("{}: records of other instances {} are kept, not used by this instance '{}'; if one of them is this"
                + " machine's, set INSTANCE_ID to it", file, foreign, instance);
    }

    /** A local tree's source id is an instance id; other sources are URLs ("s3://bucket/prefix"). */
    static boolean isLocal(String source) {
        return !source.contains("://");
    }

    /** The distinct sources, at most {@link #MAX_SOURCES}, each found by one step along the primary key. */
    private static List<String> distinctSources(Connection c) throws SQLException {
        List<String> found = new ArrayList<>();
        try (PreparedStatement first = c.prepareStatement("SELECT source FROM files ORDER BY source LIMIT 1");
             PreparedStatement next = c.prepareStatement(
                     "SELECT source FROM files WHERE source > ? ORDER BY source LIMIT 1")) {
            String at = one(first);
            while (at != null && found.size() < MAX_SOURCES) {
                found.add(at);
                next.setString(1, at);
                at = one(next);
            }
        }
        return found;
    }

    private static String one(PreparedStatement ps) throws SQLException {
        try (ResultSet rs = ps.executeQuery()) {
            return rs.next() ? rs.getString(1) : null;
        }
    }
}
