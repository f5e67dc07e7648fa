/*
 * Start-up probe: polls TLS handshakes with one SNI name every 10 ms until the server presents the
 * certificate with the given SHA-256 fingerprint, then prints the milliseconds since the epoch
 * milliseconds written in START_FILE. In C with OpenSSL so that the probe costs both servers the
 * same and next to nothing: the JVM probe it replaces compiled and ran the JDK's TLS client on the
 * same 2 cores while edgecert started, about a hundred handshakes once edgecert's port was open
 * (nginx opens its port only when every certificate is loaded).
 *
 *   served PORT NAME FINGERPRINT START_FILE      (FINGERPRINT as AA:BB:..., upper case)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static long long now_ms(void) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (long long) tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

/* 1 when NAME is served with the wanted certificate, 0 otherwise (not listening, other certificate) */
static int served(SSL_CTX *ctx, int port, const char *name, const char *wanted) {
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    int s = socket(AF_INET, SOCK_STREAM, 0);
    int ok = 0;
    if (connect(s, (struct sockaddr *) &addr, sizeof addr) == 0) {
        SSL *ssl = SSL_new(ctx);
        SSL_set_fd(ssl, s);
        SSL_set_tlsext_host_name(ssl, name);
        if (SSL_connect(ssl) == 1) {
            X509 *cert = SSL_get1_peer_certificate(ssl);
            unsigned char md[EVP_MAX_MD_SIZE];
            unsigned int len = 0;
            char hex[3 * EVP_MAX_MD_SIZE + 1] = "";
            if (cert && X509_digest(cert, EVP_sha256(), md, &len)) {
                for (unsigned int i = 0; i < len; i++) sprintf(hex + 3 * i, i + 1 < len ? "%02X:" : "%02X", md[i]);
                ok = strcmp(hex, wanted) == 0;
            }
            X509_free(cert);
            SSL_shutdown(ssl);
        }
        SSL_free(ssl);
    }
    close(s);
    return ok;
}

int main(int argc, char **argv) {
    if (argc != 5) {
        fprintf(stderr, "usage: %s PORT NAME FINGERPRINT START_FILE\n", argv[0]);
        return 2;
    }
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    long long deadline = now_ms() + 600000;
    while (!served(ctx, atoi(argv[1]), argv[2], argv[3])) {
        if (now_ms() > deadline) { fprintf(stderr, "%s not served within 10 minutes\n", argv[2]); return 1; }
        usleep(10000);
    }
    long long done = now_ms();
    FILE *f = fopen(argv[4], "r");
    long long start = 0;
    if (!f || fscanf(f, "%lld", &start) != 1) { fprintf(stderr, "no start time in %s\n", argv[4]); return 2; }
    printf("%lld\n", done - start);
    return 0;
}
