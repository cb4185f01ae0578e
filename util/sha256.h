/* util/sha256.h — SHA-256 through OpenSSL's EVP interface; the one file
 * that includes OpenSSL's hashing.
 *   sha256_ctx *c = sha256_new(); sha256_update(c, p, n) ...;
 *   sha256_final(c, out);  (frees c)   or sha256_free(c) to abandon. */
#ifndef SL_SHA256_H
#define SL_SHA256_H

#include <stddef.h>
#include <stdint.h>

/* OpenSSL's EVP_MD_CTX, kept opaque here. */
typedef struct evp_md_ctx_st sha256_ctx;

sha256_ctx *sha256_new(void);
void        sha256_update(sha256_ctx *c, const void *p, size_t n);
void        sha256_final(sha256_ctx *c, uint8_t out[32]);
void        sha256_free(sha256_ctx *c);
void        sha256_once(const void *p, size_t n, uint8_t out[32]);
void        sha256_hex(const uint8_t h[32], char hex[65]);

#endif
