package dev.ferry.config;

import dev.ferry.core.KeyRewrite;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * One site: a local folder carried to one bucket and prefix (seed 002's "site"), with its own S3
 * connection, storage class, encryption, filters, reconciliation mode, deletion policy and markers.
 * Values not set on the site come from the global keys. Immutable and validated.
 *
 * @param name             short name for logs and /status (default: bucket, or bucket/prefix)
 * @param localPath        the folder synced (exists)
 * @param bucket           destination bucket
 * @param prefix           key prefix: "" or ending in "/", or any text given as output_key_prefix
 * @param region           region (site bucket_region, else global aws_region)
 * @param endpoint         S3-compatible endpoint (site, else global)
 * @param pathStyle        path-style addressing
 * @param accessKey        static access key id (site, else global); empty for the SDK's default chain
 * @param secretAccessKey  static secret key, present exactly when accessKey is
 * @param sdkChecksums     send the SDK's default checksums (false: only when required, for stores that reject them)
 * @param storageClass     storage class of uploaded objects
 * @param sse              server-side encryption: AES256 or aws:kms
 * @param kmsKeyId         KMS key id with aws:kms
 * @param retireDeleted    delete from S3 what was deleted locally (inside the site's prefix only)
 * @param maxDelete        a sweep that would delete more objects than this stops and reports instead
 * @param maxDeletePercent ... or more than this share of the site's objects
 * @param exclusions       patterns of relative paths never uploaded (regex by default, "glob:" for globs)
 * @param inclusions       when not empty, only relative paths matching one of these are uploaded
 * @param pollInterval     poll at this interval instead of native watching (network file systems)
 * @param reconcile        how the site is compared with S3 at start-up and on each full sync
 * @param markers          write sync marker objects for complete folders (seed 004)
 * @param markerFile       the marker's file name
 * @param localMarkers     also write the marker file into the local folder
 * @param removePrefix     cut from the start of each file's path (pathPrefix + its path relative to localPath)
 *                         before {@code prefix} is put in front (seed 003's input_remove_prefix); "" for none
 * @param pathPrefix       how a seed 003 policy's pattern spells localPath ("data/" for "data/**"), so its
 *                         input_remove_prefix applies to the path it wrote; "" for sites
 * @param rewrite          regex rewrites of each key (seed 003's customizers as data); {@link KeyRewrite#NONE}
 * @param delayUpload      a file is uploaded only once its mtime is at least this old (seed 003's delay_upload)
 * @param forceUpload      upload each file a sweep finds even when its record says it is uploaded (seed 003's
 *                         force_upload)
 * @param deleteAfterUpload delete each local file once its upload is verified and recorded (seed 003's
 *                         delete_after_upload; the daemon only)
 * @param moveAfterUpload  move each local file under this folder (absolute, outside localPath) once its upload is
 *                         verified and recorded (seed 003's move_after_upload; the daemon only)
 */
public record SiteConfig(
        String name,
        Path localPath,
        String bucket,
        String prefix,
        Optional<String> region,
        Optional<URI> endpoint,
        boolean pathStyle,
        Optional<String> accessKey,
        Optional<Secret> secretAccessKey,
        boolean sdkChecksums,
        String storageClass,
        Optional<String> sse,
        Optional<String> kmsKeyId,
        boolean retireDeleted,
        int maxDelete,
        int maxDeletePercent,
        List<String> exclusions,
        List<String> inclusions,
        Optional<Duration> pollInterval,
        ReconcileMode reconcile,
        boolean markers,
        String markerFile,
        boolean localMarkers,
        String removePrefix,
        String pathPrefix,
        KeyRewrite rewrite,
        Duration delayUpload,
        boolean forceUpload,
        boolean deleteAfterUpload,
        Optional<Path> moveAfterUpload) {

    public SiteConfig {
        exclusions = List.copyOf(exclusions);
        inclusions = List.copyOf(inclusions);
    }

    /** How a site is compared with its destination. */
    public enum ReconcileMode {
        /** Trust the state store: no S3 request for files it knows unchanged. */
        STATE("state"),
        /** List the prefix; size and modification time decide. */
        SIZE_MTIME("size-mtime"),
        /** List the prefix; the size alone decides (rclone's --size-only). */
        SIZE_ONLY("size-only"),
        /** Compare content: MD5 against the ETag or Ferry's checksum metadata. */
        CHECKSUM("checksum");

        private final String text;

        ReconcileMode(String text) {
            this.text = text;
        }

        public String text() {
            return text;
        }

        static Optional<ReconcileMode> of(String text) {
            for (ReconcileMode m : values()) {
                if (m.text.equalsIgnoreCase(text.strip())) {
                    return Optional.of(m);
                }
            }
            return Optional.empty();
        }
    }

    /** Whether the site deletes or moves its local files after their uploads. */
    public boolean releasesFiles() {
        return deleteAfterUpload || moveAfterUpload.isPresent();
    }

    /** This site with its paths spelled from {@code pathPrefix} (a seed 003 policy's fixed folders). */
    SiteConfig withPathPrefix(String pathPrefix) {
        return new SiteConfig(name, localPath, bucket, prefix, region, endpoint, pathStyle, accessKey, secretAccessKey,
                sdkChecksums, storageClass, sse, kmsKeyId, retireDeleted, maxDelete, maxDeletePercent, exclusions,
                inclusions, pollInterval, reconcile, markers, markerFile, localMarkers, removePrefix, pathPrefix,
                rewrite, delayUpload, forceUpload, deleteAfterUpload, moveAfterUpload);
    }

    @Override
    public String toString() {
        return "SiteConfig[" + name + ": " + localPath + " -> s3://" + bucket + "/" + prefix
                + (removePrefix.isEmpty() ? "" : " (" + pathPrefix + "... without leading " + removePrefix + ")") + "]";
    }
}
