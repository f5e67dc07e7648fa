package io.edgecert.testing;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * A real TLS client for the edge (the JDK's): handshakes with a chosen SNI and reports what the
 * edge served. It trusts anything on purpose: the tests compare the served certificate with the
 * imported one by fingerprint, which is stricter than chain validation.
 */
public final class EdgeProbe {
    private EdgeProbe() {
    }

    public record Handshake(X509Certificate leaf, String protocol, String cipherSuite) {
        public String fingerprint() {
            return EdgeProbe.fingerprint(leaf);
        }
    }

    public static Handshake handshake(int port, String sni, String... protocols) throws IOException {
        try (SSLSocket socket = open(port, sni, protocols)) {
            return new Handshake((X509Certificate) socket.getSession().getPeerCertificates()[0],
                    socket.getSession().getProtocol(), socket.getSession().getCipherSuite());
        }
    }

    /** A connected socket after the handshake, for keep-alive tests; the caller closes it. */
    public static SSLSocket open(int port, String sni, String... protocols) throws IOException {
        java.net.Socket plain = new java.net.Socket();
        plain.setTcpNoDelay(true); // else delayed ACKs add 40 ms to every handshake
        plain.connect(new java.net.InetSocketAddress("127.0.0.1", port), 10_000);
        SSLSocket socket = (SSLSocket) trustAll().getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
        socket.setSoTimeout(10_000);
        SSLParameters p = socket.getSSLParameters();
        if (sni != null) {
            p.setServerNames(List.of(new SNIHostName(sni)));
        }
        if (protocols.length > 0) {
            p.setProtocols(protocols);
        }
        p.setApplicationProtocols(new String[]{"http/1.1"});
        socket.setSSLParameters(p);
        try {
            socket.startHandshake();
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    public static String fingerprint(X509Certificate c) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(c.getEncoded());
            return HexFormat.ofDelimiter(":").formatHex(d).toUpperCase(Locale.ROOT);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static SSLContext trustAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[]{new X509TrustManager() {
                @Override
                public void checkClientTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public void checkServerTrusted(X509Certificate[] chain, String authType) {
                }

                @Override
                public X509Certificate[] getAcceptedIssuers() {
                    return new X509Certificate[0];
                }
            }}, new SecureRandom());
            return ctx;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Runs a command (curl, openssl) and returns its exit code and output. */
    public record Run(int exitCode, String stdout, String stderr) {
    }

    public static Run run(List<String> command, String stdin) {
        try {
            Process p = new ProcessBuilder(command).start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes());
            }
            p.getOutputStream().close();
            var out = p.getInputStream().readAllBytes();
            var err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + command);
            }
            return new Run(p.exitValue(), new String(out), new String(err));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
