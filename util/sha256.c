/* util/sha256.c — see sha256.h. */
#include "sha256.h"

#include <openssl/evp.h>
#include <stdio.h>

sha256_ctx *sha256_new(void)
{
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    if (!md) return NULL;
    if (EVP_DigestInit_ex(md, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(md);
        return NULL;
    }
    return md;
}

void sha256_update(sha256_ctx *c, const void *p, size_t n)
{
    EVP_DigestUpdate(c, p, n);
}

void sha256_final(sha256_ctx *c, uint8_t out[32])
{
    unsigned int len = 32;
    EVP_DigestFinal_ex(c, out, &len);
    EVP_MD_CTX_free(c);
}

void sha256_free(sha256_ctx *c)
{
    EVP_MD_CTX_free(c);
}

void sha256_once(const void *p, size_t n, uint8_t out[32])
{
    unsigned int len = 32;
    EVP_Digest(p, n, out, &len, EVP_sha256(), NULL);
}

void sha256_hex(const uint8_t h[32], char hex[65])
{
    for (int i = 0; i < 32; i++) snprintf(hex + 2 * i, 3, "%02x", h[i]);
}
