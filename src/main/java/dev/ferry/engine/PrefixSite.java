package dev.ferry.engine;

import dev.ferry.core.ObjectStore;
import dev.ferry.core.Source;
import dev.ferry.core.UploadOptions;
import dev.ferry.filter.PrefixRouter;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * A site of the config file: every item of its source (the files under its folder) goes to one bucket, under a
 * prefix; its lane and /status entry carry the site's name. A source of another kind (a bucket, a control plane's
 * files) is a prefix site too.
 */
public record PrefixSite(String name, Source source, PrefixRouter router, ObjectStore store, boolean retireDeleted,
        UploadOptions options, int maxDelete, SitePolicy policy) implements Site {

    /** A site without an upload policy of its own ({@link SitePolicy#NONE}). */
    public PrefixSite(String name, Source source, PrefixRouter router, ObjectStore store, boolean retireDeleted,
            UploadOptions options, int maxDelete) {
        this(name, source, router, store, retireDeleted, options, maxDelete, SitePolicy.NONE);
    }

    /** The one bucket of this site. */
    public String bucket() {
        return router.bucket();
    }

    @Override
    public String laneName(String bucket) {
        return name;
    }

    @Override
    public Path folderOf(String bucket) {
        return root();
    }

    @Override
    public boolean sweepsEachFolder() {
        return false;
    }

    @Override
    public <T> T match(Function<? super FolderBucketSite, T> tree, Function<? super PrefixSite, T> prefix) {
        return prefix.apply(this);
    }
}
