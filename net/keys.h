/* net/keys.h — who may send: Ed25519 keys, signatures and the
 * authorized-keys file, through libsodium (the one file that includes
 * sodium.h).
 *
 *   keys_init();                                  // once, before anything else
 *   keys_pair kp; keys_generate(&kp);
 *   keys_save_secret("id", &kp, why, cap);       // mode 0600, never overwrites
 *   keys_load_secret("id", &kp, why, cap);
 *   keys_format_public(kp.pk, "alice@lab", line, sizeof line);
 *       -> "sl-ed25519 BASE64 alice@lab", one authorized-keys line
 *
 * What a sender signs (keys_auth_message): a domain tag, the receiver's
 * 32-byte challenge (all zeros in a recording, which no live receiver
 * issues), the SHA-256 of the MANIFEST payload and of the recipe text.
 *   keys_sign(&kp, msg, sig);   keys_verify(pk, msg, sig) -> 0 or SL_EAUTH_SIG
 *
 * The authorized-keys file: one key per line, "sl-ed25519 BASE64 comment",
 * like ssh's; blank lines and lines starting with '#' are skipped; any
 * other line is an error naming its line number (a typo must not silently
 * lock someone out, or in).
 *   keys_list l; keys_load_authorized(path, &l, why, cap);
 *   const keys_entry *e = keys_find(&l, pk);      // NULL: not authorized
 *   keys_list_free(&l);
 * keys_fingerprint gives "SHA256:" + unpadded base64, as ssh prints it.
 * Every call returns 0 or a negative SL_E* code with why[] filled in. */
#ifndef SL_KEYS_H
#define SL_KEYS_H

#include <stddef.h>
#include <stdint.h>

#define KEYS_PUB        32
#define KEYS_SEED       32
#define KEYS_SECRET     64
#define KEYS_SIG        64
#define KEYS_CHALLENGE  32
#define KEYS_MSG        (16 + KEYS_CHALLENGE + 32 + 32)
#define KEYS_FP_LEN     51     /* "SHA256:" + 43 + NUL */
#define KEYS_LINE_MAX   1024
#define KEYS_COMMENT    200
#define KEYS_TYPE       "sl-ed25519"

typedef struct keys_pair {
    uint8_t pk[KEYS_PUB];
    uint8_t sk[KEYS_SECRET];
} keys_pair;

typedef struct keys_entry {
    uint8_t pk[KEYS_PUB];
    char    comment[KEYS_COMMENT + 1];
} keys_entry;

typedef struct keys_list {
    keys_entry *v;
    size_t      n;
} keys_list;

int  keys_init(void);
int  keys_generate(keys_pair *kp);
void keys_wipe(keys_pair *kp);
int  keys_save_secret(const char *path, const keys_pair *kp, char *why, size_t cap);
int  keys_load_secret(const char *path, keys_pair *kp, char *why, size_t cap);
int  keys_format_public(const uint8_t pk[KEYS_PUB], const char *comment, char *line,
                        size_t cap);
void keys_fingerprint(const uint8_t pk[KEYS_PUB], char out[KEYS_FP_LEN]);

int  keys_parse_authorized(const char *text, size_t len, keys_list *out, char *why,
                           size_t cap);
int  keys_load_authorized(const char *path, keys_list *out, char *why, size_t cap);
const keys_entry *keys_find(const keys_list *l, const uint8_t pk[KEYS_PUB]);
void keys_list_free(keys_list *l);

void keys_auth_message(const uint8_t challenge[KEYS_CHALLENGE], const uint8_t manifest[32],
                       const uint8_t recipe[32], uint8_t msg[KEYS_MSG]);
void keys_sign(const keys_pair *kp, const uint8_t msg[KEYS_MSG], uint8_t sig[KEYS_SIG]);
int  keys_verify(const uint8_t pk[KEYS_PUB], const uint8_t msg[KEYS_MSG],
                 const uint8_t sig[KEYS_SIG]);
/* Cryptographically random bytes (a challenge). */
void keys_random(uint8_t *buf, size_t n);

#endif
