package dev.ferry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.source.local.LocalFileContent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The records added for reconciliation, deletes and upload options. */
class CoreRecordsTest {

    @Test
    void keyOrderIsUtf8ByteOrderNotJavaStringOrder() {
        String fullwidthA = "u/\uFF21";      // EF BC A1 in UTF-8
        String emoji = "u/\uD83D\uDE00";     // F0 9F 98 80 in UTF-8, but a surrogate (D83D) in UTF-16
        List<String> keys = new ArrayList<>(List.of(emoji, fullwidthA, "u/é", "u/a", "u/B", "u/a b", "u", "u/a/"));

        keys.sort(RemoteEntry.KEY_ORDER);

        assertThat(keys).containsExactly("u", "u/B", "u/a", "u/a b", "u/a/", "u/é", fullwidthA, emoji);
        assertThat(emoji.compareTo(fullwidthA)).as("Java's own order differs").isNegative();
        assertThat(RemoteEntry.KEY_ORDER.compare("same", "same")).isZero();
    }

    @Test
    void uploadOptionsValidateEncryption() {
        assertThat(UploadOptions.NONE.storageClass()).isEmpty();
        assertThat(new UploadOptions(Optional.empty(), Optional.of("aws:kms"), Optional.of("key-1")).kmsKeyId())
                .contains("key-1");
        assertThatThrownBy(() -> new UploadOptions(Optional.empty(), Optional.of("aes256"), Optional.empty()))
                .hasMessage("server-side encryption must be AES256 or aws:kms, got 'aes256'");
        assertThatThrownBy(() -> new UploadOptions(Optional.empty(), Optional.of("AES256"), Optional.of("key-1")))
                .hasMessage("a KMS key id needs server-side encryption aws:kms");
        assertThatThrownBy(() -> new UploadOptions(Optional.empty(), Optional.empty(), Optional.of("key-1")))
                .hasMessage("a KMS key id needs server-side encryption aws:kms");
        assertThatThrownBy(() -> new UploadOptions(Optional.of(" "), Optional.empty(), Optional.empty()))
                .hasMessage("storage class must not be blank");
    }

    @Test
    void putRequestWithoutOptionsUsesTheBucketDefaults() {
        PutRequest r = new PutRequest("b", "k", new LocalFileContent(Path.of("f")), 1, 2);

        assertThat(r.options()).isSameAs(UploadOptions.NONE);
    }

    @Test
    void refusedCredentialsAreRetryableInTheDaemon() {
        assertThat(FailureKind.CREDENTIALS_REFUSED.retryable()).isTrue();
        assertThat(FailureKind.PERMANENT.retryable()).isFalse();
    }
}
