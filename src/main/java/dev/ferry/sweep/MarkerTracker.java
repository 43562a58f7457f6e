package dev.ferry.sweep;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Follows the folders of a walk in key order and decides, when a folder is finished, whether its sync
 * marker is due (seed 004): the folder and all its subfolders are complete, and the marker is missing or
 * older than the newest file under the folder. Only a folder that exists locally gets one: one that holds a local
 * entry, or a folder that does (the root always): a folder whose objects are all that is left of it (renamed or
 * moved away) is not marked as synced. Folders are '/'-terminated relative paths; the root is "".
 */
final class MarkerTracker {
    private static final class Folder {
        final String relative;
        boolean complete = true;
        boolean local;
        long newestMillis;
        Instant markerAt;

        Folder(String relative) {
            this.relative = relative;
        }
    }

    private final Deque<Folder> stack = new ArrayDeque<>();
    private final BiConsumer<String, Boolean> onFinished;

    /** @param due called with a finished complete folder and whether its marker is due */
    MarkerTracker(BiConsumer<String, Boolean> due) {
        this.onFinished = due;
        Folder root = new Folder("");
        root.local = true; // swept only while it exists
        stack.push(root);
    }

    /** The next key lies in {@code folder} ('/'-terminated, "" for the root): finish the folders left behind. */
    void enter(String folder) {
        while (!folder.startsWith(stack.peek().relative)) {
            finish(stack.pop());
        }
        String top = stack.peek().relative;
        int from = top.length();
        while (from < folder.length()) {
            int slash = folder.indexOf('/', from);
            stack.push(new Folder(folder.substring(0, slash + 1)));
            from = slash + 1;
        }
    }

    /** The current folder holds a local entry (a file, verified or not, excluded or a marker): it exists locally. */
    void local() {
        stack.peek().local = true;
    }

    /** A local file under the current folder, verified in S3 or not. */
    void file(long mtimeMillis, boolean verified) {
        Folder f = stack.peek();
        f.local = true;
        f.newestMillis = Math.max(f.newestMillis, mtimeMillis);
        if (!verified) {
            f.complete = false;
        }
    }

    /** The current folder's marker object exists, written at {@code at}. */
    void markerSeen(Instant at) {
        stack.peek().markerAt = at;
    }

    /** Finishes every folder still open (end of the walk). */
    void close() {
        while (!stack.isEmpty()) {
            finish(stack.pop());
        }
    }

    private void finish(Folder f) {
        Folder parent = stack.peek();
        if (parent != null) {
            parent.complete &= f.complete;
            parent.local |= f.local;
            parent.newestMillis = Math.max(parent.newestMillis, f.newestMillis);
        }
        if (f.complete && f.local) {
            boolean due = Optional.ofNullable(f.markerAt).map(at -> at.toEpochMilli() < f.newestMillis).orElse(true);
            onFinished.accept(f.relative, due);
        }
    }

    /** The folder part of a relative key: "a/b/c.txt" -> "a/b/", "c.txt" -> "". */
    static String folderOf(String relative) {
        int slash = relative.lastIndexOf('/');
        return slash < 0 ? "" : relative.substring(0, slash + 1);
    }
}
