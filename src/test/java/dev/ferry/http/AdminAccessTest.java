package dev.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.AdminOperations;
import dev.ferry.core.FileStatus;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdminAccessTest {
    private static final String TOKEN = "s3cret-admin-token-0123";
    private static final AdminOperations NOTHING = new AdminOperations() {
        @Override
        public void wakeup() {
        }

        @Override
        public int retryFailed(Optional<String> path) {
            return 0;
        }

        @Override
        public void pause() {
        }

        @Override
        public Optional<String> resume() {
            return Optional.empty();
        }

        @Override
        public FilePage listFiles(FileStatus status, int offset, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String setLogLevel(String level) {
            return "info";
        }

        @Override
        public dev.ferry.core.FleetView fleet() {
            throw new UnsupportedOperationException();
        }
    };

    @Test
    void acceptsOnlyTheBearerTokenItself() {
        AdminAccess access = AdminAccess.withToken(NOTHING, TOKEN);

        assertThat(access.enabled()).isTrue();
        assertThat(access.accepts("Bearer " + TOKEN)).isTrue();
        assertThat(access.accepts("bearer " + TOKEN)).as("the scheme is case-insensitive").isTrue();
        assertThat(access.accepts("Bearer " + TOKEN + "x")).isFalse();
        assertThat(access.accepts("Bearer " + TOKEN.substring(1))).isFalse();
        assertThat(access.accepts("Bearer " + TOKEN.toUpperCase())).isFalse();
        assertThat(access.accepts("Basic " + TOKEN)).isFalse();
        assertThat(access.accepts(TOKEN)).isFalse();
        assertThat(access.accepts("Bearer ")).isFalse();
        assertThat(access.accepts(null)).isFalse();
    }

    @Test
    void offAcceptsNothingAndNeitherShowsTheToken() {
        assertThat(AdminAccess.off().enabled()).isFalse();
        assertThat(AdminAccess.off().accepts("Bearer anything")).isFalse();
        assertThat(AdminAccess.withToken(NOTHING, TOKEN).toString()).doesNotContain(TOKEN).contains("****");
        assertThatThrownBy(() -> AdminAccess.withToken(NOTHING, " ")).isInstanceOf(IllegalArgumentException.class);
    }
}
