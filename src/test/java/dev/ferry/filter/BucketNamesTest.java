package dev.ferry.filter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BucketNamesTest {
    @ParameterizedTest
    @ValueSource(strings = {"photos", "my-bucket.2026", "abc", "a1b"})
    void validNames(String name) {
        assertThat(BucketNames.problem(name)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "Photos", "my_bucket", "-abc", "abc-", "a..b", "192.168.1.1", "xn--abc",
            "abc-s3alias", "has space"})
    void invalidNamesSayWhy(String name) {
        assertThat(BucketNames.problem(name)).isPresent().get().asString().isNotBlank();
    }
}
