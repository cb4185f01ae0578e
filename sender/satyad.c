/* sender/satyad.c — Satya, the sender: encode a corpus once with a model
 * built from a recipe, and stream the recipe and transcript to one or
 * more receivers over a throttled link (or record it to a file).
 * Run `satyad --help` for the options. */
#include "snd_encode.h"
#include "snd_link.h"
#include "snd_walk.h"
#include "../common/err.h"
#include "../common/recipe.h"
#include "../proto/msg.h"
#include "../proto/report.h"
#include "../proto/units.h"
#include "../tools/recipe_arg.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#define VERSION "satyad 0.1"
#define DEFAULT_PORT "4647"
#define MAX_LINKS 64

typedef struct app {
    uv_loop_t   *loop;
    uv_async_t   notify;
    uv_timer_t   progress;
    int          show_progress, quiet;
    snd_encoder  enc;
    snd_link    *links[MAX_LINKS];
    int          nlinks, links_ended, closing;
    uint64_t     total;
    double       t0;
} app;

static void usage(FILE *f)
{
    fprintf(f,
"usage: satyad --send PATH... [--to HOST:PORT]... [options]\n"
"Encode files, directory trees or stdin (-) once with a model built from a\n"
"training recipe, and stream the recipe and transcript to receivers.\n"
"\n"
"  -s, --send PATH      file, directory (sent recursively) or - for stdin;\n"
"                       repeatable, and further arguments are paths too\n"
"  -t, --to HOST:PORT   a receiver (repeatable: encode once, send to all);\n"
"                       default 127.0.0.1:" DEFAULT_PORT " unless --out is given\n"
"  -r, --recipe R       preset (uniform, order0, tiny, small, default, max, large,\n"
"                        tx) or recipe file\n"
"  -c, --chunk SIZE     raw bytes per chunk (default 64K; max 16M)\n"
"      --rate RATE      link rate, e.g. 56kbit, 1mbit, 2MB (bytes/s); 0 = no\n"
"                       limit (default 56kbit, a modem)\n"
"      --latency MS     one-way delay added to the link (default 0)\n"
"  -o, --out FILE       record the stream to FILE (decode with sundard --from)\n"
"      --json FILE      write the final figures as JSON\n"
"      --print-recipe   print the canonical recipe and exit\n"
"  -q, --quiet          no progress line and no report\n"
"  -h, --help           this help;  -V, --version  the version\n");
}

static int parse_target(const char *s, struct sockaddr_storage *out)
{
    char host[256];
    const char *port;
    if (s[0] == '[') {
        const char *e = strchr(s, ']');
        if (!e || e[1] != ':' || (size_t)(e - s - 1) >= sizeof host) return -1;
        memcpy(host, s + 1, (size_t)(e - s - 1));
        host[e - s - 1] = 0;
        port = e + 2;
    } else {
        const char *c = strrchr(s, ':');
        if (!c || (size_t)(c - s) >= sizeof host) return -1;
        memcpy(host, s, (size_t)(c - s));
        host[c - s] = 0;
        port = c + 1;
    }
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_socktype = SOCK_STREAM;
    if (!*host || !*port || getaddrinfo(host, port, &hints, &res) || !res) return -1;
    memcpy(out, res->ai_addr, res->ai_addrlen);
    freeaddrinfo(res);
    return 0;
}

static void maybe_close(app *a)
{
    if (a->closing) return;
    snd_status st;
    snd_encoder_status(&a->enc, &st);
    if (!st.finished || a->links_ended < a->nlinks) return;
    a->closing = 1;
    uv_close((uv_handle_t *)&a->notify, NULL);
    uv_close((uv_handle_t *)&a->progress, NULL);
}

static void on_link_end(snd_link *l, void *arg)
{
    (void)l;
    app *a = arg;
    a->links_ended++;
    maybe_close(a);
}

static void on_notify(uv_async_t *h)
{
    app *a = h->data;
    for (int i = 0; i < a->nlinks; i++) snd_link_pump(a->links[i]);
    maybe_close(a);
}

static void on_progress(uv_timer_t *t)
{
    app *a = t->data;
    snd_status st;
    snd_encoder_status(&a->enc, &st);
    uint64_t done = st.raw_done, wire = 0;
    double el = (double)uv_now(a->loop) / 1000.0 - a->t0, eta = -1;
    for (int i = 0; i < a->nlinks; i++) {
        snd_link *l = a->links[i];
        uint64_t got = l->ack.raw;
        if (i == 0 || got < done) done = got;
        if (i == 0 || l->written < wire) wire = l->written;
    }
    if (!a->nlinks) wire = st.spool_len;
    /* Between ACKs, estimate the stream bytes the slowest link carried. */
    if (a->nlinks && st.spool_len) {
        uint64_t est = (uint64_t)((double)st.raw_done * (double)wire / (double)st.spool_len);
        if (est > done) done = est < a->total ? est : a->total;
    }
    if (done && done < a->total && el > 0 && wire)
        eta = el * (double)(a->total - done) / (double)done;
    double bpc = st.raw_done ? (double)st.transcript * 8.0 / (double)st.raw_done : 0;
    report_progress(stderr, "satyad", done, a->total, bpc,
                    el > 0 ? (double)wire * 8.0 / el : 0, eta);
}

static int open_spool(const char *out, char **tmp_out)
{
    if (out) {
        size_t n = strlen(out) + 8;
        char *tmp = malloc(n);
        if (!tmp) return -1;
        snprintf(tmp, n, "%s.part", out);
        int fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0644);
        if (fd < 0) { free(tmp); return -1; }
        *tmp_out = tmp;
        return fd;
    }
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/satyad-spool-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd >= 0) unlink(path); /* anonymous: gone when we exit */
    return fd;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"send", required_argument, 0, 's'}, {"to", required_argument, 0, 't'},
        {"recipe", required_argument, 0, 'r'}, {"chunk", required_argument, 0, 'c'},
        {"rate", required_argument, 0, 'R'}, {"latency", required_argument, 0, 'L'},
        {"out", required_argument, 0, 'o'}, {"json", required_argument, 0, 'j'},
        {"print-recipe", no_argument, 0, 'P'}, {"quiet", no_argument, 0, 'q'},
        {"help", no_argument, 0, 'h'}, {"version", no_argument, 0, 'V'}, {0, 0, 0, 0}};
    char **paths = calloc((size_t)argc + 1, sizeof *paths);
    const char *targets[MAX_LINKS];
    int npaths = 0, ntargets = 0, quiet = 0, print_recipe = 0;
    const char *recipe_arg = "default", *out = NULL, *json = NULL;
    uint64_t chunk = 64 << 10, rate = 56000, latency = 0;
    int c;
    while ((c = getopt_long(argc, argv, "s:t:r:c:o:qhV", opts, NULL)) != -1) {
        switch (c) {
        case 's': paths[npaths++] = optarg; break;
        case 't':
            if (ntargets == MAX_LINKS) {
                fprintf(stderr, "satyad: at most %d receivers\n", MAX_LINKS);
                return 2;
            }
            targets[ntargets++] = optarg;
            break;
        case 'r': recipe_arg = optarg; break;
        case 'c':
            if (units_size(optarg, &chunk) || chunk == 0 || chunk > MSG_MAX_CHUNK) {
                fprintf(stderr, "satyad: --chunk must be 1 byte .. 16M, got '%s'\n", optarg);
                return 2;
            }
            break;
        case 'R':
            if (units_rate(optarg, &rate)) {
                fprintf(stderr, "satyad: --rate '%s' is not a rate (try 56kbit, 1mbit, 2MB, 0)\n",
                        optarg);
                return 2;
            }
            break;
        case 'L':
            if (units_ms(optarg, &latency) || latency > 60000) {
                fprintf(stderr, "satyad: --latency must be 0..60000 ms, got '%s'\n", optarg);
                return 2;
            }
            break;
        case 'o': out = optarg; break;
        case 'j': json = optarg; break;
        case 'P': print_recipe = 1; break;
        case 'q': quiet = 1; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("%s (codec version %d)\n", VERSION, CODEC_VERSION); return 0;
        default: usage(stderr); return 2;
        }
    }
    while (optind < argc) paths[npaths++] = argv[optind++];
    recipe_params rp;
    if (recipe_from_arg("satyad", recipe_arg, &rp)) return 2;
    if (print_recipe) {
        char text[RECIPE_MAX_TEXT];
        if (recipe_canonical(&rp, text, sizeof text) < 0) return 1;
        fputs(text, stdout);
        return 0;
    }
    if (!npaths) {
        fprintf(stderr, "satyad: nothing to send (give --send PATH; see --help)\n");
        return 2;
    }
    if (!ntargets && !out) targets[ntargets++] = "127.0.0.1:" DEFAULT_PORT;
    snd_link_cfg cfgs[MAX_LINKS];
    for (int i = 0; i < ntargets; i++) {
        memset(&cfgs[i], 0, sizeof cfgs[i]);
        cfgs[i].target = targets[i];
        if (parse_target(targets[i], &cfgs[i].addr)) {
            fprintf(stderr, "satyad: --to '%s' is not HOST:PORT (or cannot be resolved)\n",
                    targets[i]);
            return 2;
        }
    }

    snd_inputs in = {0};
    char err[512] = "";
    if (snd_walk(&in, paths, npaths, err, sizeof err)) {
        fprintf(stderr, "satyad: %s\n", err);
        return 1;
    }
    free(paths);

    uint8_t session[16];
    uv_random(NULL, NULL, session, sizeof session, 0, NULL);
    msg_hello h = {0, {0}, VERSION};
    memcpy(h.session, session, 16);
    bytebuf hello = {0};
    if (msg_hello_write(&hello, &h)) return 1;

    char *out_tmp = NULL;
    int fd = open_spool(out, &out_tmp);
    if (fd < 0) {
        fprintf(stderr, "satyad: cannot create %s: %s\n", out ? out : "the spool file",
                strerror(errno));
        return 1;
    }
    uint64_t base = 0;
    if (out) {
        if (write(fd, hello.p, hello.len) != (ssize_t)hello.len) {
            fprintf(stderr, "satyad: cannot write %s: %s\n", out_tmp, strerror(errno));
            unlink(out_tmp);
            return 1;
        }
        base = hello.len;
    }

    app a;
    memset(&a, 0, sizeof a);
    a.loop = uv_default_loop();
    a.quiet = quiet;
    a.total = in.total;
    a.show_progress = !quiet && isatty(2);
    uv_async_init(a.loop, &a.notify, on_notify);
    a.notify.data = &a;
    uv_timer_init(a.loop, &a.progress);
    a.progress.data = &a;
    a.t0 = (double)uv_now(a.loop) / 1000.0;
    if (snd_encoder_start(&a.enc, &in, &rp, (uint32_t)chunk, fd, hello.len, &a.notify)) {
        fprintf(stderr, "satyad: cannot start the encoder\n");
        return 1;
    }
    for (int i = 0; i < ntargets; i++) {
        cfgs[i].rate_bps = rate;
        cfgs[i].latency_ms = latency;
        cfgs[i].spool_fd = fd;
        cfgs[i].spool_base = base;
        cfgs[i].enc = &a.enc;
        cfgs[i].hello = &hello;
        cfgs[i].session = session;
        a.links[i] = snd_link_new(a.loop, &cfgs[i], on_link_end, &a);
        if (!a.links[i]) { fprintf(stderr, "satyad: out of memory\n"); return 1; }
        a.nlinks++;
    }
    if (a.show_progress) uv_timer_start(&a.progress, on_progress, 250, 250);
    uv_run(a.loop, UV_RUN_DEFAULT);
    snd_encoder_join(&a.enc);
    if (a.show_progress) fprintf(stderr, "\n");
    double elapsed = (double)uv_now(a.loop) / 1000.0 - a.t0;

    snd_status st;
    snd_encoder_status(&a.enc, &st);
    int ok = !st.err;
    if (st.err) fprintf(stderr, "satyad: %s\n", st.errmsg);
    if (out) {
        if (ok && (fsync(fd) || rename(out_tmp, out))) {
            fprintf(stderr, "satyad: cannot write %s: %s\n", out, strerror(errno));
            ok = 0;
        }
        if (!ok) unlink(out_tmp);
    }
    for (int i = 0; i < a.nlinks; i++) {
        snd_link *l = a.links[i];
        if (!l->ok) {
            fprintf(stderr, "satyad: %s\n", l->err);
            ok = 0;
        } else if (!quiet) {
            fprintf(stderr, "satyad: %s confirmed %u file%s, every SHA-256 matched\n",
                    l->cfg.target, l->ack.files, l->ack.files == 1 ? "" : "s");
        }
    }
    sl_stats s = {0};
    s.who = "satyad";
    s.ok = ok;
    s.files = (uint32_t)in.n;
    s.chunks = st.chunks;
    s.raw = in.total;
    s.wire = hello.len + st.spool_len;
    s.transcript = st.transcript;
    s.recipe = (uint64_t)recipe_canonical(&rp, (char[RECIPE_MAX_TEXT]){0}, RECIPE_MAX_TEXT);
    s.zlib = st.gzip;
    s.xz = st.xz;
    s.zstd = st.zstd;
    s.rate_bps = a.nlinks ? rate : 0;
    s.elapsed_s = elapsed;
    s.codec_s = st.encode_s;
    if (!quiet && !st.err) report_print(stderr, &s);
    if (json && report_json(json, &s)) {
        fprintf(stderr, "satyad: cannot write %s\n", json);
        ok = 0;
    }
    for (int i = 0; i < a.nlinks; i++) snd_link_free(a.links[i]);
    snd_encoder_fini(&a.enc);
    close(fd);
    free(out_tmp);
    bytebuf_fini(&hello);
    snd_inputs_free(&in);
    uv_loop_close(a.loop);
    return ok ? 0 : 1;
}
