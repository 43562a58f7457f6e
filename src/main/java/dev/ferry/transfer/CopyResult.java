package dev.ferry.transfer;

/**
 * A finished copy.
 *
 * @param sourceEtag the ETag of the source object copied (the copy was conditional on it)
 * @param etag       the copy's ETag, without quotes
 * @param bytes      the object's size
 * @param parts      1 for a single request, else the number of parts
 * @param serverSide whether the bytes stayed on the server (CopyObject, UploadPartCopy)
 */
public record CopyResult(String sourceEtag, String etag, long bytes, int parts, boolean serverSide) {
}
