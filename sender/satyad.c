/* sender/satyad.c — Satya, the sender: encode a corpus once with a model
 * built from a recipe, and stream the recipe and transcript to one or
 * more receivers over a throttled link (or record it to a file).
 * Run `satyad --help` for a summary of the options; man/satyad.1 has them all. */
#include "snd_encode.h"
#include "snd_fanout.h"
#include "snd_link.h"
#include "snd_trust.h"
#include "../util/hostport.h"
#include "snd_walk.h"
#include "snd_web.h"
#include "../common/err.h"
#include "../common/recipe.h"
#include "../proto/msg.h"
#include "../util/clock.h"
#include "../util/fileio.h"
#include "../util/report.h"
#include "../util/units.h"
#include "../util/recipe_arg.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#define VERSION "satyad 0.2"
#define DEFAULT_PORT 4647

/* What the command line asked for. */
typedef struct satyad_opts {
    char       **paths;
    int          npaths, quiet, print_recipe, follow_symlinks, portable_names;
    snd_targets  targets;
    const char  *recipe_arg, *out, *json, *name, *prior_path, *web_at;
    uint64_t     chunk, rate, latency, web_hold;
    sl_prior     prior;        /* --prior, loaded */
    snd_trust    trust;        /* keys, TLS, timeouts, retries */
} satyad_opts;

typedef struct app {
    uv_loop_t   *loop;
    uv_async_t   notify;
    uv_timer_t   progress;
    uv_signal_t  sigint, sigterm;
    int          show_progress, quiet, interrupted;
    snd_encoder  enc;
    snd_link   **links;
    size_t       nlinks, links_ended;
    int          closing;
    uint64_t     total, hello_len;
    double       t0;
    fileio_tmp  *out_file;     /* --out's temporary, removed on a second Ctrl-C */
    hostport    *hosts;        /* each receiver's host part, the name TLS checks */
    snd_web      web;          /* --web: the dashboard */
    uv_timer_t   webtick;
    uint64_t     rate;
} app;

static void usage(FILE *f)
{
    fprintf(f,
"usage: satyad --send PATH... [--to HOST[:PORT]]... [options]\n"
"Encode files, directory trees or stdin (-) once with a model built from a\n"
"training recipe, and stream the recipe and transcript to receivers.\n"
"\n"
"  -s, --send PATH      file, directory (sent recursively) or - for stdin;\n"
"                       repeatable, and further arguments are paths too\n"
"  -n, --name NAME      the name stdin's bytes arrive under (default: stdin)\n"
"      --follow-symlinks send what symlinks in a directory point to (default:\n"
"                       skip them, and say so)\n"
"      --portable-names refuse names Windows could not hold (aux.c, a:b, ...)\n"
"  -t, --to HOST[:PORT] a receiver (repeatable: encode once, send to all);\n"
"                       port 4647 unless given; default 127.0.0.1 unless --out\n"
"  -T, --to-file LIST   receivers, one HOST[:PORT] a line (# comments)\n"
"  -r, --recipe R       preset (uniform, order0, tiny, small, default, max, large,\n"
"                       tx) or recipe file\n"
"  -c, --chunk SIZE     raw bytes per chunk (default 64K; max 16M)\n"
"      --prior FILE     train both models on FILE before the first byte; the\n"
"                       receiver needs the same file in its --priors DIR\n"
"      --rate RATE      link rate: 56k, 56kbit/s, 1M, 7KB/s; 0 or unlimited\n"
"                       (default 56kbit, a modem)\n"
"      --latency MS     one-way delay added to the link (default 0)\n"
"  -o, --out FILE       record the stream to FILE (decode with sundard --from)\n"
"      --json FILE      write the final figures as JSON\n"
"      --print-recipe   print the canonical recipe and exit\n"
"      --web [HOST:]PORT  serve a live dashboard (127.0.0.1 unless HOST is given)\n"
"      --web-hold SEC   keep the dashboard up SEC seconds after the transfer\n"
"  -q, --quiet          no progress line and no report\n"
"  -h, --help           this help;  -V, --version  the version\n"
"Every option is described in satyad(1).\n"
"\n" SND_TRUST_USAGE);
}

static void maybe_close(app *a)
{
    if (a->closing) return;
    snd_status st;
    snd_encoder_status(&a->enc, &st);
    /* Interrupted, the encoder is not waited for: it may be inside a chunk
     * that takes a second or more with a big model. */
    if ((!st.finished && !a->interrupted) || a->links_ended < a->nlinks) return;
    a->closing = 1;
    uv_close((uv_handle_t *)&a->notify, NULL);
    uv_close((uv_handle_t *)&a->progress, NULL);
    uv_close((uv_handle_t *)&a->sigint, NULL);
    uv_close((uv_handle_t *)&a->sigterm, NULL);
    if (a->web.web) uv_close((uv_handle_t *)&a->webtick, NULL);
}

/* --web: the slowest receiver's figures, four times a second. */
static void on_webtick(uv_timer_t *t)
{
    app *a = t->data;
    snd_status st;
    snd_encoder_status(&a->enc, &st);
    uint64_t done = a->nlinks ? UINT64_MAX : st.raw_done;
    uint64_t wire = a->nlinks ? UINT64_MAX : st.spool_len;
    for (size_t i = 0; i < a->nlinks; i++) {
        if (a->links[i]->ack.raw < done) done = a->links[i]->ack.raw;
        if (a->links[i]->written < wire) wire = a->links[i]->written;
    }
    snd_web_update(&a->web, &st, done, wire, a->nlinks ? a->rate : 0);
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
    for (size_t i = 0; i < a->nlinks; i++) snd_link_pump(a->links[i]);
    maybe_close(a);
}

/* The first Ctrl-C (or SIGTERM) stops the encoder and every link; the
 * session ends as a failure and main removes what it had begun. A second
 * one, should the first take too long, leaves at once without leftovers. */
static void on_signal(uv_signal_t *h, int sig)
{
    app *a = h->data;
    if (a->interrupted) {
        if (a->out_file) fileio_tmp_abort(a->out_file);
        _exit(128 + sig);
    }
    a->interrupted = sig;
    if (a->show_progress) fprintf(stderr, "\n");
    fprintf(stderr, "satyad: %s: stopping\n", sig == SIGINT ? "interrupted" : "terminated");
    snd_encoder_cancel(&a->enc);
    for (size_t i = 0; i < a->nlinks; i++) snd_link_abort(a->links[i], "interrupted");
    maybe_close(a);
}

/* The slowest link still running: how far it is in the stream and in the
 * transcript, read off the spool position its socket has taken. */
static void slowest_link(app *a, uint64_t *wire, uint64_t *raw, uint64_t *coded)
{
    int any = 0;
    *wire = 0;
    for (size_t i = 0; i < a->nlinks; i++) {
        const snd_link *l = a->links[i];
        if (l->ended) continue;
        if (!any || l->written < *wire) *wire = l->written;
        any = 1;
    }
    if (!any) { /* every link ended: show the furthest any got */
        for (size_t i = 0; i < a->nlinks; i++)
            if (a->links[i]->written > *wire) *wire = a->links[i]->written;
    }
    uint64_t spool = *wire > a->hello_len ? *wire - a->hello_len : 0;
    snd_encoder_position(&a->enc, spool, raw, coded);
}

static void on_progress(uv_timer_t *t)
{
    app *a = t->data;
    snd_status st;
    snd_encoder_status(&a->enc, &st);
    uint64_t wire = st.spool_len, done = st.raw_done, coded = st.transcript;
    if (a->nlinks) slowest_link(a, &wire, &done, &coded);
    double el = now_s() - a->t0, eta = -1;
    if (done && done < a->total && el > 0 && wire)
        eta = el * (double)(a->total - done) / (double)done;
    double bpc = done ? (double)coded * 8.0 / (double)done : 0;
    char who[48];
    if (a->nlinks > 1) snprintf(who, sizeof who, "satyad (slowest of %zu)", a->nlinks);
    else snprintf(who, sizeof who, "satyad");
    report_progress(stderr, who, done, a->total, bpc,
                    a->nlinks && el > 0 ? (double)wire * 8.0 / el : 0, eta);
}

/* The spool: the --out file's temporary (renamed into place at the end),
 * or an anonymous temporary file that vanishes when we exit. */
static int open_spool(const char *out, fileio_tmp *t)
{
    char why[512];
    if (out) {
        if (fileio_tmp_open(t, out, 0644, why, sizeof why)) {
            fprintf(stderr, "satyad: %s\n", why);
            return -1;
        }
        return t->fd;
    }
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/satyad-spool-XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd < 0)
        fprintf(stderr, "satyad: cannot create the spool file in %s: %s\n",
                dir && *dir ? dir : "/tmp", strerror(errno));
    else
        unlink(path);
    return fd;
}

/* --prior FILE: the recipe records the file's SHA-256 and size. A recipe
 * file that already names a prior must name this one, and needs it. */
static int setup_prior(const char *path, recipe_params *rp, sl_prior *pr)
{
    char why[512], what[160];
    if (!path) {
        if (!rp->prior_size) return 0;
        prior_describe(rp, what, sizeof what);
        fprintf(stderr, "satyad: the recipe names a prior (%s); give the file with --prior\n",
                what);
        return SL_EPRIOR_MISSING;
    }
    if (prior_load(pr, path, why, sizeof why)) {
        fprintf(stderr, "satyad: --prior: %s\n", why);
        return SL_EIO;
    }
    if (rp->prior_size &&
        (rp->prior_size != pr->size || memcmp(rp->prior_sha256, pr->sha256, 32))) {
        prior_describe(rp, what, sizeof what);
        fprintf(stderr, "satyad: --prior %s is not the prior the recipe names (%s) (%s)\n",
                path, what, sl_errname(SL_EPRIOR_MISMATCH));
        prior_free(pr);
        return SL_EPRIOR_MISMATCH;
    }
    prior_to_recipe(pr, rp);
    return 0;
}

/* --rate: the spellings of units_rate_why, and a warning for a rate that
 * would make any real input take hours. */
static int parse_rate(const char *arg, uint64_t *rate)
{
    char why[300];
    if (units_rate_why(arg, rate, why, sizeof why)) {
        fprintf(stderr, "satyad: --rate %s\n", why);
        return 2;
    }
    if (*rate && *rate < 1000)
        fprintf(stderr, "satyad: warning: --rate %s is %llu bit/s, slower than any modem "
                "(did you mean %sk?)\n", arg, (unsigned long long)*rate, arg);
    return 0;
}

/* --web-hold SEC: 0..86400. */
static int parse_hold(const char *arg, uint64_t *sec)
{
    char *end;
    *sec = strtoull(arg, &end, 10);
    if (!*arg || *end || arg[0] == '-' || *sec > 86400) {
        fprintf(stderr, "satyad: --web-hold must be 0..86400 seconds, got '%s'\n", arg);
        return 2;
    }
    return 0;
}

/* Fills o from the command line: -1 to go on, or the exit status. */
static int parse_args(int argc, char **argv, satyad_opts *o)
{
    static const struct option opts[] = {
        {"send", required_argument, 0, 's'}, {"to", required_argument, 0, 't'},
        {"to-file", required_argument, 0, 'T'}, {"name", required_argument, 0, 'n'},
        {"recipe", required_argument, 0, 'r'}, {"chunk", required_argument, 0, 'c'},
        {"rate", required_argument, 0, 'R'}, {"latency", required_argument, 0, 'L'},
        {"out", required_argument, 0, 'o'}, {"json", required_argument, 0, 'j'},
        {"print-recipe", no_argument, 0, 'P'}, {"quiet", no_argument, 0, 'q'},
        {"follow-symlinks", no_argument, 0, 'F'}, {"portable-names", no_argument, 0, 'N'},
        {"prior", required_argument, 0, 'p'}, {"web", required_argument, 0, 'w'},
        {"web-hold", required_argument, 0, 'H'},
        {"help", no_argument, 0, 'h'}, {"version", no_argument, 0, 'V'},
        SND_TRUST_OPTIONS,
        {0, 0, 0, 0}};
    o->paths = calloc((size_t)argc + 1, sizeof *o->paths);
    o->recipe_arg = "default";
    o->chunk = 64 << 10;
    o->rate = 56000;
    char err[600];
    int c;
    while ((c = getopt_long(argc, argv, "s:t:T:n:r:c:o:qhV", opts, NULL)) != -1) {
        switch (c) {
        case 's': o->paths[o->npaths++] = optarg; break;
        case 't': case 'T':
            if (c == 't' ? snd_targets_add(&o->targets, optarg, err, sizeof err)
                         : snd_targets_load(&o->targets, optarg, err, sizeof err)) {
                fprintf(stderr, "satyad: %s\n", err);
                return 2;
            }
            break;
        case 'n': o->name = optarg; break;
        case 'r': o->recipe_arg = optarg; break;
        case 'c':
            if (units_size(optarg, &o->chunk) || o->chunk == 0 || o->chunk > MSG_MAX_CHUNK) {
                fprintf(stderr, "satyad: --chunk must be 1 byte .. 16M, got '%s'\n", optarg);
                return 2;
            }
            break;
        case 'R':
            if (parse_rate(optarg, &o->rate)) return 2;
            break;
        case 'L':
            if (units_ms(optarg, &o->latency) || o->latency > 60000) {
                fprintf(stderr, "satyad: --latency must be 0..60000 ms, got '%s'\n", optarg);
                return 2;
            }
            break;
        case 'o': o->out = optarg; break;
        case 'j': o->json = optarg; break;
        case 'P': o->print_recipe = 1; break;
        case 'F': o->follow_symlinks = 1; break;
        case 'N': o->portable_names = 1; break;
        case 'p': o->prior_path = optarg; break;
        case 'w': o->web_at = optarg; break;
        case 'H':
            if (parse_hold(optarg, &o->web_hold)) return 2;
            break;
        case 'q': o->quiet = 1; break;
        case 'h': usage(stdout); return 0;
        case 'V': printf("%s (codec version %d)\n", VERSION, CODEC_VERSION); return 0;
        default:
            if (c < SND_TRUST_FIRST || c > SND_TRUST_LAST) { usage(stderr); return 2; }
            if (snd_trust_option(&o->trust, c, optarg)) return 2;
            break;
        }
    }
    while (optind < argc) o->paths[o->npaths++] = argv[optind++];
    return -1;
}

/* Checks what the options ask for together, and finds every receiver. */
static int check_args(satyad_opts *o)
{
    if (!o->npaths) {
        fprintf(stderr, "satyad: nothing to send (give --send PATH; see --help)\n");
        return 2;
    }
    int has_stdin = 0;
    for (int i = 0; i < o->npaths; i++) has_stdin |= !strcmp(o->paths[i], "-");
    if (o->name && !has_stdin) {
        fprintf(stderr, "satyad: --name names stdin's bytes; give --send - as well\n");
        return 2;
    }
    char err[600];
    if (!o->targets.n && !o->out && snd_targets_add(&o->targets, "127.0.0.1", err, sizeof err))
        return 1;
    if (snd_targets_resolve(&o->targets, DEFAULT_PORT, err, sizeof err)) {
        fprintf(stderr, "satyad: %s\n", err);
        return 2;
    }
    return 0;
}

/* Starts the encoder and one link per receiver on a fresh loop. */
static int start_session(app *a, const satyad_opts *o, snd_inputs *in,
                         const recipe_params *rp, int fd, uint64_t base, const bytebuf *hello)
{
    a->loop = uv_default_loop();
    a->quiet = o->quiet;
    a->total = in->total;
    a->hello_len = hello->len;
    a->show_progress = !o->quiet && isatty(2);
    a->notify.data = a->progress.data = a->sigint.data = a->sigterm.data = a;
    int rc;
    if ((rc = uv_async_init(a->loop, &a->notify, on_notify)) ||
        (rc = uv_timer_init(a->loop, &a->progress)) ||
        (rc = uv_signal_init(a->loop, &a->sigint)) ||
        (rc = uv_signal_init(a->loop, &a->sigterm)) ||
        (rc = uv_signal_start(&a->sigint, on_signal, SIGINT)) ||
        (rc = uv_signal_start(&a->sigterm, on_signal, SIGTERM))) {
        fprintf(stderr, "satyad: cannot set up the event loop: %s\n", uv_strerror(rc));
        return 1;
    }
    a->rate = o->rate;
    a->webtick.data = a;
    const char *peer = o->targets.n ? o->targets.v[0].spec : o->out;
    if (snd_web_start(&a->web, o->web_at, peer, in, rp) ||
        (a->web.web && ((rc = uv_timer_init(a->loop, &a->webtick)) ||
                        (rc = uv_timer_start(&a->webtick, on_webtick, 0, 250))))) {
        fprintf(stderr, "satyad: no dashboard\n");
        return 1;
    }
    snd_encode_opts eo = {o->prior.size ? &o->prior : NULL,
                          a->web.web ? snd_web_chunk : NULL, &a->web,
                          o->out && o->trust.have_key ? &o->trust.key : NULL};
    a->t0 = now_s();
    if (snd_encoder_start(&a->enc, in, rp, &eo, (uint32_t)o->chunk, fd, &a->notify)) {
        fprintf(stderr, "satyad: cannot start the encoder\n");
        return 1;
    }
    a->links = calloc(o->targets.n ? o->targets.n : 1, sizeof *a->links);
    a->hosts = calloc(o->targets.n ? o->targets.n : 1, sizeof *a->hosts);
    if (!a->links || !a->hosts) { fprintf(stderr, "satyad: out of memory\n"); return 1; }
    for (size_t i = 0; i < o->targets.n; i++) {
        snd_link_cfg cfg = {.target = o->targets.v[i].spec, .addr = o->targets.v[i].addr,
                            .rate_bps = o->rate, .latency_ms = o->latency, .spool_fd = fd,
                            .spool_base = base, .enc = &a->enc, .hello = hello};
        char why[300];
        if (hostport_parse(cfg.target, HOSTPORT_CONNECT, NULL, DEFAULT_PORT, &a->hosts[i], why,
                           sizeof why) == 0)
            cfg.host = a->hosts[i].host;
        snd_trust_apply(&o->trust, &cfg);
        a->links[i] = snd_link_new(a->loop, &cfg, on_link_end, a);
        if (!a->links[i]) { fprintf(stderr, "satyad: out of memory\n"); return 1; }
        a->nlinks++;
    }
    if (a->show_progress && (rc = uv_timer_start(&a->progress, on_progress, 250, 250)))
        fprintf(stderr, "satyad: no progress line: %s\n", uv_strerror(rc));
    return 0;
}

/* After the loop: the --out file, each receiver's result, the report. */
static int finish_session(app *a, const satyad_opts *o, const snd_inputs *in,
                          const recipe_params *rp, const bytebuf *hello, fileio_tmp *out_file)
{
    double elapsed = now_s() - a->t0;
    snd_status st;
    snd_encoder_status(&a->enc, &st);
    int ok = !st.err && !a->interrupted;
    if (st.err && !a->interrupted) fprintf(stderr, "satyad: %s\n", st.errmsg);
    if (o->out) {
        char why[512];
        if (ok && fileio_tmp_commit(out_file, why, sizeof why)) {
            fprintf(stderr, "satyad: %s\n", why);
            ok = 0;
        }
        if (!ok) fileio_tmp_abort(out_file);
    }
    if (a->interrupted) {
        if (o->out) fprintf(stderr, "satyad: stopped; %s was not written\n", o->out);
        else fprintf(stderr, "satyad: stopped; the receiver%s discard%s the unfinished "
                     "session\n", a->nlinks > 1 ? "s" : "", a->nlinks > 1 ? "" : "s");
        return 128 + a->interrupted;
    }
    size_t failed = snd_fanout_report(stderr, a->links, a->nlinks, o->quiet);
    if (failed) ok = 0;
    sl_stats s = {0};
    s.who = "satyad";
    s.ok = ok;
    s.files = (uint32_t)in->n;
    s.chunks = st.chunks;
    s.raw = in->total;
    uint64_t crossed = 0;   /* what the link carrying most carried, in this run */
    for (size_t i = 0; i < a->nlinks; i++)
        if (a->links[i]->written > crossed) crossed = a->links[i]->written;
    s.wire = a->nlinks ? crossed : hello->len + st.spool_len;
    s.transcript = st.transcript;
    bytebuf packed = {0};
    if (recipe_pack(rp, &packed) == 0) s.recipe = packed.len;
    bytebuf_fini(&packed);
    s.zlib = st.gzip;
    s.xz = st.xz;
    s.zstd = st.zstd;
    s.rate_bps = a->nlinks ? o->rate : 0;
    s.elapsed_s = elapsed;
    s.codec_s = st.encode_s;
    s.prior = st.prior_bytes;
    /* The figures, unless nothing was delivered anywhere. */
    if (!o->quiet && !st.err && (o->out || failed < a->nlinks)) report_print(stderr, &s);
    if (o->json && report_json(o->json, &s)) {
        fprintf(stderr, "satyad: cannot write %s\n", o->json);
        ok = 0;
    }
    snd_web_end(&a->web, &s, ok ? NULL : st.err ? st.errmsg : "a receiver failed");
    snd_web_stop(&a->web, (unsigned)o->web_hold);
    return ok ? 0 : 1;
}

/* HELLO, the spool, the session: everything after the inputs are known. */
static int send_all(const satyad_opts *o, snd_inputs *in, const recipe_params *rp,
                    int *interrupted)
{
    int rc;
    msg_hello h = {0};
    bytebuf hello = {0};
    if (msg_hello_write(&hello, &h)) return 1;
    fileio_tmp out_file = {.fd = -1};
    int fd = open_spool(o->out, &out_file);
    if (fd < 0) { bytebuf_fini(&hello); return 1; }
    uint64_t base = 0;
    if (o->out) {
        if (fileio_write_all(fd, hello.p, hello.len)) {
            fprintf(stderr, "satyad: cannot write %s: %s\n", o->out, strerror(errno));
            fileio_tmp_abort(&out_file);
            bytebuf_fini(&hello);
            return 1;
        }
        base = hello.len;
    }
    app a;
    memset(&a, 0, sizeof a);
    a.out_file = o->out ? &out_file : NULL;
    rc = start_session(&a, o, in, rp, fd, base, &hello);
    if (rc) {
        if (o->out) fileio_tmp_abort(&out_file);
        return rc;
    }
    uv_run(a.loop, UV_RUN_DEFAULT);
    if ((*interrupted = a.interrupted)) /* the encoder may still run: main leaves at once */
        return finish_session(&a, o, in, rp, &hello, &out_file);
    snd_encoder_join(&a.enc);
    if (a.show_progress) fprintf(stderr, "\n");
    rc = finish_session(&a, o, in, rp, &hello, &out_file);
    for (size_t i = 0; i < a.nlinks; i++) snd_link_free(a.links[i]);
    free(a.links);
    free(a.hosts);
    snd_encoder_fini(&a.enc);
    if (!o->out) close(fd);
    bytebuf_fini(&hello);
    uv_loop_close(a.loop);
    return rc;
}

/* Walks the inputs and sends them; the exit status. Interrupted, the
 * encoder thread may still be inside a chunk (a second or more with a big
 * model): *interrupted tells main to leave at once, freeing nothing it reads. */
static int run(const satyad_opts *o, const recipe_params *rp, int *interrupted)
{
    signal(SIGPIPE, SIG_IGN);
    snd_inputs in = {0};
    in.stdin_name = o->name;
    in.follow_symlinks = o->follow_symlinks;
    in.portable_names = o->portable_names;
    char err[512] = "";
    int rc;
    int walked = snd_walk(&in, o->paths, o->npaths, err, sizeof err);
    for (size_t i = 0; i < in.nnotes && !o->quiet; i++)
        fprintf(stderr, "satyad: %s\n", in.notes[i]);
    if (walked) {
        fprintf(stderr, "satyad: %s\n", err);
        rc = 1;
    } else {
        rc = send_all(o, &in, rp, interrupted);
    }
    if (!*interrupted) snd_inputs_free(&in);
    return rc;
}

int main(int argc, char **argv)
{
    satyad_opts o;
    memset(&o, 0, sizeof o);
    recipe_params rp;
    char text[RECIPE_MAX_TEXT];
    snd_trust_init(&o.trust);
    int rc = parse_args(argc, argv, &o);
    if (rc >= 0) {   /* --help, --version (0) or a usage error (2): nothing more to do */
        free(o.paths);
        snd_targets_free(&o.targets);
        snd_trust_fini(&o.trust);
        return rc;
    }
    int trc = snd_trust_start(&o.trust);   /* --gen-key is all it does: -1 */
    if (trc) {
        snd_trust_fini(&o.trust);
        return trc < 0 ? 0 : trc;
    }
    if (rc < 0 && recipe_from_arg("satyad", o.recipe_arg, &rp)) rc = 2;
    if (rc < 0 && setup_prior(o.prior_path, &rp, &o.prior)) rc = 2;
    if (rc < 0 && o.print_recipe) {
        rc = recipe_canonical(&rp, text, sizeof text) < 0 ? 1 : 0;
        if (!rc) fputs(text, stdout);
    }
    if (rc < 0) rc = check_args(&o);
    int interrupted = 0;
    if (rc == 0 && !o.print_recipe) rc = run(&o, &rp, &interrupted);
    if (interrupted) _exit(rc);
    free(o.paths);
    snd_targets_free(&o.targets);
    prior_free(&o.prior);
    snd_trust_fini(&o.trust);
    return rc;
}
