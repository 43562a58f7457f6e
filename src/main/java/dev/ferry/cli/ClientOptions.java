package dev.ferry.cli;

import dev.ferry.core.UrlCredentials;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Option;

/** Options every client command shares: where the daemon is, its admin token, and raw JSON output. */
final class ClientOptions {
    @Option(names = "--url", paramLabel = "URL",
            description = "The daemon's address. Default: http://127.0.0.1:$PORT (PORT from the environment, else 5000).")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "The daemon's admin_token. Default: the environment variable ADMIN_TOKEN (preferred: "
                    + "other users can see a command line).")
    String token;

    @Option(names = "--json", description = "Print the daemon's JSON answer instead of a table.")
    boolean json;

    DaemonClient client(Map<String, String> env) throws ClientException {
        String address = url;
        if (address == null || address.isBlank()) {
            String port = env.getOrDefault("PORT", "");
            address = "http://127.0.0.1:" + (port.matches("\\d{1,5}") ? port : "5000");
        }
        URI base;
        try {
            base = URI.create(address.endsWith("/") ? address : address + "/");
        } catch (IllegalArgumentException e) {
            throw new ClientException("--url: not a URL: " + UrlCredentials.maskUrl(address), true);
        }
        if (!"http".equals(base.getScheme()) && !"https".equals(base.getScheme()) || base.getHost() == null) {
            throw new ClientException("--url: must be http://host:port or https://host:port, got "
                    + UrlCredentials.maskUrl(address), true);
        }
        Optional<String> t = Optional.ofNullable(token).or(() -> Optional.ofNullable(env.get("ADMIN_TOKEN")));
        return new DaemonClient(base, t);
    }
}
