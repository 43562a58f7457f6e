package dev.ferry.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The parts of a copy in parts: contiguous ranges covering the object, at most 10,000 of them. */
class CopyPartPlanTest {
    private static final long MIB = 1024 * 1024;
    private static final long GIB = 1024 * MIB;

    @Test
    void rangesAreContiguousAndCoverTheObject() {
        List<CopyPartPlan.Part> parts = CopyPartPlan.parts(12 * MIB + 1, 5 * MIB);

        assertThat(parts).extracting(CopyPartPlan.Part::range).containsExactly(
                "bytes=0-5242879", "bytes=5242880-10485759", "bytes=10485760-12582912");
        assertThat(parts).extracting(CopyPartPlan.Part::number).containsExactly(1, 2, 3);
        assertThat(parts.get(2).length()).isEqualTo(2 * MIB + 1);
    }

    @Test
    void anObjectAboveFiveGibibytesFitsTenThousandParts() {
        long size = 6 * GIB;
        List<CopyPartPlan.Part> byDefault = CopyPartPlan.parts(size, 8 * MIB);
        List<CopyPartPlan.Part> huge = CopyPartPlan.parts(5L * 1024 * GIB, 8 * MIB);

        assertThat(size).isGreaterThan(CopyPartPlan.MAX_SINGLE_COPY);
        assertThat(byDefault).hasSize(768);
        assertThat(byDefault.get(767).last()).isEqualTo(size - 1);
        assertThat(huge).hasSizeLessThanOrEqualTo(MultipartUploader.MAX_PARTS);
        assertThat(huge.get(0).length()).isEqualTo(MultipartUploader.partSizeFor(5L * 1024 * GIB, 8 * MIB));
        assertThat(huge.get(huge.size() - 1).last()).isEqualTo(5L * 1024 * GIB - 1);
    }

    @Test
    void anEmptyObjectHasNoParts() {
        assertThatThrownBy(() -> CopyPartPlan.parts(0, 5 * MIB)).isInstanceOf(IllegalArgumentException.class);
    }
}
