package io.edgecert.events;

import io.edgecert.json.Json;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.channels.UnresolvedAddressException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * POSTs an event as JSON to a webhook, signed with the subscription's secret. Any 2xx answer
 * means delivered; anything else, or no answer within the timeouts, is a failed attempt that the
 * worker retries. Redirects are not followed: the signed request goes where it was configured to.
 */
final class WebhookSender implements Sender {
    static final String USER_AGENT = "edgecert-webhooks/1";

    private final HttpClient http;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Clock clock;

    WebhookSender(Duration connectTimeout, Duration requestTimeout, Clock clock) {
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                // HTTP/1.1: no h2c upgrade dance with plain-HTTP receivers that do not expect it
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** The request body; the same bytes on every attempt, so receivers can deduplicate on id. */
    record Body(String id, String type, Instant createdAt, String subjectId, Object detail) {
    }

    static byte[] body(Event e) {
        return Json.write(new Body(e.id(), e.type(), e.createdAt(), e.subjectId(), e.detail()))
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public Outcome send(Target target, Event event) throws InterruptedException {
        if (target.signingSecret().isEmpty()) {
            return Outcome.failed(Optional.empty(), "the subscription has no signing secret");
        }
        byte[] body = body(event);
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(target.endpoint()))
                    .timeout(requestTimeout)
                    .header("Content-Type", "application/json")
                    .header("User-Agent", USER_AGENT)
                    .header("Edgecert-Event-Id", event.id())
                    .header("Edgecert-Event-Type", event.type())
                    .header("Edgecert-Timestamp", Long.toString(timestamp))
                    .header(WebhookSignature.HEADER, WebhookSignature.header(target.signingSecret().get(), timestamp, body))
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build();
        } catch (IllegalArgumentException e) {
            return Outcome.failed(Optional.empty(), "the endpoint is not a usable URL: " + e.getMessage());
        }
        // HttpRequest.timeout bounds the wait for the response headers only; the future's deadline
        // bounds the whole exchange, so a receiver trickling its body cannot hold a worker thread.
        CompletableFuture<HttpResponse<Void>> response = http.sendAsync(request, HttpResponse.BodyHandlers.discarding());
        try {
            int status = response.get(requestTimeout.toMillis(), TimeUnit.MILLISECONDS).statusCode();
            return status / 100 == 2 ? Outcome.delivered(Optional.of(status))
                    : Outcome.failed(Optional.of(status), "the receiver answered HTTP " + status);
        } catch (TimeoutException e) {
            response.cancel(true);
            return Outcome.failed(Optional.empty(), noResponse());
        } catch (ExecutionException e) {
            return Outcome.failed(Optional.empty(), describe(e.getCause()));
        } catch (InterruptedException e) {
            response.cancel(true);
            throw e;
        }
    }

    private String describe(Throwable t) {
        if (t instanceof HttpConnectTimeoutException) {
            return "could not connect within " + seconds(connectTimeout);
        }
        if (t instanceof HttpTimeoutException) {
            return noResponse();
        }
        if (t instanceof ConnectException) {
            return "could not connect: " + (t.getMessage() == null ? "connection refused" : t.getMessage());
        }
        if (t instanceof UnresolvedAddressException || t.getCause() instanceof UnresolvedAddressException) {
            return "could not resolve the endpoint's host name";
        }
        if (t instanceof SSLException) {
            return "TLS failed: " + t.getMessage();
        }
        if (t instanceof IOException && t.getMessage() != null) {
            return t.getMessage();
        }
        return t.toString();
    }

    private String noResponse() {
        return "no complete response within " + seconds(requestTimeout);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
