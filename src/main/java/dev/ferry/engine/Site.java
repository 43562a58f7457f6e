package dev.ferry.engine;

import dev.ferry.core.ObjectStore;
import dev.ferry.core.UploadOptions;
import dev.ferry.filter.Router;
import java.nio.file.Path;

/**
 * One source of files and where they go: the watch_path tree (a bucket per first-level folder) or a site
 * of the config file (one bucket and prefix), with the object store of its credentials and endpoint.
 *
 * @param name          name in logs and /status
 * @param router        maps paths under the site's folder to destinations
 * @param store         the S3 connection for this site
 * @param retireDeleted delete the object when its local file is deleted
 * @param options       storage class and encryption of uploaded objects
 * @param maxDelete     most deletions at run time in {@link DeleteGuard#WINDOW} before deleting stops
 */
public record Site(String name, Router router, ObjectStore store, boolean retireDeleted, UploadOptions options,
        int maxDelete) {

    public Path root() {
        return router.root();
    }

    /** Name of the lane (and of the /status entry) for a destination bucket of this site. */
    String laneName(String bucket) {
        return router.bucketPerFolder() ? bucket : name;
    }
}
