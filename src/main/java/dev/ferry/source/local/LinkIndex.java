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
 * The symbolic links of a watched tree, by the real path of the file each leads to, and its hard links (names of
 * one file: a file key, device and inode, with more than one link). A link's object carries its target's content,
 * and every name of a hard-linked file is that file, but the kernel reports a change under the name it was made
 * through only: with this index the watcher tells the other names of a changed file too, so their objects follow
 * at once rather than at the next full sweep. A tree without links costs nothing: no lookup runs while the index
 * is empty.
 *
 * <p>A hard link is indexed when an event reports one of its names (creating a second name reports it); names
 * linked while Ferry was stopped are indexed once one of them changes, and until then the others follow at the
 * next full sweep.
 *
 * <p>Targets outside the tree are indexed too, but no event reports their changes (they are not watched): those
 * links follow at the next full sweep, as documented. Thread-safe: the registration walk and the event thread may
 * both write.
 */
final class LinkIndex {
    private final Map<Path, Set<Path>> linksByTarget = new ConcurrentHashMap<>();
    private final Map<Path, Path> targetByLink = new ConcurrentHashMap<>();
    private final Map<Object, Set<Path>> namesByFile = new ConcurrentHashMap<>();
    private final Map<Path, Object> fileByName = new ConcurrentHashMap<>();

    /**
     * Notes {@code path} if it is a symbolic link that leads to a file (following the whole chain); forgets an
     * earlier target of it. Anything else (a regular file, a dangling link or a loop) is not indexed.
     */
    void seen(Path path) {
        if (!Files.isSymbolicLink(path)) {
            if (!targetByLink.isEmpty()) {
                forgetLink(path); // a link replaced by a regular file
            }
            hardLinked(path);
            return;
        }
        forgetName(path);
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

    /** Drops {@code path} from the index (it was deleted). */
    void forget(Path path) {
        forgetLink(path);
        forgetName(path);
    }

    private void forgetLink(Path link) {
        Path target = targetByLink.remove(link);
        if (target != null) {
            remove(target, link);
        }
    }

    /** Indexes a regular file with more than one name under its file key; forgets a name that has no other. */
    private void hardLinked(Path path) {
        Map<String, Object> a;
        try {
            a = Files.readAttributes(path, "unix:nlink,dev,ino", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            forgetName(path); // gone, unreadable, or no unix view (Windows): nothing to follow
            return;
        }
        if (!(a.get("nlink") instanceof Integer links) || links < 2) {
            forgetName(path);
            return;
        }
        Object file = a.get("dev") + ":" + a.get("ino");
        Object before = fileByName.put(path, file);
        if (before != null && !before.equals(file)) {
            removeName(before, path);
        }
        namesByFile.computeIfAbsent(file, f -> ConcurrentHashMap.newKeySet()).add(path);
    }

    private void forgetName(Path path) {
        Object file = fileByName.remove(path);
        if (file != null) {
            removeName(file, path);
        }
    }

    private void removeName(Object file, Path name) {
        namesByFile.computeIfPresent(file, (f, names) -> {
            names.remove(name);
            return names.isEmpty() ? null : names;
        });
    }

    /** The other names of the file at {@code path}, by its file key now (as last indexed, when it is gone). */
    private List<Path> otherNames(Path path) {
        if (namesByFile.isEmpty()) {
            return List.of();
        }
        Object file;
        try {
            Map<String, Object> a = Files.readAttributes(path, "unix:dev,ino", LinkOption.NOFOLLOW_LINKS);
            file = a.get("dev") + ":" + a.get("ino");
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            file = fileByName.get(path);
        }
        Set<Path> names = file == null ? null : namesByFile.get(file);
        return names == null ? List.of() : names.stream().filter(n -> !n.equals(path)).toList();
    }

    /**
     * The other names of the file at {@code path}: the symbolic links that lead to it (by its real path; the
     * links' paths as the watcher reported them) and its other hard-linked names. Empty at no cost while no link is known; a file that is gone is looked up by its path as given.
     */
    List<Path> linksTo(Path path) {
        List<Path> names = otherNames(path);
        if (linksByTarget.isEmpty()) {
            return names;
        }
        Path real;
        try {
            real = path.toRealPath();
        } catch (IOException e) {
            real = path.toAbsolutePath().normalize(); // deleted: its links now dangle, and are told so
        }
        Set<Path> links = linksByTarget.get(real);
        if (links == null) {
            return names;
        }
        List<Path> all = new java.util.ArrayList<>(names);
        all.addAll(links);
        return List.copyOf(all);
    }

    private void remove(Path target, Path link) {
        linksByTarget.computeIfPresent(target, (t, links) -> {
            links.remove(link);
            return links.isEmpty() ? null : links;
        });
    }
}
