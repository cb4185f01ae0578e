/* receiver/rcv_trust.h — sundard's options for who may send, privacy and
 * limits, parsed and set up in one place:
 *   --authorized-keys FILE, --allow-anyone, --tls-cert FILE, --tls-key FILE,
 *   --gen-cert DIR, --overwrite, --max-sessions N, --max-memory SIZE,
 *   --max-chunk SIZE, --handshake-timeout SEC, --keep-staging HOURS.
 *
 *   rcv_trust t; rcv_trust_init(&t);
 *   in the getopt loop: case RCV_TRUST_FIRST ... RCV_TRUST_LAST:
 *       if (rcv_trust_option(&t, c, optarg)) return 2;
 *   rc = rcv_trust_start(&t, &cfg, quiet);   // loads keys and TLS, applies limits;
 *                                            // 0, or an exit status after saying why
 *   rcv_trust_listen_ok(&t, addr)            // no keys: loopback only, unless --allow-anyone
 *   rcv_trust_fini(&t);
 * --gen-cert DIR makes the certificate and prints its fingerprint on
 * stdout; rcv_trust_start then returns -1 (done: exit 0). */
#ifndef SL_RCV_TRUST_H
#define SL_RCV_TRUST_H

#include "rcv_budget.h"
#include "rcv_conn.h"
#include "../net/keys.h"
#include "../net/tls.h"
#include <getopt.h>
#include <sys/socket.h>

enum {
    RCV_TRUST_FIRST = 0x200,
    RCV_OPT_KEYS = RCV_TRUST_FIRST, RCV_OPT_ANYONE, RCV_OPT_CERT, RCV_OPT_KEY,
    RCV_OPT_GENCERT, RCV_OPT_OVERWRITE, RCV_OPT_SESSIONS, RCV_OPT_MEMORY, RCV_OPT_CHUNK,
    RCV_OPT_HANDSHAKE, RCV_OPT_KEEP,
    RCV_TRUST_LAST = RCV_OPT_KEEP
};

#define RCV_TRUST_OPTIONS \
    {"authorized-keys", required_argument, 0, RCV_OPT_KEYS}, \
    {"allow-anyone", no_argument, 0, RCV_OPT_ANYONE}, \
    {"tls-cert", required_argument, 0, RCV_OPT_CERT}, \
    {"tls-key", required_argument, 0, RCV_OPT_KEY}, \
    {"gen-cert", required_argument, 0, RCV_OPT_GENCERT}, \
    {"overwrite", no_argument, 0, RCV_OPT_OVERWRITE}, \
    {"max-sessions", required_argument, 0, RCV_OPT_SESSIONS}, \
    {"max-memory", required_argument, 0, RCV_OPT_MEMORY}, \
    {"max-chunk", required_argument, 0, RCV_OPT_CHUNK}, \
    {"handshake-timeout", required_argument, 0, RCV_OPT_HANDSHAKE}, \
    {"keep-staging", required_argument, 0, RCV_OPT_KEEP}

#define RCV_TRUST_USAGE \
"Who may send, privacy, and limits:\n" \
"      --authorized-keys FILE  accept only senders whose key (satyad --gen-key)\n" \
"                            is in FILE, one \"sl-ed25519 KEY comment\" a line\n" \
"      --allow-anyone        without keys, listen beyond loopback anyway\n" \
"      --tls-cert FILE, --tls-key FILE   speak TLS 1.3 only, with this certificate\n" \
"      --gen-cert DIR        write a self-signed DIR/cert.pem and DIR/key.pem, print\n" \
"                            the fingerprint (for satyad --tls-pin), and exit\n" \
"      --overwrite           replace existing files (default: refuse the session)\n" \
"      --max-sessions N      sessions at once (default 32)\n" \
"      --max-memory SIZE     model memory of all sessions together (default half of RAM)\n" \
"      --max-chunk SIZE      largest chunk a sender may use (default 4M)\n" \
"      --handshake-timeout SEC  from connecting to MANIFEST (default 10)\n" \
"      --keep-staging HOURS  keep an interrupted session this long for a resume\n" \
"                            (default 24)\n"

typedef struct rcv_trust {
    const char *keys_file, *cert, *key, *gen_cert;
    int         allow_anyone, overwrite, max_sessions;
    uint64_t    max_memory, max_chunk, handshake_s;
    double      keep_hours;
    keys_list   keys;
    tls_ctx    *tls;
    rcv_budget  budget;
    int         have_budget;
} rcv_trust;

void rcv_trust_init(rcv_trust *t);
int  rcv_trust_option(rcv_trust *t, int code, const char *arg);
int  rcv_trust_start(rcv_trust *t, rcv_conn_cfg *cfg, int quiet);
int  rcv_trust_listen_ok(const rcv_trust *t, const struct sockaddr *addr, const char *listen);
void rcv_trust_fini(rcv_trust *t);

#endif
