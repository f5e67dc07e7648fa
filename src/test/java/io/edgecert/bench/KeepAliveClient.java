package io.edgecert.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * A lean HTTP/1.1 keep-alive client for the load generator: one socket, the request head built once,
 * the response read by Content-Length or chunks. On a 2-core machine the client shares the CPU with
 * the server it measures; the JDK HttpClient costs ~0.9 ms of CPU per import here (bench/import,
 * 1 Dec), which would cap the measurement rather than the server. This is what a script using curl
 * or Python's http.client with keep-alive does on the wire. Not thread-safe: one per client thread.
 */
final class KeepAliveClient implements AutoCloseable {
    record Response(int status, String body) {
    }

    private final InetSocketAddress address;
    private final byte[] headPrefix;
    private Socket socket;
    private OutputStream out;
    private InputStream in;

    KeepAliveClient(URI uri, String method, String bearerToken) {
        this.address = new InetSocketAddress(uri.getHost(), uri.getPort());
        this.headPrefix = (method + " " + uri.getRawPath() + " HTTP/1.1\r\n"
                + "Host: " + uri.getHost() + ":" + uri.getPort() + "\r\n"
                + "Authorization: Bearer " + bearerToken + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Content-Length: ").getBytes(StandardCharsets.US_ASCII);
    }

    Response send(byte[] body) throws IOException {
        if (socket == null) {
            connect();
        }
        try {
            return exchange(body);
        } catch (IOException e) {
            // the server may close an idle keep-alive connection: one retry on a fresh one
            close();
            connect();
            return exchange(body);
        }
    }

    private void connect() throws IOException {
        socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(60_000);
        socket.connect(address, 5_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
    }

    private Response exchange(byte[] body) throws IOException {
        byte[] length = (body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = new byte[headPrefix.length + length.length + body.length];
        System.arraycopy(headPrefix, 0, request, 0, headPrefix.length);
        System.arraycopy(length, 0, request, headPrefix.length, length.length);
        System.arraycopy(body, 0, request, headPrefix.length + length.length, body.length);
        out.write(request);
        out.flush();

        String statusLine = line();
        if (statusLine.isEmpty()) {
            throw new IOException("connection closed before a response");
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        int contentLength = -1;
        boolean chunked = false;
        boolean close = false;
        for (String h; !(h = line()).isEmpty(); ) {
            int colon = h.indexOf(':');
            String name = h.substring(0, colon).trim().toLowerCase(java.util.Locale.ROOT);
            String value = h.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> contentLength = Integer.parseInt(value);
                case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                case "connection" -> close = value.equalsIgnoreCase("close");
                default -> {
                }
            }
        }
        byte[] responseBody;
        if (chunked) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            for (int size; (size = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0; ) {
                buf.write(in.readNBytes(size));
                line();
            }
            while (!line().isEmpty()) {
                // trailers
            }
            responseBody = buf.toByteArray();
        } else {
            responseBody = in.readNBytes(Math.max(0, contentLength));
        }
        if (close) {
            close();
        }
        return new Response(status, new String(responseBody, StandardCharsets.UTF_8));
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        for (int c; (c = in.read()) != -1; ) {
            if (c == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            sb.append((char) c);
        }
        return sb.toString();
    }

    @Override
    public void close() {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing
            }
            socket = null;
        }
    }
}
