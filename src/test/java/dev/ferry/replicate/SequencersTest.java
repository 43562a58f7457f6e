package dev.ferry.replicate;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** S3's sequencers of one key: hex strings of different lengths, compared after right-padding with zeros. */
class SequencersTest {

    @Test
    void theShorterValueIsPaddedOnTheRight() {
        assertThat(Sequencers.compare("0055AED6DCD90281E5", "0055AED6DCD90281E6")).isNegative();
        assertThat(Sequencers.compare("0055AED6DCD90281E5", "0055AED6DCD90281E500")).isZero();
        assertThat(Sequencers.compare("0055AED6DCD90281E5", "0055AED6DCD90281E501")).isNegative();
        assertThat(Sequencers.compare("0056", "0055AED6DCD90281E5")).isPositive(); // shorter but later
        assertThat(Sequencers.compare("0055aed6dcd90281e6", "0055AED6DCD90281E5")).isPositive();
        assertThat(Sequencers.isNewer("01", "00FF")).isTrue();
        assertThat(Sequencers.isNewer("00FF", "00FF")).isFalse();
    }

    @Test
    void sortingPutsTheNewestLast() {
        List<String> seq = new ArrayList<>(List.of("0062", "005F1A", "0061FFFFFF", "005F", "006100"));

        seq.sort(Sequencers.ORDER);

        assertThat(seq).containsExactly("005F", "005F1A", "006100", "0061FFFFFF", "0062");
    }
}
