/* receiver/rcv_trust.c — see rcv_trust.h. */
#include "rcv_trust.h"
#include "../common/err.h"
#include "../util/units.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rcv_trust_init(rcv_trust *t)
{
    memset(t, 0, sizeof *t);
    t->max_sessions = 32;
    t->max_chunk = 4u << 20;
    t->handshake_s = 10;
    t->keep_hours = 24;
}

static int number(const char *opt, const char *arg, uint64_t lo, uint64_t hi, uint64_t *v)
{
    char *end;
    unsigned long long n = strtoull(arg, &end, 10);
    if (!*arg || *end || arg[0] == '-' || n < lo || n > hi) {
        fprintf(stderr, "sundard: %s must be %llu..%llu, got '%s'\n", opt,
                (unsigned long long)lo, (unsigned long long)hi, arg);
        return 2;
    }
    *v = n;
    return 0;
}

int rcv_trust_option(rcv_trust *t, int code, const char *arg)
{
    uint64_t v;
    switch (code) {
    case RCV_OPT_KEYS: t->keys_file = arg; return 0;
    case RCV_OPT_ANYONE: t->allow_anyone = 1; return 0;
    case RCV_OPT_CERT: t->cert = arg; return 0;
    case RCV_OPT_KEY: t->key = arg; return 0;
    case RCV_OPT_GENCERT: t->gen_cert = arg; return 0;
    case RCV_OPT_OVERWRITE: t->overwrite = 1; return 0;
    case RCV_OPT_SESSIONS:
        if (number("--max-sessions", arg, 1, 10000, &v)) return 2;
        t->max_sessions = (int)v;
        return 0;
    case RCV_OPT_HANDSHAKE:
        if (number("--handshake-timeout", arg, 1, 3600, &v)) return 2;
        t->handshake_s = v;
        return 0;
    case RCV_OPT_KEEP:
        if (number("--keep-staging", arg, 0, 24 * 365, &v)) return 2;
        t->keep_hours = (double)v;
        return 0;
    case RCV_OPT_MEMORY: case RCV_OPT_CHUNK:
        if (units_size(arg, &v) || v == 0 || (code == RCV_OPT_CHUNK && v > MSG_MAX_CHUNK)) {
            fprintf(stderr, "sundard: '%s' is not a size%s (try 4M, 2G)\n", arg,
                    code == RCV_OPT_CHUNK ? " up to 16M" : "");
            return 2;
        }
        if (code == RCV_OPT_MEMORY) t->max_memory = v;
        else t->max_chunk = v;
        return 0;
    }
    return 2;
}

static int gen_cert(const rcv_trust *t)
{
    char fp[TLS_FP_HEX], why[512];
    if (tls_gen_cert(t->gen_cert, fp, why, sizeof why)) {
        fprintf(stderr, "sundard: %s\n", why);
        return 1;
    }
    printf("%s\n", fp);
    fprintf(stderr, "sundard: wrote %s/cert.pem and %s/key.pem; run\n"
            "  sundard --tls-cert %s/cert.pem --tls-key %s/key.pem ...\n"
            "and on each sender\n  satyad --tls-pin %s ...\n",
            t->gen_cert, t->gen_cert, t->gen_cert, t->gen_cert, fp);
    return 0;
}

static int start_tls(rcv_trust *t, int quiet)
{
    if (!t->cert != !t->key) {
        fprintf(stderr, "sundard: --tls-cert and --tls-key go together\n");
        return 2;
    }
    if (!t->cert) return 0;
    char why[512], fp[TLS_FP_HEX];
    if (tls_ctx_server(&t->tls, t->cert, t->key, why, sizeof why)) {
        fprintf(stderr, "sundard: %s\n", why);
        return 2;
    }
    if (!quiet && tls_cert_fingerprint(t->cert, fp, why, sizeof why) == 0)
        fprintf(stderr, "sundard: TLS 1.3 only; certificate fingerprint %s\n", fp);
    return 0;
}

int rcv_trust_start(rcv_trust *t, rcv_conn_cfg *cfg, int quiet)
{
    if (keys_init()) {
        fprintf(stderr, "sundard: libsodium did not start\n");
        return 1;
    }
    if (t->gen_cert) return gen_cert(t) ? 1 : -1;
    char why[512];
    if (t->keys_file && keys_load_authorized(t->keys_file, &t->keys, why, sizeof why)) {
        fprintf(stderr, "sundard: --authorized-keys %s\n", why);
        return 2;
    }
    int rc = start_tls(t, quiet);
    if (rc) return rc;
    if (!t->max_memory) t->max_memory = rcv_budget_default();
    if (rcv_budget_init(&t->budget, t->max_memory)) return 1;
    t->have_budget = 1;
    cfg->core.overwrite = t->overwrite;
    cfg->core.max_chunk = (uint32_t)t->max_chunk;
    cfg->core.budget = &t->budget;
    cfg->core.budget_wait_ms = t->handshake_s * 1000;
    cfg->max_sessions = t->max_sessions;
    cfg->handshake_ms = t->handshake_s * 1000;
    cfg->tls = t->tls;
    cfg->core.keys = t->keys.n ? &t->keys : NULL;
    return 0;
}

static int is_loopback(const struct sockaddr *a)
{
    if (a->sa_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)a)->sin_addr.s_addr) >> 24) == 127;
    if (a->sa_family == AF_INET6) {
        const struct in6_addr *v6 = &((const struct sockaddr_in6 *)a)->sin6_addr;
        return IN6_IS_ADDR_LOOPBACK(v6) ||
               (IN6_IS_ADDR_V4MAPPED(v6) && v6->s6_addr[12] == 127);
    }
    return 0;
}

int rcv_trust_listen_ok(const rcv_trust *t, const struct sockaddr *addr, const char *listen)
{
    if (t->keys.n || t->allow_anyone || is_loopback(addr)) return 1;
    fprintf(stderr,
            "sundard: refusing to listen on %s without --authorized-keys: anyone who can\n"
            "  reach it could write into --out. Give --authorized-keys FILE (keys from\n"
            "  satyad --gen-key), or --allow-anyone if that is what you want.\n", listen);
    return 0;
}

void rcv_trust_fini(rcv_trust *t)
{
    keys_list_free(&t->keys);
    tls_ctx_free(t->tls);
    if (t->have_budget) rcv_budget_fini(&t->budget);
}
