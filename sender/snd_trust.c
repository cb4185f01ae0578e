/* sender/snd_trust.c — see snd_trust.h. */
#include "snd_trust.h"
#include "../common/err.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void snd_trust_init(snd_trust *t)
{
    memset(t, 0, sizeof *t);
    t->connect_s = t->handshake_s = 10;
    t->idle_s = 300;
}

static int number(const char *opt, const char *arg, uint64_t hi, uint64_t *v)
{
    char *end;
    unsigned long long n = strtoull(arg, &end, 10);
    if (!*arg || *end || arg[0] == '-' || n > hi) {
        fprintf(stderr, "satyad: %s must be 0..%llu, got '%s'\n", opt,
                (unsigned long long)hi, arg);
        return 2;
    }
    *v = n;
    return 0;
}

int snd_trust_option(snd_trust *t, int code, const char *arg)
{
    uint64_t v;
    switch (code) {
    case SND_OPT_GENKEY: t->gen_key = arg; return 0;
    case SND_OPT_KEY: t->key_file = arg; return 0;
    case SND_OPT_TLS: t->tls_on = 1; return 0;
    case SND_OPT_TLS_CA: t->ca = arg; t->tls_on = 1; return 0;
    case SND_OPT_TLS_PIN: t->pin = arg; t->tls_on = 1; return 0;
    case SND_OPT_CONNECT: return number("--connect-timeout", arg, 3600, &t->connect_s);
    case SND_OPT_HANDSHAKE: return number("--handshake-timeout", arg, 3600, &t->handshake_s);
    case SND_OPT_IDLE: return number("--idle-timeout", arg, 86400, &t->idle_s);
    case SND_OPT_RETRY:
        if (number("--retry", arg, 1000, &v)) return 2;
        t->retries = (int)v;
        return 0;
    }
    return 2;
}

/* "user@host", the comment of a new key's public line. */
static void default_comment(char *buf, size_t cap)
{
    char host[128] = "localhost";
    gethostname(host, sizeof host - 1);
    struct passwd *pw = getpwuid(getuid());
    snprintf(buf, cap, "%s@%s", pw && pw->pw_name ? pw->pw_name : "satyad", host);
}

static int gen_key(const snd_trust *t)
{
    keys_pair kp;
    char why[512], line[KEYS_LINE_MAX], comment[200];
    int rc = keys_generate(&kp);
    if (!rc) rc = keys_save_secret(t->gen_key, &kp, why, sizeof why);
    else snprintf(why, sizeof why, "cannot make a key");
    default_comment(comment, sizeof comment);
    if (!rc) rc = keys_format_public(kp.pk, comment, line, sizeof line);
    keys_wipe(&kp);
    if (rc) {
        fprintf(stderr, "satyad: %s\n", why);
        return 1;
    }
    printf("%s\n", line);
    fprintf(stderr, "satyad: secret key in %s; give the line above to the receiver's "
            "--authorized-keys file\n", t->gen_key);
    return 0;
}

int snd_trust_start(snd_trust *t)
{
    if (keys_init()) {
        fprintf(stderr, "satyad: libsodium did not start\n");
        return 1;
    }
    if (t->gen_key) return gen_key(t) ? 1 : -1;
    char why[512];
    if (t->key_file) {
        if (keys_load_secret(t->key_file, &t->key, why, sizeof why)) {
            fprintf(stderr, "satyad: --key: %s\n", why);
            return 2;
        }
        t->have_key = 1;
    }
    if (t->ca && t->pin) {
        fprintf(stderr, "satyad: give --tls-ca or --tls-pin, not both\n");
        return 2;
    }
    if (t->tls_on && tls_ctx_client(&t->tls, t->ca, t->pin, why, sizeof why)) {
        fprintf(stderr, "satyad: %s\n", why);
        return 2;
    }
    return 0;
}

void snd_trust_apply(const snd_trust *t, snd_link_cfg *cfg)
{
    cfg->tls = t->tls;
    cfg->connect_ms = t->connect_s * 1000;
    cfg->handshake_ms = t->handshake_s * 1000;
    cfg->idle_ms = t->idle_s * 1000;
    cfg->retries = t->retries;
    cfg->key = t->have_key ? &t->key : NULL;
}

void snd_trust_fini(snd_trust *t)
{
    keys_wipe(&t->key);
    tls_ctx_free(t->tls);
}
