package dev.ferry.replicate;

import dev.ferry.transfer.CopyRequest;
import dev.ferry.transfer.CopyResult;

/**
 * Copies one object to one destination: server-side ({@link dev.ferry.transfer.ServerSideCopier}) when one set of
 * credentials reaches both buckets on one endpoint, else streamed ({@link dev.ferry.transfer.StreamingCopier}).
 * Throws {@link dev.ferry.core.TransferException}, classified as uploads are.
 */
@FunctionalInterface
public interface Copier {
    CopyResult copy(CopyRequest request);
}
