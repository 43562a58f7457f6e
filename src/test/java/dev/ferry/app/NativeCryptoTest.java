package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.ferry.core.Checksums;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class NativeCryptoTest {

    @Test
    void comesFirstOnLinuxX8664AndGivesTheDigestsOfTheRfcs() throws Exception {
        assumeThat(System.getProperty("os.name") + "/" + System.getProperty("os.arch")).isEqualTo("Linux/amd64");
        NativeCrypto.Status status = NativeCrypto.install();

        assertThat(status.installed()).as(status.description()).isTrue();
        assertThat(NativeCrypto.install()).isSameAs(status);
        String provider = "AmazonCorrettoCryptoProvider";
        MessageDigest md5 = Checksums.newMd5();
        assertThat(md5.getProvider().getName()).isEqualTo(provider);
        // RFC 1321, RFC 6234 and RFC 4231 (test case 2) vectors
        assertThat(HexFormat.of().formatHex(md5.digest("abc".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("900150983cd24fb0d6963f7d28e17f72");
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        assertThat(sha256.getProvider().getName()).isEqualTo(provider);
        assertThat(HexFormat.of().formatHex(sha256.digest("abc".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        Mac hmac = Mac.getInstance("HmacSHA256");
        hmac.init(new SecretKeySpec("Jefe".getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        assertThat(hmac.getProvider().getName()).isEqualTo(provider);
        assertThat(HexFormat.of().formatHex(hmac.doFinal("what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        assertThat(Cipher.getInstance("AES/GCM/NoPadding").getProvider().getName()).isEqualTo(provider);
    }
}
