package io.edgecert.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.edgecert.json.Json;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
import io.javalin.http.Context;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Reads request bodies with a hard cap enforced while reading (not trusting Content-Length, so a
 * chunked upload cannot sneak past it), then parses JSON with messages that never quote the input:
 * a body may hold a private key.
 */
final class RequestBodies {
    private RequestBodies() {
    }

    static <T> T json(Context ctx, Class<T> type, long maxBytes) {
        byte[] body = read(ctx, maxBytes);
        if (body.length == 0) {
            throw ProblemException.of(new Violation(null, ErrorCode.InvalidRequest, "the request needs a JSON body"));
        }
        try {
            T value = Json.MAPPER.readValue(body, type);
            if (value == null) {
                throw ProblemException.of(new Violation(null, ErrorCode.InvalidRequest, "the request body must be a JSON object"));
            }
            return value;
        } catch (UnrecognizedPropertyException e) {
            throw ProblemException.of(new Violation(path(e), ErrorCode.InvalidRequest,
                    "unknown field '" + e.getPropertyName() + "'; known fields: "
                            + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", "))));
        } catch (MismatchedInputException e) {
            throw ProblemException.of(new Violation(path(e), ErrorCode.InvalidRequest,
                    "field has the wrong type; expected " + simpleName(e.getTargetType())));
        } catch (JsonProcessingException e) {
            var loc = e.getLocation();
            throw ProblemException.of(new Violation(null, ErrorCode.InvalidRequest,
                    "the request body is not valid JSON" + (loc == null ? ""
                            : " (line " + loc.getLineNr() + ", column " + loc.getColumnNr() + ")")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] read(Context ctx, long maxBytes) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > maxBytes) {
            throw tooLarge(maxBytes);
        }
        try (InputStream in = ctx.req().getInputStream()) {
            byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
            if (bytes.length > maxBytes) {
                throw tooLarge(maxBytes);
            }
            return bytes;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ProblemException tooLarge(long maxBytes) {
        return HttpProblem.withStatus(413, ErrorCode.SizeLimitExceeded,
                "the request body is larger than " + maxBytes + " bytes");
    }

    private static String path(MismatchedInputException e) {
        StringBuilder sb = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!sb.isEmpty()) {
                    sb.append('.');
                }
                sb.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                sb.append('[').append(ref.getIndex()).append(']');
            }
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    private static String simpleName(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type) || type.isArray()) {
            return "an array";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return "an object";
    }
}
