package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.FailureKind;
import dev.ferry.core.TransferException;
import dev.ferry.core.UploadOptions;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.StorageClass;

/** Request building for the options S3Proxy does not support (SSE): the headers the SDK will send. */
class ObjectOptionsTest {
    private static final UploadOptions KMS = new UploadOptions(Optional.of("GLACIER_IR"), Optional.of("aws:kms"),
            Optional.of("arn:aws:kms:eu-west-1:111122223333:key/1234abcd"));

    @Test
    void putObjectCarriesStorageClassAndKmsEncryption() {
        PutObjectRequest r = ObjectOptions.apply(KMS, PutObjectRequest.builder().bucket("b").key("k")).build();

        assertThat(r.storageClass()).isEqualTo(StorageClass.GLACIER_IR);
        assertThat(r.serverSideEncryption()).isEqualTo(ServerSideEncryption.AWS_KMS);
        assertThat(r.ssekmsKeyId()).isEqualTo("arn:aws:kms:eu-west-1:111122223333:key/1234abcd");
    }

    @Test
    void createMultipartUploadCarriesTheSame() {
        CreateMultipartUploadRequest r = ObjectOptions.apply(KMS,
                CreateMultipartUploadRequest.builder().bucket("b").key("k")).build();

        assertThat(r.storageClass()).isEqualTo(StorageClass.GLACIER_IR);
        assertThat(r.serverSideEncryption()).isEqualTo(ServerSideEncryption.AWS_KMS);
        assertThat(r.ssekmsKeyId()).isEqualTo("arn:aws:kms:eu-west-1:111122223333:key/1234abcd");
    }

    @Test
    void sseS3WithoutKeyAndNothingForNone() {
        UploadOptions aes = new UploadOptions(Optional.empty(), Optional.of("AES256"), Optional.empty());
        PutObjectRequest r = ObjectOptions.apply(aes, PutObjectRequest.builder()).build();
        PutObjectRequest none = ObjectOptions.apply(UploadOptions.NONE, PutObjectRequest.builder()).build();

        assertThat(r.serverSideEncryption()).isEqualTo(ServerSideEncryption.AES256);
        assertThat(r.ssekmsKeyId()).isNull();
        assertThat(r.storageClass()).isNull();
        assertThat(none.serverSideEncryption()).isNull();
        assertThat(none.storageClass()).isNull();
    }

    @Test
    void checkedCanonicalisesTheStorageClassOrFailsRetryably() {
        UploadOptions lower = new UploadOptions(Optional.of("standard_ia"), Optional.empty(), Optional.empty());
        UploadOptions bogus = new UploadOptions(Optional.of("FAST"), Optional.empty(), Optional.empty());

        assertThat(ObjectOptions.checked("b/k", lower).storageClass()).contains("STANDARD_IA");
        assertThat(ObjectOptions.checked("b/k", UploadOptions.NONE)).isSameAs(UploadOptions.NONE);
        assertThatThrownBy(() -> ObjectOptions.checked("b/k", bogus))
                .isInstanceOfSatisfying(TransferException.class,
                        e -> assertThat(e.kind()).isEqualTo(FailureKind.RETRYABLE))
                .hasMessageStartingWith("b/k: unknown storage class 'FAST'");
    }
}
