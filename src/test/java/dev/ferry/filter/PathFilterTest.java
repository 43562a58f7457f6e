package dev.ferry.filter;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PathFilterTest {
    @Test
    void seed002RegexesMatchTheRelativePathAnywhere() {
        PathFilter f = new PathFilter(List.of(".[Dd][Ss]_[Ss]tore", "[Tt]humbs.db"), List.of());
        assertThat(f.refusal("photos/.DS_Store")).isNotNull();
        assertThat(f.refusal("Thumbs.db")).isNotNull();
        assertThat(f.refusal("photos/a.jpg")).isNull();
    }

    @Test
    void globsAndInclusions() {
        PathFilter f = new PathFilter(List.of("glob:**.tmp"), List.of("glob:**.jpg", "regex:^raw/"));
        assertThat(f.refusal("a/b.tmp")).isEqualTo("matches an exclusion: glob:**.tmp");
        assertThat(f.refusal("a/b.jpg")).isNull();
        assertThat(f.refusal("raw/x.cr2")).isNull();
        assertThat(f.refusal("a/notes.txt")).contains("no inclusion");
    }

    @Test
    void anExclusionCannotMatchAParentOfTheSite() {
        // seed 002 matched the absolute path, so "logs" excluded everything under /var/logs/site
        PathFilter f = new PathFilter(List.of("^logs/"), List.of());
        assertThat(f.refusal("app/today.txt")).isNull();
        assertThat(f.refusal("logs/today.txt")).isNotNull();
    }
}
