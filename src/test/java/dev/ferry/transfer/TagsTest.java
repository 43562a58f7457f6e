package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The x-amz-tagging header a copy sends: the source's tags as a URL query string. */
class TagsTest {

    @Test
    void tagsBecomeAnEncodedQueryStringAndNoTagsNoHeader() {
        Map<String, String> tags = new LinkedHashMap<>();
        tags.put("team", "blue");
        tags.put("kind", "a b&c=d");

        assertThat(Tags.header(tags)).contains("team=blue&kind=a%20b%26c%3Dd");
        assertThat(Tags.header(Map.of())).isEmpty();
    }
}
