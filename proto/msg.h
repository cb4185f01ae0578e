/* proto/msg.h — the payload of each frame type, as C structs, with an
 * encoder and a validating decoder for each (see PROTOCOL.md).
 *
 *   msg_done d = {...}; msg_done_write(&buf, &d);        // appends a frame
 *   msg_done d; int rc = msg_done_read(&f, &d);         // f: a parsed frame
 * Decoders check every field and return a named SL_E* code. Decoded
 * pointers (names, the packed recipe, chunk data) point into the frame's
 * payload. msg_hello_write also writes the stream's preamble before the
 * frame: HELLO is always a stream's first frame. */
#ifndef SL_MSG_H
#define SL_MSG_H

#include "frame.h"
#include "../common/recipe.h"
#include <stdint.h>

#define MSG_MAX_FILES     65536
#define MSG_MAX_NAME      4096
#define MSG_MAX_CHUNK     (16u << 20)
#define MSG_MAX_ERRTEXT   1000
#define MSG_RECIPE_HASH   16     /* bytes of the recipe's SHA-256 carried */

/* HELLO capability bits; a reader refuses bits it does not know. */
#define MSG_CAPS_KNOWN    0u

#define MSG_CHALLENGE     32

typedef struct msg_hello {
    uint32_t caps;
    uint8_t  has_challenge;      /* a receiver's HELLO carries one; a sender's does not */
    uint8_t  challenge[MSG_CHALLENGE];
} msg_hello;

/* A manifest entry's mode: the permission bits, and MSG_MODE_DIR for an
 * empty directory (no bytes, no size, no SHA-256). */
#define MSG_MODE_PERM     0777u
#define MSG_MODE_DIR      010000u

/* AUTH: who sends, and their signature over the receiver's challenge, the
 * MANIFEST to come and its recipe (net/keys.h says exactly what is signed). */
#define MSG_AUTH_ED25519  1

typedef struct msg_auth {
    uint8_t scheme;              /* MSG_AUTH_ED25519 */
    uint8_t key[32];
    uint8_t manifest_hash[32];   /* SHA-256 of the MANIFEST payload that follows */
    uint8_t recipe_hash[32];     /* SHA-256 of the recipe's canonical text */
    uint8_t sig[64];
} msg_auth;

typedef struct msg_file {
    const char *name;            /* not NUL-terminated; name_len bytes */
    uint16_t    name_len;
    uint32_t    mode;            /* MSG_MODE_PERM bits, | MSG_MODE_DIR */
    uint64_t    mtime;           /* seconds since 1970-01-01 UTC */
    uint64_t    size;            /* 0 for a directory */
    uint8_t     sha256[32];      /* zeros for a directory */
} msg_file;

typedef struct msg_manifest {
    uint32_t       chunk_size;
    const uint8_t *recipe;       /* packed (recipe_pack), recipe_len bytes */
    uint32_t       recipe_len;
    uint8_t        recipe_hash[MSG_RECIPE_HASH];  /* SHA-256 of the canonical text */
    uint64_t       total;        /* sum of the file sizes (not on the wire) */
    uint32_t       nfiles;
    msg_file      *files;        /* msg_manifest_read allocates; msg_manifest_fini frees */
} msg_manifest;

/* CHUNK flags */
#define MSG_CHUNK_STORED  1u     /* the data is the raw bytes */
#define MSG_CHUNK_DIGEST  2u     /* a model digest follows the flags */

typedef struct msg_chunk {
    uint32_t       index, raw_crc;
    uint8_t        flags;
    uint64_t       digest;       /* when flags & MSG_CHUNK_DIGEST */
    const uint8_t *data;
    uint32_t       data_len;
} msg_chunk;

typedef struct msg_ack {
    uint32_t chunks;
    uint64_t raw;
    uint8_t  final;
    uint32_t files;
} msg_ack;

typedef struct msg_done {
    uint64_t encode_us;
    uint64_t zlib, xz, zstd;     /* baseline sizes of the whole stream */
} msg_done;

typedef struct msg_error {
    int32_t code;
    char    text[MSG_MAX_ERRTEXT + 1];
} msg_error;

int msg_hello_write(bytebuf *out, const msg_hello *m);
int msg_hello_read(const frame *f, msg_hello *m);
/* The recipe hash is the caller's (OpenSSL lives above proto/). */
int msg_manifest_write(bytebuf *out, const msg_manifest *m);
int msg_manifest_read(const frame *f, msg_manifest *m);
void msg_manifest_fini(msg_manifest *m);
int msg_chunk_write(bytebuf *out, const msg_chunk *m);
int msg_chunk_read(const frame *f, msg_chunk *m);
/* A CHUNK's index without decoding the rest (for the order check). */
int msg_chunk_index(const frame *f, uint32_t *index);
int msg_auth_write(bytebuf *out, const msg_auth *m);
int msg_auth_read(const frame *f, msg_auth *m);
int msg_ack_write(bytebuf *out, const msg_ack *m);
int msg_ack_read(const frame *f, msg_ack *m);
int msg_done_write(bytebuf *out, const msg_done *m);
int msg_done_read(const frame *f, msg_done *m);
int msg_error_write(bytebuf *out, int32_t code, const char *text);
int msg_error_read(const frame *f, msg_error *m);

/* PROTOCOL.md "Names" (valid UTF-8 among them): 0 or SL_EPROTO_NAME. */
int msg_name_check(const char *name, size_t len);

#endif
