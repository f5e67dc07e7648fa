/*
 * RSA private-key operations for the edge, by the system's OpenSSL 3 libcrypto.
 *
 * Why: BoringSSL (netty-tcnative) has no AVX-512 IFMA code for RSA; OpenSSL 3.0 does, and on CPUs
 * that have it an RSA-2048 signature costs well under half as much (README "Benchmarks"). BoringSSL
 * still runs the handshake; it hands only the private-key operation to this code through its
 * private-key-method hook (netty's OpenSslPrivateKeyMethod).
 *
 * The few declarations below are OpenSSL 3's stable libcrypto.so.3 ABI, written out so that the
 * build needs only gcc and the JDK, not libssl-dev. Legacy RSA_* calls skip OpenSSL 3's per-call
 * provider lookups; they run the same constant-time, blinded, result-verified code the EVP layer
 * ends in.
 */
#include <jni.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct rsa_st RSA;
typedef struct evp_pkey_st EVP_PKEY;
typedef struct evp_md_st EVP_MD;
typedef struct engine_st ENGINE;
typedef struct ossl_lib_ctx_st OSSL_LIB_CTX;

extern EVP_PKEY *d2i_AutoPrivateKey(EVP_PKEY **a, const unsigned char **pp, long length);
extern int EVP_PKEY_get_base_id(const EVP_PKEY *pkey);
extern RSA *EVP_PKEY_get1_RSA(EVP_PKEY *pkey);
extern void EVP_PKEY_free(EVP_PKEY *pkey);
extern void RSA_free(RSA *rsa);
extern int RSA_size(const RSA *rsa);
extern int RSA_sign(int type, const unsigned char *m, unsigned int m_length, unsigned char *sigret,
                    unsigned int *siglen, RSA *rsa);
extern int RSA_private_encrypt(int flen, const unsigned char *from, unsigned char *to, RSA *rsa, int padding);
extern int RSA_private_decrypt(int flen, const unsigned char *from, unsigned char *to, RSA *rsa, int padding);
extern int RSA_padding_add_PKCS1_PSS_mgf1(RSA *rsa, unsigned char *em, const unsigned char *mhash,
                                          const EVP_MD *hash, const EVP_MD *mgf1hash, int slen);
extern EVP_MD *EVP_MD_fetch(OSSL_LIB_CTX *ctx, const char *algorithm, const char *properties);
extern int EVP_Digest(const void *data, size_t count, unsigned char *md, unsigned int *size,
                      const EVP_MD *type, ENGINE *impl);
extern unsigned long ERR_get_error(void);
extern void ERR_error_string_n(unsigned long e, char *buf, size_t len);
extern void ERR_clear_error(void);
extern void OPENSSL_cleanse(void *ptr, size_t len);
extern const char *OpenSSL_version(int type);

#define EVP_PKEY_RSA 6
#define RSA_NO_PADDING 3
#define RSA_PSS_SALTLEN_DIGEST (-1)
#define NID_sha1 64
#define NID_sha256 672
#define NID_sha384 673
#define NID_sha512 674
#define MAX_MODULUS_BYTES 2048 /* 16384-bit keys; import rules cap RSA far below */

/* TLS SignatureScheme code points (RFC 8446 4.2.3), which BoringSSL's SSL_SIGN_* equal */
#define RSA_PKCS1_SHA1 0x0201
#define RSA_PKCS1_SHA256 0x0401
#define RSA_PKCS1_SHA384 0x0501
#define RSA_PKCS1_SHA512 0x0601
#define RSA_PSS_RSAE_SHA256 0x0804
#define RSA_PSS_RSAE_SHA384 0x0805
#define RSA_PSS_RSAE_SHA512 0x0806

/* fetched once: passing a fetched digest saves OpenSSL 3 an implicit fetch per call */
static const EVP_MD *sha1, *sha256, *sha384, *sha512;

static void throw_openssl(JNIEnv *env, const char *what) {
    char detail[256] = "";
    unsigned long e = ERR_get_error();
    if (e != 0) {
        ERR_error_string_n(e, detail, sizeof detail);
    }
    ERR_clear_error();
    char message[400];
    snprintf(message, sizeof message, "%s%s%s", what, e != 0 ? ": " : "", detail);
    jclass c = (*env)->FindClass(env, "java/lang/IllegalStateException");
    if (c != NULL) {
        (*env)->ThrowNew(env, c, message);
    }
}

JNIEXPORT jstring JNICALL Java_io_edgecert_edge_SystemOpenSslRsa_init(JNIEnv *env, jclass cls) {
    sha1 = EVP_MD_fetch(NULL, "SHA1", NULL);
    sha256 = EVP_MD_fetch(NULL, "SHA2-256", NULL);
    sha384 = EVP_MD_fetch(NULL, "SHA2-384", NULL);
    sha512 = EVP_MD_fetch(NULL, "SHA2-512", NULL);
    if (sha1 == NULL || sha256 == NULL || sha384 == NULL || sha512 == NULL) {
        throw_openssl(env, "OpenSSL has no SHA-1/SHA-2 digests");
        return NULL;
    }
    return (*env)->NewStringUTF(env, OpenSSL_version(0));
}

/* PKCS#8 DER in, an RSA* handle out (0 with an exception on failure) */
JNIEXPORT jlong JNICALL Java_io_edgecert_edge_SystemOpenSslRsa_parseKey(JNIEnv *env, jclass cls, jbyteArray der) {
    jsize len = (*env)->GetArrayLength(env, der);
    unsigned char *buf = malloc(len > 0 ? (size_t) len : 1);
    if (buf == NULL) {
        throw_openssl(env, "out of memory");
        return 0;
    }
    (*env)->GetByteArrayRegion(env, der, 0, len, (jbyte *) buf);
    const unsigned char *p = buf;
    EVP_PKEY *pkey = d2i_AutoPrivateKey(NULL, &p, len);
    OPENSSL_cleanse(buf, (size_t) len);
    free(buf);
    if (pkey == NULL) {
        throw_openssl(env, "OpenSSL cannot parse the private key");
        return 0;
    }
    RSA *rsa = EVP_PKEY_get_base_id(pkey) == EVP_PKEY_RSA ? EVP_PKEY_get1_RSA(pkey) : NULL;
    EVP_PKEY_free(pkey);
    if (rsa == NULL) {
        throw_openssl(env, "not an RSA private key");
        return 0;
    }
    return (jlong) (intptr_t) rsa;
}

JNIEXPORT void JNICALL Java_io_edgecert_edge_SystemOpenSslRsa_freeKey(JNIEnv *env, jclass cls, jlong key) {
    RSA_free((RSA *) (intptr_t) key);
}

static jbyteArray to_java(JNIEnv *env, const unsigned char *bytes, int len) {
    jbyteArray out = (*env)->NewByteArray(env, len);
    if (out != NULL) {
        (*env)->SetByteArrayRegion(env, out, 0, len, (const jbyte *) bytes);
    }
    return out;
}

/* signs the message |input| (BoringSSL passes it unhashed) with the given TLS signature scheme */
JNIEXPORT jbyteArray JNICALL Java_io_edgecert_edge_SystemOpenSslRsa_sign(JNIEnv *env, jclass cls, jlong key,
                                                                         jint scheme, jbyteArray input) {
    RSA *rsa = (RSA *) (intptr_t) key;
    const EVP_MD *md;
    int nid, pss;
    switch (scheme) {
        case RSA_PKCS1_SHA1: md = sha1; nid = NID_sha1; pss = 0; break;
        case RSA_PKCS1_SHA256: md = sha256; nid = NID_sha256; pss = 0; break;
        case RSA_PKCS1_SHA384: md = sha384; nid = NID_sha384; pss = 0; break;
        case RSA_PKCS1_SHA512: md = sha512; nid = NID_sha512; pss = 0; break;
        case RSA_PSS_RSAE_SHA256: md = sha256; nid = NID_sha256; pss = 1; break;
        case RSA_PSS_RSAE_SHA384: md = sha384; nid = NID_sha384; pss = 1; break;
        case RSA_PSS_RSAE_SHA512: md = sha512; nid = NID_sha512; pss = 1; break;
        default: {
            char what[64];
            snprintf(what, sizeof what, "unsupported signature scheme 0x%04x", (unsigned) scheme);
            throw_openssl(env, what);
            return NULL;
        }
    }
    int size = RSA_size(rsa);
    if (size <= 0 || size > MAX_MODULUS_BYTES) {
        throw_openssl(env, "unexpected RSA modulus size");
        return NULL;
    }
    jsize len = (*env)->GetArrayLength(env, input);
    jbyte *in = (*env)->GetPrimitiveArrayCritical(env, input, NULL);
    if (in == NULL) {
        return NULL;
    }
    unsigned char digest[64];
    unsigned int digest_len = 0;
    int hashed = EVP_Digest(in, (size_t) len, digest, &digest_len, md, NULL);
    (*env)->ReleasePrimitiveArrayCritical(env, input, in, JNI_ABORT);
    if (!hashed) {
        throw_openssl(env, "digest failed");
        return NULL;
    }
    unsigned char sig[MAX_MODULUS_BYTES];
    unsigned int sig_len = 0;
    int ok;
    if (pss) {
        unsigned char em[MAX_MODULUS_BYTES];
        ok = RSA_padding_add_PKCS1_PSS_mgf1(rsa, em, digest, md, md, RSA_PSS_SALTLEN_DIGEST)
             && RSA_private_encrypt(size, em, sig, rsa, RSA_NO_PADDING) == size;
        sig_len = (unsigned int) size;
        OPENSSL_cleanse(em, (size_t) size);
    } else {
        ok = RSA_sign(nid, digest, digest_len, sig, &sig_len, rsa);
    }
    if (!ok) {
        throw_openssl(env, "RSA signature failed");
        return NULL;
    }
    return to_java(env, sig, (int) sig_len);
}

/* raw RSA decryption (no padding: BoringSSL checks the PKCS#1 padding itself), for RSA key exchange */
JNIEXPORT jbyteArray JNICALL Java_io_edgecert_edge_SystemOpenSslRsa_decrypt(JNIEnv *env, jclass cls, jlong key,
                                                                            jbyteArray input) {
    RSA *rsa = (RSA *) (intptr_t) key;
    int size = RSA_size(rsa);
    jsize len = (*env)->GetArrayLength(env, input);
    if (size <= 0 || size > MAX_MODULUS_BYTES || len != size) {
        throw_openssl(env, "RSA ciphertext does not match the modulus size");
        return NULL;
    }
    unsigned char in[MAX_MODULUS_BYTES], out[MAX_MODULUS_BYTES];
    (*env)->GetByteArrayRegion(env, input, 0, len, (jbyte *) in);
    int n = RSA_private_decrypt(len, in, out, rsa, RSA_NO_PADDING);
    if (n < 0) {
        throw_openssl(env, "RSA decryption failed");
        return NULL;
    }
    jbyteArray result = to_java(env, out, n);
    OPENSSL_cleanse(out, (size_t) size);
    return result;
}
