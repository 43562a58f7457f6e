package dev.ferry.source.local;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The symbolic links of a watched tree, by the real path of the file each leads to. A link's object carries its
 * target's content, but the kernel reports a change of the target under the target's name only: with this index
 * the watcher tells the links of a changed file too, so their objects follow at once rather than at the next full
 * sweep. A tree without links costs nothing: no lookup runs while the index is empty.
 *
 * <p>Targets outside the tree are indexed too, but no event reports their changes (they are not watched): those
 * links follow at the next full sweep, as documented. Thread-safe: the registration walk and the event thread may
 * both write.
 */
final class LinkIndex {
    private final Map<Path, Set<Path>> linksByTarget = new ConcurrentHashMap<>();
    private final Map<Path, Path> targetByLink = new ConcurrentHashMap<>();

    /**
     * Notes {@code path} if it is a symbolic link that leads to a file (following the whole chain); forgets an
     * earlier target of it. Anything else (a regular file, a dangling link or a loop) is not indexed.
     */
    void seen(Path path) {
        if (!Files.isSymbolicLink(path)) {
            if (!targetByLink.isEmpty()) {
                forget(path); // a link replaced by a regular file
            }
            return;
        }
        Path target;
        try {
            target = path.toRealPath();
        } catch (IOException e) {
            forget(path); // dangling, a loop, or unreadable: it leads to no file to follow
            return;
        }
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            forget(path); // a link to a folder is not followed
            return;
        }
        Path before = targetByLink.put(path, target);
        if (before != null && !before.equals(target)) {
            remove(before, path);
        }
        linksByTarget.computeIfAbsent(target, t -> ConcurrentHashMap.newKeySet()).add(path);
    }

    /** Drops {@code link} from the index (it was deleted). */
    void forget(Path link) {
        Path target = targetByLink.remove(link);
        if (target != null) {
            remove(target, link);
        }
    }

    /**
     * The links that lead to the file at {@code path} (by its real path; the links' paths as the watcher reported
     * them). Empty at no cost while no link is known; a file that is gone is looked up by its path as given.
     */
    List<Path> linksTo(Path path) {
        if (linksByTarget.isEmpty()) {
            return List.of();
        }
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            real = path.toAbsolutePath().normalize(); // deleted: its links now dangle, and are told so
        }
        Set<Path> links = linksByTarget.get(real);
        return links == null ? List.of() : List.copyOf(links);
    }

    private void remove(Path target, Path link) {
        linksByTarget.computeIfPresent(target, (t, links) -> {
            links.remove(link);
            return links.isEmpty() ? null : links;
        });
    }
}
