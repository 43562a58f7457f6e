package dev.ferry.core;

/**
 * What an upload stored.
 *
 * @param etag      the ETag the server returned, without quotes
 * @param md5Hex    lower-case hex MD5 of the bytes sent
 * @param bytes     number of bytes sent
 * @param multipart whether it went up as a multipart upload
 */
public record PutResult(String etag, String md5Hex, long bytes, boolean multipart) {
}
