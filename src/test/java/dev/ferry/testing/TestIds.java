package dev.ferry.testing;

import dev.ferry.core.InstanceId;
import dev.ferry.core.RecordId;

/** The instance id unit tests write records under, and record ids of this instance's local files. */
public final class TestIds {
    /** The source of the records of the tests' local files. */
    public static final String SOURCE = "test-host";
    public static final InstanceId INSTANCE = new InstanceId(SOURCE);

    private TestIds() {
    }

    /** The record id of a local file of the test instance going to {@code bucket}. */
    public static RecordId id(String path, String bucket) {
        return new RecordId(SOURCE, path, bucket);
    }
}
