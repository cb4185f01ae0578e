/* sender/snd_trust.h — satyad's options for keys, TLS, timeouts and
 * retries, parsed and set up in one place:
 *   --gen-key FILE, --key FILE, --tls, --tls-ca FILE, --tls-pin SHA256,
 *   --connect-timeout SEC, --handshake-timeout SEC, --idle-timeout SEC,
 *   --retry N.
 *
 *   snd_trust t; snd_trust_init(&t);
 *   in the getopt loop: default: if in [SND_TRUST_FIRST, SND_TRUST_LAST]
 *       if (snd_trust_option(&t, c, optarg)) return 2;
 *   rc = snd_trust_start(&t);    // 0, -1 (done: --gen-key; exit 0), or an exit status
 *   snd_trust_apply(&t, &link_cfg);   // per receiver
 *   snd_trust_fini(&t);
 * --gen-key FILE writes the secret key (mode 0600) and prints the public
 * key line on stdout, the line for an authorized-keys file, and nothing
 * else there. */
#ifndef SL_SND_TRUST_H
#define SL_SND_TRUST_H

#include "snd_link.h"
#include "../net/keys.h"
#include "../net/tls.h"
#include <getopt.h>

enum {
    SND_TRUST_FIRST = 0x200,
    SND_OPT_GENKEY = SND_TRUST_FIRST, SND_OPT_KEY, SND_OPT_TLS, SND_OPT_TLS_CA, SND_OPT_TLS_PIN,
    SND_OPT_CONNECT, SND_OPT_HANDSHAKE, SND_OPT_IDLE, SND_OPT_RETRY,
    SND_TRUST_LAST = SND_OPT_RETRY
};

#define SND_TRUST_OPTIONS \
    {"gen-key", required_argument, 0, SND_OPT_GENKEY}, \
    {"key", required_argument, 0, SND_OPT_KEY}, \
    {"tls", no_argument, 0, SND_OPT_TLS}, \
    {"tls-ca", required_argument, 0, SND_OPT_TLS_CA}, \
    {"tls-pin", required_argument, 0, SND_OPT_TLS_PIN}, \
    {"connect-timeout", required_argument, 0, SND_OPT_CONNECT}, \
    {"handshake-timeout", required_argument, 0, SND_OPT_HANDSHAKE}, \
    {"idle-timeout", required_argument, 0, SND_OPT_IDLE}, \
    {"retry", required_argument, 0, SND_OPT_RETRY}

#define SND_TRUST_USAGE \
"Keys, privacy, and a link that fails:\n" \
"      --gen-key FILE       write a secret key to FILE (mode 0600) and print its\n" \
"                           public line, for the receiver's --authorized-keys\n" \
"      --key FILE           sign sessions with this key\n" \
"      --tls                TLS 1.3, the receiver checked against the system's CAs\n" \
"      --tls-ca FILE        ... against this CA or self-signed certificate\n" \
"      --tls-pin SHA256     ... by its certificate's fingerprint (sundard --gen-cert)\n" \
"      --connect-timeout SEC, --handshake-timeout SEC   (default 10 each)\n" \
"      --idle-timeout SEC   give up on a receiver silent this long (default 300)\n" \
"      --retry N            after a cut or a busy receiver, try N more times,\n" \
"                           waiting 1, 2, 4 ... 30 s (default 0)\n"

typedef struct snd_trust {
    const char *gen_key, *key_file, *ca, *pin;
    int         tls_on, retries;
    uint64_t    connect_s, handshake_s, idle_s;
    keys_pair   key;
    int         have_key;
    tls_ctx    *tls;
} snd_trust;

void snd_trust_init(snd_trust *t);
int  snd_trust_option(snd_trust *t, int code, const char *arg);
int  snd_trust_start(snd_trust *t);
void snd_trust_apply(const snd_trust *t, snd_link_cfg *cfg);
void snd_trust_fini(snd_trust *t);

#endif
