/* net/tls.h — TLS 1.3 through OpenSSL memory BIOs: a byte engine with no
 * socket of its own, so libuv (or a test) moves the ciphertext. The one
 * file that includes OpenSSL's TLS.
 *
 * Contexts, made once:
 *   tls_ctx *srv; tls_ctx_server(&srv, "cert.pem", "key.pem", why, cap);
 *   tls_ctx *cli; tls_ctx_client(&cli, ca_file, pin, why, cap);
 * A client verifies the receiver by one of three rules: a pinned SHA-256
 * fingerprint of its certificate (pin != NULL: hex, colons allowed; no CA
 * or name check), a given CA or self-signed certificate (ca_file), or the
 * system's CAs (both NULL). With a CA, the certificate must also name the
 * host (DNS name or IP address) given to tls_conn_new. TLS 1.3 only.
 *
 * One connection:
 *   tls_conn *t; tls_conn_new(&t, ctx, host);     // host: client side only
 *   network bytes in:  tls_conn_feed(t, p, n);
 *   plaintext out:     while ((rc = tls_conn_read(t, buf, cap, &got)) == 0 && got) use(buf, got);
 *                      rc 1: the peer closed the TLS session; rc < 0: failed, tls_conn_why(t)
 *   plaintext in:      tls_conn_write(t, p, n);     // queued until the handshake is done
 *   network bytes out: tls_conn_output(t, &bytebuf); // after every feed, read and write
 *   tls_conn_free(t);
 * tls_conn_ready(t) says the handshake is done.
 *
 * Helpers: tls_looks_like_tls(first byte) tells a TLS ClientHello or
 * ServerHello (a handshake record, 0x16) from our plaintext frames;
 * tls_gen_cert(dir, ...) writes a self-signed cert.pem and key.pem (0600)
 * naming this host's names and addresses; tls_cert_fingerprint prints
 * the SHA-256 a client pins with --tls-pin. */
#ifndef SL_TLS_H
#define SL_TLS_H

#include "../common/bytebuf.h"
#include <stddef.h>
#include <stdint.h>

#define TLS_FP_HEX 96   /* "AB:CD:..." for 32 bytes, with NUL */

typedef struct tls_ctx  tls_ctx;
typedef struct tls_conn tls_conn;

int  tls_ctx_server(tls_ctx **out, const char *cert, const char *key, char *why, size_t cap);
int  tls_ctx_client(tls_ctx **out, const char *ca_file, const char *pin, char *why,
                    size_t cap);
void tls_ctx_free(tls_ctx *c);

int  tls_conn_new(tls_conn **out, tls_ctx *ctx, const char *host);
void tls_conn_free(tls_conn *t);
int  tls_conn_feed(tls_conn *t, const uint8_t *p, size_t n);
int  tls_conn_read(tls_conn *t, uint8_t *buf, size_t cap, size_t *got);
int  tls_conn_write(tls_conn *t, const uint8_t *p, size_t n);
int  tls_conn_output(tls_conn *t, bytebuf *out);
/* Queues a close_notify (then call tls_conn_output). */
void tls_conn_shutdown(tls_conn *t);
int  tls_conn_ready(const tls_conn *t);
const char *tls_conn_version(const tls_conn *t);
const char *tls_conn_why(const tls_conn *t);

int  tls_looks_like_tls(uint8_t first);
int  tls_gen_cert(const char *dir, char fp[TLS_FP_HEX], char *why, size_t cap);
int  tls_cert_fingerprint(const char *cert_file, char fp[TLS_FP_HEX], char *why, size_t cap);

#endif
