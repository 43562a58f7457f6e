package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MongoUrlTest {

    @Test
    void theDatabaseComesFromThePathWithSeed000sDefault() throws BadValue {
        assertThat(MongoUrl.parse("mongodb://127.0.0.1/imagesync").database()).isEqualTo("imagesync");
        assertThat(MongoUrl.parse("mongodb://127.0.0.1").database()).isEqualTo("imagesync");
        assertThat(MongoUrl.parse("mongodb://127.0.0.1/?replicaSet=rs0").database()).isEqualTo("imagesync");
        assertThat(MongoUrl.parse("mongodb+srv://cluster.example.net/fleet?retryWrites=true").database()).isEqualTo("fleet");
    }

    @Test
    void thePasswordIsRedactedEvenWhenItHoldsReservedCharacters() throws BadValue {
        MongoUrl url = MongoUrl.parse("mongodb://ferry:p@ss/w0rd@db1:27017,db2/fleet?authSource=admin");

        assertThat(url.toString()).isEqualTo("mongodb://ferry:****@db1:27017,db2/fleet?authSource=admin");
        assertThat(url.location()).isEqualTo("mongodb://db1:27017,db2/fleet");
        assertThat(url.reveal()).contains("p@ss/w0rd");
        assertThat(url.database()).isEqualTo("fleet");
    }

    @Test
    void aUrlWithoutCredentialsIsShownAsIs() throws BadValue {
        assertThat(MongoUrl.parse("mongodb://localhost:27017/db").redacted()).isEqualTo("mongodb://localhost:27017/db");
    }

    @Test
    void otherSchemesAndMissingHostsAreRejectedWithoutQuotingTheUrl() {
        assertThatThrownBy(() -> MongoUrl.parse("postgres://u:secretpw@h/db"))
                .hasMessage("must start with mongodb:// or mongodb+srv://");
        assertThatThrownBy(() -> MongoUrl.parse("mongodb://u:secretpw@/db"))
                .hasMessageNotContaining("secretpw").hasMessageContaining("host");
        assertThatThrownBy(() -> MongoUrl.parse("mongodb://h/bad.name")).hasMessageContaining("bad.name");
    }
}
