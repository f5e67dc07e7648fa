/*
 * Full-TLS-handshake load generator: each handshake is a new TCP connection with a new SNI name
 * taken round-robin from a file, no session resumption. The same binary drives edgecert and
 * nginx, so the ratio between them is what the numbers mean.
 *
 *   handshakes HOST PORT NAMES_FILE SECONDS PROCESSES
 * prints: handshakes=<n> failures=<n> seconds=<s> rate=<n/s>
 * SECONDS 0: every name exactly once, split between the processes (the touch before timed runs).
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/ssl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

static double now(void) {
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return tv.tv_sec + tv.tv_usec / 1e6;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s HOST PORT NAMES_FILE SECONDS PROCESSES\n", argv[0]);
        return 2;
    }
    const char *host = argv[1];
    int port = atoi(argv[2]);
    double seconds = atof(argv[4]);
    int procs = atoi(argv[5]);
    FILE *f = fopen(argv[3], "r");
    if (!f) { perror("names"); return 2; }
    char **names = NULL; size_t n = 0, cap = 0; char line[512];
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (!*line) continue;
        if (n == cap) { cap = cap ? cap * 2 : 1024; names = realloc(names, cap * sizeof *names); }
        names[n++] = strdup(line);
    }
    fclose(f);
    long *counts = mmap(NULL, sizeof(long) * 2 * procs, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, host, &addr.sin_addr);
    double start = now();
    for (int p = 0; p < procs; p++) {
        if (fork() == 0) {
            SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
            SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
            SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
            long ok = 0, bad = 0;
            int once = seconds <= 0;
            size_t i = once ? (size_t) p : (size_t) p * 7919;
            while (once ? i < n : now() - start < seconds) {
                int s = socket(AF_INET, SOCK_STREAM, 0);
                int one = 1;
                setsockopt(s, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
                const char *name = names[i % n];
                i += once ? (size_t) procs : 1;
                if (connect(s, (struct sockaddr *) &addr, sizeof addr) != 0) { bad++; close(s); continue; }
                SSL *ssl = SSL_new(ctx);
                SSL_set_fd(ssl, s);
                SSL_set_tlsext_host_name(ssl, name);
                if (SSL_connect(ssl) == 1) ok++; else bad++;
                SSL_shutdown(ssl);
                SSL_free(ssl);
                close(s);
            }
            counts[2 * p] = ok;
            counts[2 * p + 1] = bad;
            _exit(0);
        }
    }
    for (int p = 0; p < procs; p++) wait(NULL);
    double elapsed = now() - start;
    long ok = 0, bad = 0;
    for (int p = 0; p < procs; p++) { ok += counts[2 * p]; bad += counts[2 * p + 1]; }
    printf("handshakes=%ld failures=%ld seconds=%.1f rate=%.0f\n", ok, bad, elapsed, ok / elapsed);
    return 0;
}
