package dev.ferry.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md must hold the key table exactly as {@link ConfigKey} renders it. To regenerate:
 * {@code mvn -q test -Dtest=ConfigurationDocTest -Dferry.docs.write=true}.
 */
class ConfigurationDocTest {

    @Test
    void theDocumentationHoldsTheCurrentKeyTable() throws IOException {
        if (Boolean.getBoolean("ferry.docs.write")) {
            ConfigDocs.rewrite(ConfigDocs.DEFAULT_FILE);
        }
        String doc = Files.readString(ConfigDocs.DEFAULT_FILE, StandardCharsets.UTF_8);

        assertThat(doc)
                .as("%s is out of date with ConfigKey.java; regenerate it with "
                        + "'mvn -q test -Dtest=ConfigurationDocTest -Dferry.docs.write=true' "
                        + "(or run dev.ferry.config.ConfigDocs) and commit it", ConfigDocs.DEFAULT_FILE)
                .contains(ConfigDocs.generatedBlock());
    }

    @Test
    void everyKeyHasARow() {
        String table = ConfigDocs.markdownTable();

        for (ConfigKey key : ConfigKey.values()) {
            assertThat(table).contains("| `" + key.yamlName() + "`").contains(key.flag());
            key.envNames().forEach(name -> assertThat(table).contains("`" + name + "`"));
        }
        assertThat(table.lines()).hasSize(ConfigKey.values().length + 2);
    }
}
