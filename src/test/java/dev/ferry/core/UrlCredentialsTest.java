package dev.ferry.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UrlCredentialsTest {

    @Test
    void masksThePasswordOfAnyUrlAndKeepsTheUser() {
        assertThat(UrlCredentials.maskUrl("http://minio:s3cret@127.0.0.1:9000/"))
                .isEqualTo("http://minio:****@127.0.0.1:9000/");
        assertThat(UrlCredentials.maskUrl("mongodb://ferry:s3cret@db1:27017,db2/imagesync?replicaSet=rs0"))
                .isEqualTo("mongodb://ferry:****@db1:27017,db2/imagesync?replicaSet=rs0");
    }

    @Test
    void leavesUrlsWithoutAPasswordAlone() {
        assertThat(UrlCredentials.maskUrl("https://s3.example.test:9000")).isEqualTo("https://s3.example.test:9000");
        assertThat(UrlCredentials.maskUrl("http://user@host/")).isEqualTo("http://user@host/");
        assertThat(UrlCredentials.maskUrl(null)).isEmpty();
    }

    @Test
    void masksMoreRatherThanLessWhenThePasswordHoldsSlashesOrAtSigns() {
        assertThat(UrlCredentials.maskUrl("http://u:pa/ss@word@host:9000")).isEqualTo("http://u:****@host:9000");
    }

    @Test
    void masksEveryUrlInAText() {
        assertThat(UrlCredentials.mask("cannot reach http://a:one@h1/ or https://b:two@h2:443 (refused)"))
                .isEqualTo("cannot reach http://a:****@h1/ or https://b:****@h2:443 (refused)");
        assertThat(UrlCredentials.mask("no url here")).isEqualTo("no url here");
    }
}
