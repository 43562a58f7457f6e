package dev.ferry.app;

import static org.assertj.core.api.Assertions.assertThat;

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
}
