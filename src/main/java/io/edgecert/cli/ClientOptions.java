package io.edgecert.cli;

import io.edgecert.config.Env;
import io.edgecert.crypto.AdminToken;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** Where the server is, who we are, and how to print: the options every client command shares. */
final class ClientOptions {
    static final String DEFAULT_URL = "http://127.0.0.1:8080";

    @Option(names = "--url", paramLabel = "URL",
            description = "edgecert API base URL (default: $EDGECERT_URL, else " + DEFAULT_URL + ").")
    String url;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Bearer token (default: $EDGECERT_TOKEN, else the node's admin.token in $EDGECERT_DATA_DIR, "
                    + "default data). Prefer the variable: options show in the process list.")
    String token;

    @Option(names = "--output", paramLabel = "FORMAT",
            description = "json (default; or $EDGECERT_OUTPUT) or table.")
    String output;

    /** Where to send requests and with which token. */
    record Connection(URI baseUri, Optional<String> token) {
    }

    Connection connection(CliContext ctx) {
        Env env = new Env(ctx.env());
        String base = Optional.ofNullable(url).or(() -> env.get("EDGECERT_URL")).orElse(DEFAULT_URL).strip();
        URI uri;
        try {
            uri = new URI(base.endsWith("/") ? base.substring(0, base.length() - 1) : base);
        } catch (URISyntaxException e) {
            throw CliException.usage("the edgecert URL '" + base + "' is not a URL: " + e.getReason());
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw CliException.usage("the edgecert URL must look like http://host:port, got '" + base + "'");
        }
        return new Connection(uri, Optional.ofNullable(token).filter(t -> !t.isBlank())
                .or(() -> env.get("EDGECERT_TOKEN"))
                .or(() -> tokenFile(env)));
    }

    Output.Format format(CliContext ctx) {
        String name = Optional.ofNullable(output).or(() -> new Env(ctx.env()).get("EDGECERT_OUTPUT")).orElse("json");
        try {
            return Output.Format.valueOf(name.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw CliException.usage("--output must be json or table, got '" + name + "'");
        }
    }

    /** The token a local node wrote at first start, so the CLI works on that machine without setup. */
    private static Optional<String> tokenFile(Env env) {
        Path file = Path.of(env.get("EDGECERT_DATA_DIR").orElse("./data")).resolve(AdminToken.FILE_NAME);
        if (!Files.isReadable(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip()).filter(t -> !t.isEmpty());
        } catch (IOException e) {
            throw CliException.io("cannot read the admin token file " + file + ": " + e.getMessage(), e);
        }
    }
}
