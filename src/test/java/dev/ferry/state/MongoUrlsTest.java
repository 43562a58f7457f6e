package dev.ferry.state;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MongoUrlsTest {

    @Test
    void masksThePasswordAndKeepsTheRest() {
        assertThat(MongoUrls.redact("mongodb://ferry:s3cret@db1:27017,db2/imagesync?replicaSet=rs0"))
                .isEqualTo("mongodb://ferry:****@db1:27017,db2/imagesync?replicaSet=rs0");
        assertThat(MongoUrls.redact("mongodb+srv://ferry:s3cret@cluster0.example.net/imagesync"))
                .isEqualTo("mongodb+srv://ferry:****@cluster0.example.net/imagesync");
    }

    @Test
    void leavesUrlsWithoutAPasswordAlone() {
        assertThat(MongoUrls.redact("mongodb://127.0.0.1/imagesync")).isEqualTo("mongodb://127.0.0.1/imagesync");
        assertThat(MongoUrls.redact("mongodb://x509user@host/db?authMechanism=MONGODB-X509"))
                .isEqualTo("mongodb://x509user@host/db?authMechanism=MONGODB-X509");
        assertThat(MongoUrls.redact(null)).isEmpty();
    }

    @Test
    void masksMoreRatherThanLessWhenAtSignsAreNotEscaped() {
        assertThat(MongoUrls.redact("mongodb://u:p@ss@host/db")).isEqualTo("mongodb://u:****@host/db")
                .doesNotContain("ss");
        assertThat(MongoUrls.redact("mongodb://u:pw@host/db?authMechanismProperties=a@b")).doesNotContain("pw");
    }

    @Test
    void masksPasswordOptions() {
        assertThat(MongoUrls.redact("mongodb://host/db?proxyHost=p&proxyPassword=topsecret&w=1"))
                .isEqualTo("mongodb://host/db?proxyHost=p&proxyPassword=****&w=1");
    }

    @Test
    void scrubsThePasswordFromDriverText() {
        String url = "mongodb://ferry:p%40ss%2Fword@host/db";
        assertThat(MongoUrls.scrub("failed for p%40ss%2Fword and p@ss/word", url))
                .isEqualTo("failed for **** and ****");
        assertThat(MongoUrls.scrub("nothing to hide", "mongodb://host/db")).isEqualTo("nothing to hide");
        assertThat(MongoUrls.scrub(null, url)).isEmpty();
    }

    @Test
    void masksTheAwsSessionTokenOfMongodbAws() {
        String url = "mongodb://AKIDX:AwsMongoSECRET@127.0.0.1:19502/db?authSource=$external"
                + "&authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:SessionTokSECRET";
        assertThat(MongoUrls.redact(url)).isEqualTo("mongodb://AKIDX:****@127.0.0.1:19502/db?authSource=$external"
                + "&authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:****");
        assertThat(MongoUrls.redact("mongodb://h/db?authMechanismProperties=SERVICE_NAME:x,"
                + "aws_session_token%3ATok%2BSECRET,OTHER:y&w=1"))
                .isEqualTo("mongodb://h/db?authMechanismProperties=SERVICE_NAME:x,aws_session_token%3A****,OTHER:y&w=1");
        assertThat(MongoUrls.scrub("token Tok+SECRET or Tok%2BSECRET",
                "mongodb://h/db?authMechanismProperties=AWS_SESSION_TOKEN:Tok%2BSECRET"))
                .isEqualTo("token **** or ****");
    }

    @Test
    void masksUserInformationWholeWhenAnAtSignStandsForTheColon() {
        String url = "mongodb://admin@Pw9SECRET@127.0.0.1/db";
        assertThat(MongoUrls.redact(url)).isEqualTo("mongodb://****@127.0.0.1/db");
        assertThat(MongoUrls.redact("mongodb+srv://admin@Pw9SECRET@cluster.example.net/db"))
                .isEqualTo("mongodb+srv://****@cluster.example.net/db");
        assertThat(MongoUrls.scrub("bad user admin@Pw9SECRET", url)).isEqualTo("bad user ****");
        assertThat(MongoUrls.redact("mongodb://x509user@host/db")).isEqualTo("mongodb://x509user@host/db");
    }
}
