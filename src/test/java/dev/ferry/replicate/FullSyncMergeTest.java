package dev.ferry.replicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.core.RemoteEntry;
import dev.ferry.core.RemoteObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The full sync's decisions from two key-ordered listings: remap, copy, delete, same. */
class FullSyncMergeTest {
    private static final String MD5_A = "0cc175b9c0f1b6a831c399e269772661";
    private static final String MD5_B = "92eb5ffee6ae2fec3ad71c777531578f";
    private static final String MULTI_1 = "e9f1c2a4b0b6a3d3e2f3b4c5d6e7f809-3";
    private static final String MULTI_2 = "aa11c2a4b0b6a3d3e2f3b4c5d6e7f809-3";

    private final Map<String, RemoteObject> heads = new HashMap<>();
    private final List<String> asked = new ArrayList<>();

    private static RemoteEntry e(String key, long size, String etag) {
        return new RemoteEntry(key, size, etag, Instant.EPOCH, "STANDARD");
    }

    private List<SyncDecision> merge(List<RemoteEntry> src, List<RemoteEntry> dst, boolean delete) {
        List<SyncDecision> out = new ArrayList<>();
        new FullSyncMerge(src.iterator(), dst.iterator(), "srcfolder/", "destfolder/", delete, key -> {
            asked.add(key);
            return Optional.ofNullable(heads.get(key));
        }).forEachRemaining(out::add);
        return out;
    }

    private void copyOnDestination(String key, long size, String etag, Map<String, String> meta) {
        heads.put(key, new RemoteObject("dst", key, size, etag, Optional.empty(), Optional.empty(), "STANDARD", meta));
    }

    @Test
    void aListingOutOfKeyOrderIsNoticedAndAKeyReadingAsMissingAfterThatIsLookedUp() {
        String smile = "srcfolder/u-\uD83D\uDE00"; // after U+FF01 in S3's order, before it in UTF-16's
        String bang = "srcfolder/u-\uFF01";
        copyOnDestination("destfolder/u-\uFF01", 1, MD5_A, Map.of());
        List<RemoteEntry> src = List.of(e(smile, 1, MD5_A), e(bang, 1, MD5_A)); // as a UTF-16-ordered server lists
        FullSyncMerge merge = new FullSyncMerge(src.iterator(), List.of(e("destfolder/u-\uFF01", 1, MD5_A)).iterator(),
                "srcfolder/", "destfolder/", true, key -> {
                    asked.add(key);
                    return Optional.ofNullable(heads.get(key));
                });
        List<SyncDecision> d = new ArrayList<>();
        merge.forEachRemaining(d::add);

        assertThat(merge.outOfOrder()).isTrue();
        assertThat(merge.disorder()).hasValueSatisfying(s -> assertThat(s).startsWith("source listing: " + bang));
        assertThat(d).contains(new SyncDecision.Same(e(bang, 1, MD5_A), "destfolder/u-\uFF01"))
                .doesNotContain(new SyncDecision.Copy(e(bang, 1, MD5_A), "destfolder/u-\uFF01",
                        SyncDecision.Reason.MISSING));
        assertThat(asked).containsExactly("destfolder/u-\uFF01");
    }

    @Test
    void aSourceWrittenAfterItsCopyWithTheSameContentIsCopiedAgainButNotInTheSecondOfTheCopy() {
        RemoteEntry source = new RemoteEntry("srcfolder/k", 1, MD5_A, Instant.ofEpochSecond(100), "STANDARD");
        RemoteEntry before = new RemoteEntry("destfolder/k", 1, MD5_A, Instant.ofEpochSecond(99, 900_000_000),
                "STANDARD");
        RemoteEntry sameSecond = new RemoteEntry("destfolder/k", 1, MD5_A, Instant.ofEpochSecond(100, 500_000_000),
                "STANDARD");
        RemoteEntry after = new RemoteEntry("destfolder/k", 1, MD5_A, Instant.ofEpochSecond(160), "STANDARD");

        assertThat(merge(List.of(source), List.of(before), false))
                .containsExactly(new SyncDecision.Copy(source, "destfolder/k", SyncDecision.Reason.MODIFIED));
        assertThat(merge(List.of(source), List.of(sameSecond), false))
                .containsExactly(new SyncDecision.Same(source, "destfolder/k"));
        assertThat(merge(List.of(source), List.of(after), false))
                .containsExactly(new SyncDecision.Same(source, "destfolder/k"));
    }

    /** The source's date a copy records decides: the copy's own date is another server's clock. */
    @Test
    void aCopyThatRecordsTheSourcesDateIsJudgedByItNotByItsOwnDate() {
        RemoteEntry source = new RemoteEntry("srcfolder/k", 1, MD5_A, Instant.ofEpochSecond(100), "STANDARD");
        RemoteEntry behind = new RemoteEntry("destfolder/k", 1, MD5_A, Instant.ofEpochSecond(40), "STANDARD");
        copyOnDestination("destfolder/k", 1, MD5_A, CopyMetadata.forCopyOf(MD5_A, Optional.empty(),
                Optional.of(Instant.ofEpochSecond(100, 700_000_000))));
        assertThat(merge(List.of(source), List.of(behind), false))
                .containsExactly(new SyncDecision.Same(source, "destfolder/k"));

        copyOnDestination("destfolder/k", 1, MD5_A, CopyMetadata.forCopyOf(MD5_A, Optional.empty(),
                Optional.of(Instant.ofEpochSecond(90))));
        assertThat(merge(List.of(source), List.of(behind), false))
                .containsExactly(new SyncDecision.Copy(source, "destfolder/k", SyncDecision.Reason.MODIFIED));
        assertThat(asked).containsExactly("destfolder/k", "destfolder/k");

        RemoteEntry after = new RemoteEntry("destfolder/k", 1, MD5_A, Instant.ofEpochSecond(160), "STANDARD");
        assertThat(merge(List.of(source), List.of(after), false))
                .containsExactly(new SyncDecision.Same(source, "destfolder/k"));
        assertThat(asked).as("no HEAD when the dates show nothing newer").hasSize(2);
    }

    @Test
    void listingsInKeyOrderAreNotOutOfOrder() {
        FullSyncMerge merge = new FullSyncMerge(List.of(e("srcfolder/a", 1, MD5_A), e("srcfolder/b", 1, MD5_A))
                .iterator(), List.of(e("destfolder/a", 1, MD5_A)).iterator(), "srcfolder/", "destfolder/", true,
                key -> Optional.empty());
        merge.forEachRemaining(x -> { });
        assertThat(merge.outOfOrder()).isFalse();
    }

    @Test
    void missingSizeAndContentDifferencesAreCopiedWithThePrefixRemapped() {
        List<SyncDecision> d = merge(List.of(e("srcfolder/a", 1, MD5_A), e("srcfolder/b", 1, MD5_A),
                e("srcfolder/c", 2, MD5_A), e("srcfolder/sub/d", 1, MD5_A)),
                List.of(e("destfolder/b", 1, MD5_B), e("destfolder/c", 3, MD5_A), e("destfolder/sub/d", 1, MD5_A)), false);

        assertThat(d).containsExactly(
                new SyncDecision.Copy(e("srcfolder/a", 1, MD5_A), "destfolder/a", SyncDecision.Reason.MISSING),
                new SyncDecision.Copy(e("srcfolder/b", 1, MD5_A), "destfolder/b", SyncDecision.Reason.CONTENT),
                new SyncDecision.Copy(e("srcfolder/c", 2, MD5_A), "destfolder/c", SyncDecision.Reason.SIZE),
                new SyncDecision.Same(e("srcfolder/sub/d", 1, MD5_A), "destfolder/sub/d"));
        assertThat(asked).as("equal plain MD5s need no HEAD; differing ones ask the copy's metadata")
                .containsExactly("destfolder/b");
    }

    @Test
    void aCopyWhoseETagIsNoMd5IsSameThroughFerrysMetadata() {
        // a destination encrypting with KMS: its copy's ETag looks like an MD5 and is not the content's
        copyOnDestination("destfolder/kms", 1, MD5_B, CopyMetadata.forCopyOf(MD5_A, Optional.empty()));
        copyOnDestination("destfolder/changed", 1, MD5_B, CopyMetadata.forCopyOf(MD5_B, Optional.empty()));

        List<SyncDecision> d = merge(List.of(e("srcfolder/changed", 1, MD5_A), e("srcfolder/kms", 1, MD5_A)),
                List.of(e("destfolder/changed", 1, MD5_B), e("destfolder/kms", 1, MD5_B)), false);

        assertThat(d).extracting(x -> x.getClass().getSimpleName() + " " + x.destinationKey())
                .as("copied once, never again at each full sync").containsExactly("Copy destfolder/changed",
                        "Same destfolder/kms");
    }

    @Test
    void anUnchangedMultipartObjectIsSameThroughFerrysMetadataAndARewriteIsCopied() {
        copyOnDestination("destfolder/big", 100, MULTI_2, CopyMetadata.forCopyOf(MULTI_1, Optional.empty()));
        copyOnDestination("destfolder/rewritten", 100, MULTI_2, CopyMetadata.forCopyOf(MULTI_1, Optional.empty()));
        copyOnDestination("destfolder/foreign", 100, MULTI_1, Map.of());

        List<SyncDecision> d = merge(List.of(e("srcfolder/big", 100, MULTI_1), e("srcfolder/foreign", 100, MULTI_1),
                e("srcfolder/rewritten", 100, "bb22c2a4b0b6a3d3e2f3b4c5d6e7f809-3")),
                List.of(e("destfolder/big", 100, MULTI_2), e("destfolder/foreign", 100, MULTI_1),
                        e("destfolder/rewritten", 100, MULTI_2)), false);

        assertThat(d).extracting(x -> x.getClass().getSimpleName() + " " + x.destinationKey()).containsExactly(
                "Same destfolder/big", "Copy destfolder/foreign", "Copy destfolder/rewritten");
        assertThat(asked).containsExactly("destfolder/big", "destfolder/foreign", "destfolder/rewritten");
    }

    @Test
    void aPlainSourceAgainstAMultipartCopyUsesTheRecordedOrRcloneMd5() {
        copyOnDestination("destfolder/x", 10, MULTI_1, CopyMetadata.forCopyOf(MD5_A, Optional.empty()));
        heads.put("destfolder/y", new RemoteObject("dst", "destfolder/y", 10, MULTI_1, Optional.empty(),
                Optional.of(MD5_A), "STANDARD", Map.of("md5chksum", "DMF1ucDxtqgxw5niaXcmYQ==")));

        List<SyncDecision> d = merge(List.of(e("srcfolder/x", 10, MD5_A), e("srcfolder/y", 10, MD5_A),
                e("srcfolder/z", 10, MD5_A)), List.of(e("destfolder/x", 10, MULTI_1), e("destfolder/y", 10, MULTI_1),
                e("destfolder/z", 10, MULTI_1)), false);

        assertThat(d).extracting(x -> x.getClass().getSimpleName()).containsExactly("Same", "Same", "Copy");
    }

    @Test
    void destinationOnlyKeysAreDeletedOnlyWithDeleteAndNeverOutsideThePrefix() {
        List<RemoteEntry> src = List.of(e("srcfolder/keep", 1, MD5_A));
        List<RemoteEntry> dst = List.of(e("destfolder/extra", 1, MD5_A), e("destfolder/keep", 1, MD5_A),
                e("other/stray", 1, MD5_A), e("destfolder/zz", 1, MD5_A));

        assertThat(merge(src, dst, false)).containsExactly(new SyncDecision.Same(e("srcfolder/keep", 1, MD5_A), "destfolder/keep"));
        assertThat(merge(src, dst, true)).extracting(x -> x.getClass().getSimpleName() + " " + x.destinationKey())
                .containsExactly("Delete destfolder/extra", "Same destfolder/keep", "Delete destfolder/zz");
    }

    @Test
    void keysAreMergedInS3sOrderAndRemapRefusesAForeignKey() {
        // U+1F600 sorts after U+FFFD in S3's (UTF-8) order, though not in Java's String order
        String emoji = "srcfolder/\uD83D\uDE00";
        String high = "srcfolder/\uFFFD";
        List<SyncDecision> d = merge(List.of(e(high, 1, MD5_A), e(emoji, 1, MD5_A)),
                List.of(e("destfolder/\uFFFD", 1, MD5_A), e("destfolder/\uD83D\uDE00", 1, MD5_A)), false);

        assertThat(d).extracting(x -> x.getClass().getSimpleName()).containsExactly("Same", "Same");
        assertThat(KeyMapping.remap("srcfolder/a/b", "srcfolder/", "")).isEqualTo("a/b");
        assertThatThrownBy(() -> KeyMapping.remap("elsewhere/a", "srcfolder/", "d/"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void keysWithADotSegmentAreRefusedOnEitherSideNeitherCopiedNorDeleted() {
        List<RemoteEntry> src = List.of(e("srcfolder/../keepme/secret.txt", 1, MD5_A), e("srcfolder/a", 1, MD5_A),
                e("srcfolder/sub/.", 1, MD5_A));
        List<RemoteEntry> dst = List.of(e("destfolder/./x", 1, MD5_A), e("destfolder/a", 1, MD5_A));

        assertThat(merge(src, dst, true)).extracting(x -> x.getClass().getSimpleName() + " " + x.destinationKey())
                .containsExactlyInAnyOrder("Refused srcfolder/../keepme/secret.txt", "Refused destfolder/./x",
                        "Same destfolder/a", "Refused srcfolder/sub/.");
        assertThat(merge(src, dst, false)).extracting(x -> x.getClass().getSimpleName() + " " + x.destinationKey())
                .containsExactlyInAnyOrder("Refused srcfolder/../keepme/secret.txt", "Same destfolder/a",
                        "Refused srcfolder/sub/.");
        assertThat(asked).isEmpty();
    }

    @Test
    void aDotSegmentIsOneBetweenSlashesOrAtEitherEndAndNothingElse() {
        for (String bad : List.of("..", ".", "../a", "./a", "a/..", "a/.", "a/../b", "a/./b", "srcfolder/../x")) {
            assertThat(KeyMapping.refusal(bad)).as(bad).isPresent();
            assertThatThrownBy(() -> KeyMapping.remap("srcfolder/" + bad, "srcfolder/", "d/")).as(bad)
                    .isInstanceOf(IllegalArgumentException.class);
        }
        for (String good : List.of("a..b", "...", ".hidden", "a/.b", "a/b.", "a/..b/c", "a//b", "a.txt")) {
            assertThat(KeyMapping.refusal(good)).as(good).isEmpty();
        }
    }

    @Test
    void twoHundredThousandGeneratedEntriesStreamThroughWithoutACollection() {
        int n = 200_000;
        Iterator<RemoteEntry> src = IntStream.range(0, n).mapToObj(i -> e("srcfolder/" + String.format("%08d", i), 1,
                MD5_A)).iterator();
        Iterator<RemoteEntry> dst = IntStream.range(0, n).filter(i -> i % 2 == 0).mapToObj(i -> e("destfolder/"
                + String.format("%08d", i), i % 4 == 0 ? 1 : 2, MD5_A)).iterator();
        AtomicInteger copies = new AtomicInteger();
        AtomicInteger same = new AtomicInteger();

        new FullSyncMerge(src, dst, "srcfolder/", "destfolder/", true, k -> Optional.empty())
                .forEachRemaining(x -> (x instanceof SyncDecision.Same ? same : copies).incrementAndGet());

        assertThat(same.get()).isEqualTo(n / 4);
        assertThat(copies.get()).isEqualTo(n - n / 4);
    }

    @Test
    void copyMetadataRecordsTheEtagAndTheMd5WhenKnown() {
        assertThat(CopyMetadata.forCopyOf("\"" + MD5_A.toUpperCase() + "\"", Optional.empty()))
                .containsEntry(CopyMetadata.SOURCE_ETAG, MD5_A.toUpperCase()).containsEntry(CopyMetadata.SOURCE_MD5, MD5_A);
        assertThat(CopyMetadata.forCopyOf(MULTI_1, Optional.of(MD5_B)))
                .containsEntry(CopyMetadata.SOURCE_ETAG, MULTI_1).containsEntry(CopyMetadata.SOURCE_MD5, MD5_B);
        assertThat(CopyMetadata.forCopyOf(MULTI_1, Optional.empty())).containsOnlyKeys(CopyMetadata.SOURCE_ETAG);
        assertThat(CopyMetadata.forCopyOf(MULTI_1, Optional.empty(), Optional.of(Instant.ofEpochSecond(1_764_000_000,
                5)))).containsEntry(CopyMetadata.SOURCE_MODIFIED, "1764000000");
        assertThat(CopyMetadata.isPlainMd5(MULTI_1)).isFalse();
        assertThat(CopyMetadata.isPlainMd5("\"" + MD5_A + "\"")).isTrue();
    }
}
