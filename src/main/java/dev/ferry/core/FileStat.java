package dev.ferry.core;

/**
 * The version of a regular file that a record describes: size and modification time, and where the platform
 * gives them, the inode change time (ctime) and the inode number, as git's index keeps them. Size and mtime say
 * whether the file changed; a rewrite that keeps the size and puts the old mtime back ({@code cp -p},
 * {@code rsync -t}, {@code tar x}, {@code touch -d}) still moves the ctime (or the inode, when the file was
 * replaced), which only the kernel sets. Equality compares all four: two stats of one file are equal only when
 * nothing about it moved. A value alone: reading one from a local file is {@code source.local.LocalStat}'s.
 *
 * @param size        bytes
 * @param mtimeMillis modification time, ms since the epoch
 * @param ctimeNanos  inode change time, ns since the epoch (as precise as the filesystem keeps it), or
 *                    {@link #UNKNOWN} (Windows, or a record written before Ferry kept it)
 * @param inode       the inode number, or {@link #UNKNOWN}
 */
public record FileStat(long size, long mtimeMillis, long ctimeNanos, long inode) {
    /** An inode change time or inode number the platform or the record does not know. */
    public static final long UNKNOWN = Long.MIN_VALUE;

    /** A version known by size and modification time alone. */
    public FileStat(long size, long mtimeMillis) {
        this(size, mtimeMillis, UNKNOWN, UNKNOWN);
    }

    /** Same size and modification time: what Ferry has always taken for "the same version". */
    public boolean sameSizeAndMtime(FileStat other) {
        return size == other.size && mtimeMillis == other.mtimeMillis;
    }

    /**
     * True when the inode change time or the inode number differ, both stats knowing them: something happened to
     * the file (a rewrite, a replacement, a chmod, a hard link) that size and mtime may not show. Unknown on
     * either side counts as not moved, so records from before they were kept cause no work.
     */
    public boolean identityMovedFrom(FileStat other) {
        return moved(ctimeNanos, other.ctimeNanos) || moved(inode, other.inode);
    }

    /** True when this stat knows its ctime or inode. */
    public boolean knowsIdentity() {
        return ctimeNanos != UNKNOWN || inode != UNKNOWN;
    }

    private static boolean moved(long a, long b) {
        return a != UNKNOWN && b != UNKNOWN && a != b;
    }
}
