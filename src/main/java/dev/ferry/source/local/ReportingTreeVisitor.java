package dev.ferry.source.local;

import io.methvin.watcher.visitor.FileTreeVisitor;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The walk directory-watcher makes to register a tree and to report the files of a new folder, with every
 * failure reported. The library's own walk drops a folder it cannot list (permission denied, too many open
 * files, a folder deleted meanwhile) without a word, and that folder stays unwatched for good; a failure to
 * register a watch would end the whole walk. Here each failure is handed to {@link Failures} and the walk
 * goes on with the rest of the tree.
 */
final class ReportingTreeVisitor implements FileTreeVisitor {

    /** Told of each folder (or entry) the walk could not list or watch. Called on the watcher's thread. */
    @FunctionalInterface
    interface Failures {
        void cannotWatch(Path path, IOException reason);
    }

    private final Path root;
    private final Failures failures;
    private final java.util.function.Consumer<Path> links;

    /**
     * @param root  the watched folder, which may be a symbolic link to a folder (the one link the walk follows)
     * @param links told of each symbolic link the walk passes (it does not follow them)
     */
    ReportingTreeVisitor(Path root, Failures failures, java.util.function.Consumer<Path> links) {
        this.root = root;
        this.failures = failures;
        this.links = links;
    }

    @Override
    public void recursiveVisitFiles(Path start, Callback onDirectory, Callback onFile) throws IOException {
        if (start.equals(root) && Files.isSymbolicLink(start) && Files.isDirectory(start)) {
            // A watched folder that is a link to a folder (/srv/photos -> /mnt/disk2/photos) is watched through
            // its link, so events name files under the folder as configured. A walk that does not follow links
            // would take it for a file and register nothing: the tree would look watched and never report.
            try {
                onDirectory.call(start);
            } catch (IOException e) {
                failures.cannotWatch(start, e);
            }
            try (java.nio.file.DirectoryStream<Path> children = Files.newDirectoryStream(start)) {
                for (Path child : children) {
                    walk(child, onDirectory, onFile);
                }
            } catch (IOException | java.nio.file.DirectoryIteratorException e) {
                failures.cannotWatch(start, e instanceof IOException io ? io
                        : ((java.nio.file.DirectoryIteratorException) e).getCause());
            }
            return;
        }
        walk(start, onDirectory, onFile);
    }

    private void walk(Path start, Callback onDirectory, Callback onFile) throws IOException {
        Files.walkFileTree(start, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                try {
                    onDirectory.call(dir);
                } catch (IOException e) {
                    failures.cannotWatch(dir, e);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                if (attrs.isSymbolicLink()) {
                    links.accept(file);
                }
                onFile.call(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                failures.cannotWatch(file, e);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) {
                if (e != null) {
                    failures.cannotWatch(dir, e);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
