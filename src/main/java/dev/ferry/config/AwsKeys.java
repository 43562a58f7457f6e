package dev.ferry.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * AWS keys as seed 003's keys file and its mothership's {@code aws_keys} hold them: {@code accessKeyId},
 * {@code secretAccessKey}, optional {@code sessionToken} and {@code region}. Secrets are {@link Secret}s, so
 * neither {@link #toString()} nor any message here shows them.
 */
public record AwsKeys(String accessKeyId, Secret secretAccessKey, Optional<Secret> sessionToken,
        Optional<String> region) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public AwsKeys {
        Objects.requireNonNull(accessKeyId, "accessKeyId");
        Objects.requireNonNull(secretAccessKey, "secretAccessKey");
        Objects.requireNonNull(sessionToken, "sessionToken");
        Objects.requireNonNull(region, "region");
    }

    /** Reads the keys from a JSON object; the message of the exception names the field, never a value. */
    public static AwsKeys of(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("must be an object with accessKeyId and secretAccessKey");
        }
        String id = text(node, "accessKeyId", "\\S+").orElseThrow(() -> new IllegalArgumentException(
                "accessKeyId is missing or not a text without spaces"));
        String secret = text(node, "secretAccessKey", "\\S+").orElseThrow(() -> new IllegalArgumentException(
                "secretAccessKey is missing or not a text without spaces"));
        Optional<String> region = text(node, "region", "[a-z0-9][a-z0-9-]*");
        if (node.hasNonNull("region") && region.isEmpty()) {
            throw new IllegalArgumentException("region must be a region name such as eu-west-1");
        }
        return new AwsKeys(id, new Secret(secret), text(node, "sessionToken", "\\S+").map(Secret::new), region);
    }

    /** The keys file, or empty when there is none; throws IllegalArgumentException naming what is wrong. */
    public static Optional<AwsKeys> read(Path file) {
        try {
            return Optional.of(of(JSON.readTree(Files.readAllBytes(file))));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            // Jackson's message may quote the file's text: the exception's class only
            throw new IllegalArgumentException("cannot be read as JSON (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** The JSON of the keys file, with the real secrets: only for writing that file. */
    public byte[] toFileJson() {
        ObjectNode o = JSON.createObjectNode();
        o.put("accessKeyId", accessKeyId);
        o.put("secretAccessKey", secretAccessKey.reveal());
        sessionToken.ifPresent(t -> o.put("sessionToken", t.reveal()));
        region.ifPresent(r -> o.put("region", r));
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(o);
        } catch (IOException e) {
            throw new IllegalStateException("four text fields cannot fail to serialize");
        }
    }

    private static Optional<String> text(JsonNode node, String field, String regex) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() && v.textValue().matches(regex) ? Optional.of(v.textValue()) : Optional.empty();
    }

    @Override
    public String toString() {
        return "AwsKeys[accessKeyId=" + Secret.MASK + ", secretAccessKey=" + Secret.MASK
                + sessionToken.map(t -> ", sessionToken=" + Secret.MASK).orElse("") + region.map(r -> ", region=" + r)
                .orElse("") + "]";
    }
}
