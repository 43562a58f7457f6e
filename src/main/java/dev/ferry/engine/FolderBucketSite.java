package dev.ferry.engine;

import dev.ferry.core.ObjectStore;
import dev.ferry.core.Source;
import dev.ferry.core.UploadOptions;
import dev.ferry.filter.FolderBucketRouter;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The watch_path tree (seed 000): each first-level folder is a bucket and its files' paths below it are their
 * keys; lanes and /status entries are named by bucket.
 */
public record FolderBucketSite(String name, Source source, FolderBucketRouter router, ObjectStore store,
        boolean retireDeleted, UploadOptions options, int maxDelete) implements Site {

    @Override
    public String laneName(String bucket) {
        return bucket;
    }

    @Override
    public Path folderOf(String bucket) {
        return root().resolve(bucket);
    }

    @Override
    public boolean sweepsEachFolder() {
        return true;
    }

    @Override
    public <T> T match(Function<? super FolderBucketSite, T> tree, Function<? super PrefixSite, T> prefix) {
        return tree.apply(this);
    }
}
