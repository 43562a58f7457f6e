package dev.ferry.filter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.Destination;
import dev.ferry.core.KeyRewrite;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrefixRouterTest {
    private static PrefixRouter router(String prefix, String remove, List<String> inclusions) {
        return new PrefixRouter(Path.of("/data"), "b", prefix, new IgnoreRules(List.of("*.swp")),
                new PathFilter(List.of(), inclusions), "", remove);
    }

    @Test
    void theRemovePrefixIsCutFromTheRelativePathAndTheKeyPrefixPutInFront() {
        PrefixRouter r = router("in-", "cam1/", List.of());
        assertThat(r.route(Path.of("/data/cam1/2026/a.jpg")))
                .isEqualTo(new RouteDecision.Routed(new Destination("b", "in-2026/a.jpg")));
    }

    @Test
    void aPathWithoutTheRemovePrefixKeepsItsWholePath() {
        PrefixRouter r = router("in/", "cam1/", List.of());
        assertThat(r.route(Path.of("/data/cam2/a.jpg")))
                .isEqualTo(new RouteDecision.Routed(new Destination("b", "in/cam2/a.jpg")));
    }

    @Test
    void aRemovePrefixThatIsTheWholePathLeavesNoKeyAndSkipsTheFile() {
        PrefixRouter r = router("", "a.jpg", List.of());
        assertThat(r.route(Path.of("/data/a.jpg"))).isInstanceOf(RouteDecision.Skipped.class);
    }

    @Test
    void withoutARemovePrefixTheKeyIsPrefixPlusRelativePathAsBefore() {
        PrefixRouter r = new PrefixRouter(Path.of("/data"), "b", "p/", new IgnoreRules(List.of()), PathFilter.none());
        assertThat(r.route(Path.of("/data/x/y.txt")))
                .isEqualTo(new RouteDecision.Routed(new Destination("b", "p/x/y.txt")));
        assertThat(r.relativeOf("p/x/y.txt")).isEqualTo("x/y.txt");
        assertThat(r.relativeOf("q/x")).isNull();
    }

    @Test
    void aPathPrefixSpellsThePathAsThePolicyPatternDidBeforeTheRemovalApplies() {
        PrefixRouter r = new PrefixRouter(Path.of("/data"), "b", "", new IgnoreRules(List.of()), PathFilter.none(),
                "data/", "data/cam1/");
        assertThat(r.route(Path.of("/data/cam1/x.bin"))).isEqualTo(new RouteDecision.Routed(new Destination("b", "x.bin")));
        assertThat(r.route(Path.of("/data/cam2/x.bin")))
                .isEqualTo(new RouteDecision.Routed(new Destination("b", "data/cam2/x.bin")));
        assertThat(r.relativeOf("x.bin")).isEqualTo("cam1/x.bin");
        assertThat(r.relativeOf("data/cam2/x.bin")).isEqualTo("cam2/x.bin");
    }

    @Test
    void relativeOfPutsTheRemovedPrefixBack() {
        assertThat(router("in-", "cam1/", List.of()).relativeOf("in-2026/a.jpg")).isEqualTo("cam1/2026/a.jpg");
    }

    @Test
    void inclusionsAndIgnoreRulesStillApplyBeforeTheKeyRule() {
        PrefixRouter r = router("", "cam1/", List.of("glob:**/*.jpg"));
        assertThat(r.route(Path.of("/data/cam1/a.txt"))).isInstanceOf(RouteDecision.Skipped.class);
        assertThat(r.route(Path.of("/data/cam1/x/a.swp"))).isInstanceOf(RouteDecision.Skipped.class);
        assertThat(r.route(Path.of("/data/cam1/x/a.jpg")))
                .isEqualTo(new RouteDecision.Routed(new Destination("b", "x/a.jpg")));
    }

    private static PrefixRouter rewriting(boolean required, KeyRewrite.Rule... rules) {
        return new PrefixRouter(Path.of("/data"), "b", "in/", new IgnoreRules(List.of()), PathFilter.none(), "", "",
                new KeyRewrite(List.of(rules), required));
    }

    private static KeyRewrite.Rule rule(String match, String replace) {
        return new KeyRewrite.Rule(java.util.regex.Pattern.compile(match), replace);
    }

    @Test
    void theFirstMatchingRewriteRuleRewritesTheComputedKeyAndLaterRulesAreNotTried() {
        PrefixRouter r = rewriting(false, rule("^in/(cam[0-9])/(.*)$", "cameras/$1-$2"), rule("cam", "CAM"));
        assertThat(r.route(Path.of("/data/cam1/a/b.jpg")))
                .isEqualTo(new RouteDecision.Routed(new Destination("b", "cameras/cam1-a/b.jpg")));
        assertThat(r.route(Path.of("/data/mycam.jpg")))
                .isEqualTo(new RouteDecision.Routed(new Destination("b", "in/myCAM.jpg")));
        assertThat(r.route(Path.of("/data/other.jpg")))
                .isEqualTo(new RouteDecision.Routed(new Destination("b", "in/other.jpg")));
    }

    @Test
    void aRewriteThatMakesADotSegmentIsAFailureOfThatFileNeverAKeyOutsideThePrefix() {
        RouteDecision d = rewriting(false, rule("^in/up-", "in/../")).route(Path.of("/data/up-x.jpg"));
        assertThat(d).isInstanceOfSatisfying(RouteDecision.Rejected.class, rejected -> {
            assertThat(rejected.kind()).isEqualTo(RouteDecision.Rejection.DOT_SEGMENT);
            assertThat(rejected.failure()).isTrue();
            assertThat(rejected.key()).isEqualTo("in/../x.jpg");
            assertThat(rejected.reason()).contains("'..' path segment", "change the rewrite");
        });
    }

    @Test
    void aRuleReplacesEveryMatchInTheKey() {
        assertThat(rewriting(false, rule(" ", "_")).route(Path.of("/data/a b c.txt")))
                .isEqualTo(new RouteDecision.Routed(new Destination("b", "in/a_b_c.txt")));
    }

    @Test
    void whenARuleIsRequiredAFileMatchingNoneIsRejectedAsIgnoredWithTheReason() {
        RouteDecision d = rewriting(true, rule("\\.csv$", ".csv")).route(Path.of("/data/x.jpg"));
        assertThat(d).isInstanceOfSatisfying(RouteDecision.Rejected.class, rejected -> {
            assertThat(rejected.kind()).isEqualTo(RouteDecision.Rejection.NO_REWRITE);
            assertThat(rejected.failure()).isFalse();
            assertThat(rejected.key()).isEqualTo("in/x.jpg");
            assertThat(rejected.reason()).contains("rewrite_required").contains("in/x.jpg").contains("\\.csv$");
        });
    }

    @Test
    void aRewrittenKeyIsStillCheckedForLengthAndAnEmptyKeyIsRejected() {
        RouteDecision longKey = rewriting(false, rule("^(.*)$", "$1".repeat(600))).route(Path.of("/data/ab"));
        assertThat(longKey).isInstanceOfSatisfying(RouteDecision.Rejected.class,
                rejected -> assertThat(rejected.kind()).isEqualTo(RouteDecision.Rejection.KEY_TOO_LONG));
        RouteDecision empty = rewriting(false, rule("^.*$", "")).route(Path.of("/data/ab"));
        assertThat(empty).isInstanceOfSatisfying(RouteDecision.Rejected.class,
                rejected -> assertThat(rejected.reason()).contains("empty key"));
    }
}
