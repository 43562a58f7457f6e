package dev.ferry.engine;

import dev.ferry.core.DeleteGuard;
import dev.ferry.core.ObjectStore;
import dev.ferry.core.Source;
import dev.ferry.core.UploadOptions;
import dev.ferry.filter.RouteDecision;
import dev.ferry.filter.Router;
import java.nio.file.Path;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One source and where its items go, with the object store of its credentials and endpoint. Two kinds:
 * a {@link FolderBucketSite} (the watch_path tree: each first-level folder is a bucket) and a {@link PrefixSite}
 * (a site of the config file: one bucket and prefix). What differs between them is stated by each kind here;
 * wiring that must tell them apart asks {@link #match} once, so no caller branches on a flag or casts.
 */
public sealed interface Site permits FolderBucketSite, PrefixSite {

    /** Name in logs and /status. */
    String name();

    /** Where the site's items come from: the engine reaches them only through it. */
    Source source();

    /** Maps paths under the site's folder to destinations. */
    Router router();

    /**
     * Where one of the site's items goes, or why it does not. Items are named as paths under {@link #root()}
     * for the router, which maps paths (a local tree's items are their paths).
     */
    default RouteDecision route(String item) {
        return router().route(Path.of(item));
    }

    /**
     * Whether this site sends {@code item} to {@code bucket} (or records it there as rejected): tells the site a
     * record of that bucket belongs to, where one folder feeds several sites.
     */
    default boolean sendsTo(String item, String bucket) {
        RouteDecision decision = route(item);
        if (decision instanceof RouteDecision.Routed routed) {
            return routed.destination().bucket().equals(bucket);
        }
        return decision instanceof RouteDecision.Rejected rejected && rejected.bucket().equals(bucket);
    }

    /** The S3 connection of this site. */
    ObjectStore store();

    /** Delete the object when its local file is deleted. */
    boolean retireDeleted();

    /** Storage class and encryption of uploaded objects. */
    UploadOptions options();

    /** The site's upload policy (minimum age, forced uploads); {@link SitePolicy#NONE} unless configured. */
    default SitePolicy policy() {
        return SitePolicy.NONE;
    }

    /** Most deletions at run time in {@link DeleteGuard#WINDOW} before deleting stops. */
    int maxDelete();

    default Path root() {
        return router().root();
    }

    /** Name of the lane (and of the /status entry) for a destination bucket of this site. */
    String laneName(String bucket);

    /** The folder whose files go to {@code bucket}: what to sweep when that bucket's queue dropped changes. */
    Path folderOf(String bucket);

    /** Whether a full sweep walks each first-level folder on its own thread (each is a bucket of its own). */
    boolean sweepsEachFolder();

    /** Calls the function of this site's kind. */
    <T> T match(Function<? super FolderBucketSite, T> tree, Function<? super PrefixSite, T> prefix);

    /** Runs the action of this site's kind. */
    default void on(Consumer<? super FolderBucketSite> tree, Consumer<? super PrefixSite> prefix) {
        match(t -> {
            tree.accept(t);
            return null;
        }, p -> {
            prefix.accept(p);
            return null;
        });
    }
}
