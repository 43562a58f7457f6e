package dev.ferry.core;

/**
 * What survives a crash about uploads that went ahead without their durable "uploading" record (the state
 * store was down or refused writes): the next start checks in S3 (HEAD: size and mtime metadata) the files
 * such an upload may have carried, instead of uploading them again.
 */
public interface UnmarkedUploads {

    /**
     * Called before an upload starts without its durable mark, after the mark was handed to the writer.
     * True once this is remembered durably; false when it cannot be (the caller then waits for the mark).
     */
    boolean raise();

    /**
     * Whether an earlier run that ended with unrecorded uploads may have uploaded this version of a file
     * (one modified before this run started), so S3 must be asked before it is uploaded.
     */
    boolean inDoubt(long mtimeMillis);

    /** Nothing remembered: uploads wait for their marks, and no file is in doubt. */
    UnmarkedUploads NONE = new UnmarkedUploads() {
        @Override
        public boolean raise() {
            return false;
        }

        @Override
        public boolean inDoubt(long mtimeMillis) {
            return false;
        }
    };
}
