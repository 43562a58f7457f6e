package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.oneshot.OneShotForm;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line's answers that start nothing: help, and mistyped commands and options. */
class MainTest {
    private static final String SECRET = "TopSecretValue42";

    /** What one run printed and returned. */
    record Result(int exit, String out, String err) {
    }

    private static Result ferry(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = Main.run(args, Map.of(), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void aMistypedCommandIsQuotedAsTypedWithAPointerToHelp() {
        Result r = ferry("foo");

        assertThat(r.exit()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(r.err()).startsWith("ferry: unknown command or argument 'foo'\n")
                .contains("Run 'ferry --help' for the commands and options.");
        assertThat(ferry("--port=5000", "stauts").err()).startsWith("ferry: unknown command or argument 'stauts'\n")
                .contains("Did you mean: status?");
        assertThat(ferry("status", "extra").err()).startsWith("ferry: unknown command or argument 'extra'\n")
                .contains("Run 'ferry status --help'");
    }

    @Test
    void anInvalidInstanceIdIsAConfigErrorNamingTheKey() {
        Result r = ferry("--watch-path", System.getProperty("java.io.tmpdir"), "--instance-id", "host name!");

        assertThat(r.exit()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(r.err()).contains("--instance-id: must be letters, digits, '.', '_' and '-', at most 64 characters");
    }

    @Test
    void aMistypedCommandSuggestsTheNearestCommandAndNothingWhenNoneIsNear() {
        assertThat(ferry("synk").err()).contains("Did you mean: sync?");
        assertThat(ferry("veriyf").err()).contains("Did you mean: verify?");
        assertThat(ferry("bogus").err()).startsWith("ferry: unknown command or argument 'bogus'\n")
                .doesNotContain("Did you mean");
    }

    @Test
    void aUsageErrorWithJsonIsAlsoAJsonDocumentOnStdout() throws Exception {
        Result r = ferry("sync", "--json", "--max-attempts", "0", System.getProperty("java.io.tmpdir"), "s3://backup/p");
        Result bogus = ferry("sync", "--json", "--bogus");

        assertThat(r.exit()).isEqualTo(Main.EXIT_CONFIG);
        var doc = new com.fasterxml.jackson.databind.ObjectMapper().readTree(r.out());
        assertThat(doc.path("command").asText()).isEqualTo("sync");
        assertThat(doc.path("ok").asBoolean(true)).isFalse();
        assertThat(doc.path("exitCode").asInt()).isEqualTo(2);
        assertThat(doc.path("error").asText()).contains("--max-attempts 0");
        assertThat(new com.fasterxml.jackson.databind.ObjectMapper().readTree(bogus.out()).path("error").asText())
                .contains("--bogus");
        assertThat(ferry("sync", "--max-attempts", "0", "x", "s3://backup/p").out()).as("no --json: nothing on stdout")
                .isEmpty();
    }

    @Test
    void syncHelpListsNoDaemonOnlySettingAndRefusesIt() {
        assertThat(ferry("sync", "--help").out()).doesNotContain("--queue-capacity").contains("--transfers");
        Result r = ferry("sync", "--queue-capacity", "5", System.getProperty("java.io.tmpdir"), "s3://backup/p");

        assertThat(r.exit()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(r.err()).contains("--queue-capacity is an option of the daemon");
    }

    @Test
    void oneShotHelpWrapsAtSpacesOnlySoNoGlobOrUrlIsSplit() {
        for (String command : new String[] {"sync", "verify"}) {
            String help = ferry(command, "--help").out();

            assertThat(help).contains("*.crdownload").contains("mongodb+srv://").contains("--max-attempts".repeat(
                    command.equals("sync") ? 1 : 0));
            assertThat(help.lines()).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(100));
            assertThat(help).as("the settings the form refuses say so").contains(
                    "                             With --config or alone, not with DIR s3://BUCKET[/PREFIX]: Keep the");
        }
    }

    @Test
    void maxAttemptsZeroIsAUsageErrorNamingTheOption() {
        Result r = ferry("sync", "--max-attempts", "0", System.getProperty("java.io.tmpdir"), "s3://backup/p");

        assertThat(r.exit()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(r.err()).startsWith("ferry: --max-attempts 0: must be at least 1");
    }

    @Test
    void aBareTimeoutOnTheOneShotCommandLineIsSecondsAsInRcloneAndAUnitMeansWhatItSays() {
        Map<String, String> bare = new java.util.HashMap<>(Map.of("--timeout", "30"));
        Map<String, String> millis = new java.util.HashMap<>(Map.of("--timeout", "500ms"));
        Map<String, String> off = new java.util.HashMap<>(Map.of("--timeout", "-1"));

        OneShotForm.timeout(bare);
        OneShotForm.timeout(millis);
        OneShotForm.timeout(off);

        assertThat(bare).containsEntry("--timeout", "30s");
        assertThat(millis).containsEntry("--timeout", "500ms");
        assertThat(off).containsEntry("--timeout", "-1");
    }

    @Test
    void helpIsASynonymOfDashDashHelpAlsoForACommand() {
        Result help = ferry("help");
        Result dashDash = ferry("--help");

        assertThat(help.exit()).as(help.err()).isZero();
        assertThat(help.out()).isEqualTo(dashDash.out()).contains("Usage: ferry").contains("--watch-path");
        Result syncHelp = ferry("help", "sync");
        assertThat(syncHelp.exit()).as(syncHelp.err()).isZero();
        assertThat(syncHelp.out()).isEqualTo(ferry("sync", "--help").out()).contains("--dry-run");
        Result unknown = ferry("help", "foo");
        assertThat(unknown.exit()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(unknown.err()).contains("'foo'");
    }

    @Test
    void anUnknownOptionIsNamedButTheValueThatMayFollowItIsNot() {
        Result separate = ferry("--secret-acces-key", SECRET);
        Result attached = ferry("--secret-acces-key=" + SECRET);

        assertThat(separate.exit()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(separate.err()).startsWith("ferry: unknown option '--secret-acces-key'\n")
                .contains("ferry: unexpected argument after --secret-acces-key (not shown: it may be its value)")
                .contains("Did you mean: --secret-access-key").doesNotContain(SECRET);
        assertThat(attached.err()).startsWith("ferry: unknown option '--secret-acces-key=...'\n")
                .doesNotContain(SECRET);
    }

    @Test
    void topLevelHelpListsTheCommandsFirstThenOnlyTheDaemonsOptionsOneShortLineEach() {
        Result r = ferry("--help");

        assertThat(r.exit()).isZero();
        String out = r.out();
        int commands = out.indexOf("Commands:");
        int options = out.indexOf("Daemon options");
        assertThat(commands).isPositive().isLessThan(options);
        String commandList = out.substring(commands, options);
        for (String command : new String[] {"sync", "verify", "status", "failed", "retry", "help",
                UsageHelp.DAEMON_ENTRY}) {
            assertThat(commandList).containsPattern("(?m)^  " + java.util.regex.Pattern.quote(command) + " ");
        }
        assertThat(out.indexOf("--port")).isGreaterThan(options);
        // short: the first sentence, not the environment/default paragraph of each command's help
        assertThat(out).doesNotContain("Default:").contains("Env: PORT");
        assertThat(out.lines().count()).isLessThan(90);
    }

    @Test
    void syncAndVerifyShowAndAcceptOnlyTheOptionsTheyUse() {
        Result sync = ferry("sync", "--help");
        Result verify = ferry("verify", "--help");

        assertThat(sync.out()).contains("DIR").contains("s3://BUCKET[/PREFIX]").contains("--include")
                .contains("--exclude").contains("--delete").contains("--max-delete").contains("--checksum")
                .contains("--size-only").contains("--dry-run").contains("-P, --[no-]progress").contains("--transfers")
                .contains("--bwlimit").contains("--endpoint").contains("--config")
                .doesNotContain("--port").doesNotContain("--admin-token").doesNotContain("--bind-address")
                .doesNotContain("--sweep-interval");
        assertThat(verify.out()).contains("--include").contains("--checksum").contains("--size-only")
                .doesNotContain("--delete").doesNotContain("--port").doesNotContain("--transfers");

        Result port = ferry("sync", "--port", "1");
        assertThat(port.exit()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(port.err()).contains("--port is an option of the daemon").contains("'ferry sync' does not take it");
        Result token = ferry("verify", "--admin-token=" + SECRET);
        assertThat(token.exit()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(token.err()).contains("--admin-token is an option of the daemon").doesNotContain(SECRET);
        Result status = ferry("status", "--port", "5100");
        assertThat(status.exit()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(status.err()).contains("--port is an option of the daemon")
                .contains("--url http://HOST:PORT");
        Result failedToken = ferry("failed", "--admin-token=" + SECRET);
        assertThat(failedToken.err()).contains("give --token").doesNotContain(SECRET);
        Result before = ferry("--port", "1", "sync", "/tmp", "s3://bucket");
        assertThat(before.exit()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(before.err()).contains("--port is an option of the daemon");
    }

    @Test
    void theFormAndAConfigFileAtOnceOrHalfAFormAreUsageErrors(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        String dir = tmp.toString();
        Result both = ferry("sync", dir, "s3://bucket/p", "--config", tmp.resolve("ferry.yml").toString());
        assertThat(both.exit()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(both.err()).contains("give either DIR s3://BUCKET[/PREFIX] or --config FILE, not both");

        Result nothing = ferry("verify");
        assertThat(nothing.exit()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(nothing.err()).contains("'ferry verify DIR s3://BUCKET[/PREFIX]', or --config FILE, or WATCH_PATH");

        Result half = ferry("sync", dir);
        assertThat(half.exit()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(half.err()).contains("the destination is missing");
        Result swapped = ferry("verify", "s3://bucket", dir);
        assertThat(swapped.exit()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(swapped.err()).contains("the folder comes first");
        Result formOption = ferry("sync", "--exclude", "*.tmp", "--config", tmp.resolve("ferry.yml").toString());
        assertThat(formOption.exit()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(formOption.err()).contains("--exclude belongs to the form");
        Result bareLimit = ferry("sync", dir, "s3://bucket", "--bwlimit", "100");
        assertThat(bareLimit.exit()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(bareLimit.err()).contains("--bwlimit 100: give a unit");
    }

    @Test
    void aBadDestinationIsAClearErrorNamingTheArgument(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        for (String bad : new String[] {"s3:/x", "http://example.com/bucket", "s3://Bad_Bucket/x"}) {
            Result r = ferry("sync", tmp.toString(), bad);
            assertThat(r.exit()).as(bad).isEqualTo(Main.EXIT_CONFIG);
            assertThat(r.err()).as(bad).contains("s3://... (the destination").contains(bad.contains("Bad")
                    ? "'Bad_Bucket'" : "'" + bad + "'");
            assertThat(r.out()).isEmpty();
        }
    }

    @Test
    void fileNamesReadInAnotherCharsetThanUtf8StopTheStartWithTheCure() {
        assertThat(Main.fileNameProblem("UTF-8")).isEmpty();
        assertThat(Main.fileNameProblem("ANSI_X3.4-1968")).get().asString().contains("ANSI_X3.4-1968")
                .contains("nothing was started").contains("LC_ALL=C.UTF-8");
    }

    @Test
    void anUnexpectedArgumentIsEchoedWithItsPasswordMasked() {
        assertThat(Main.unmatched(java.util.List.of("s3://AKID:ArgSECRET@bucket/prefix")))
                .containsExactly("ferry: unknown command or argument 's3://AKID:****@bucket/prefix'");
    }
}
