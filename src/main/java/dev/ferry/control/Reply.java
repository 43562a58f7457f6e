package dev.ferry.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * A mothership's answer, each part optional: the state to be in, a configuration to merge, AWS keys, an action.
 * {@link #toString()} never shows the keys.
 */
record Reply(Optional<String> state, Optional<ObjectNode> config, Optional<JsonNode> awsKeys, Optional<String> action) {

    /** Reads a reply; throws IllegalArgumentException (naming the field, never a value) when it is not one. */
    static Reply of(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("the reply is not a JSON object");
        }
        JsonNode state = node.get("state");
        if (state != null && !state.isNull() && !state.isTextual()) {
            throw new IllegalArgumentException("the reply's state is not a text");
        }
        JsonNode config = node.get("config");
        if (config != null && !config.isNull() && !config.isObject()) {
            throw new IllegalArgumentException("the reply's config is not an object");
        }
        JsonNode action = node.get("action");
        if (action != null && !action.isNull() && !action.isTextual()) {
            throw new IllegalArgumentException("the reply's action is not a text");
        }
        JsonNode keys = node.get("aws_keys");
        return new Reply(Optional.ofNullable(state).filter(JsonNode::isTextual).map(JsonNode::textValue),
                Optional.ofNullable(config).filter(JsonNode::isObject).map(ObjectNode.class::cast),
                Optional.ofNullable(keys).filter(k -> !k.isNull()),
                Optional.ofNullable(action).filter(JsonNode::isTextual).map(JsonNode::textValue)
                        .filter(a -> !a.isBlank()));
    }

    @Override
    public String toString() {
        return "Reply[state=" + state.orElse("-") + ", config=" + (config.isPresent() ? "yes" : "no") + ", aws_keys="
                + (awsKeys.isPresent() ? "yes" : "no") + ", action=" + action.orElse("-") + "]";
    }
}
