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
        MongoUrl url = MongoUrl.parse("mongodb://ferry:p%40ss%2Fw0rd@db1:27017,db2/fleet?authSource=admin");

        assertThat(url.toString()).isEqualTo("mongodb://ferry:****@db1:27017,db2/fleet?authSource=admin");
        assertThat(url.location()).isEqualTo("mongodb://db1:27017,db2/fleet");
        assertThat(url.reveal()).contains("p%40ss%2Fw0rd");
        assertThat(url.database()).isEqualTo("fleet");
    }

    @Test
    void whatTheDriverRefusesIsRefusedWithItsReasonAndNoSecret() {
        assertThatThrownBy(() -> MongoUrl.parse("mongodb://u:PortSECRET@host:99999/db"))
                .isInstanceOf(BadValue.class).hasMessageContaining("port must be an integer")
                .hasMessageNotContaining("SECRET");
        assertThatThrownBy(() -> MongoUrl.parse("mongodb://u:MechSECRET@host/db?authMechanism=BOGUS"))
                .hasMessageContaining("Unsupported authMechanism: BOGUS").hasMessageNotContaining("SECRET");
        assertThatThrownBy(() -> MongoUrl.parse("mongodb://ferry:p@ssSECRET@db1/fleet"))
                .hasMessageContaining("urlencoded").hasMessageNotContaining("SECRET");
        assertThatThrownBy(() -> MongoUrl.parse("mongodb://admin@Pw9SECRET@127.0.0.1/db"))
                .hasMessageContaining("invalid user information").hasMessageNotContaining("SECRET");
        assertThatThrownBy(() -> MongoUrl.parse("mongodb://u:p%zzSECRET@h/db"))
                .hasMessageContaining("%25").hasMessageNotContaining("zz");
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
