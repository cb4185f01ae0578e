/* receiver/sundard.c — Sundar, the receiver: accept sessions, rebuild the
 * sender's model from its recipe, decode the transcript, and write each
 * file only once its SHA-256 matched. Or decode a recorded stream (--from).
 * Run `sundard --help` for the options. */
#include "rcv_conn.h"
#include "rcv_core.h"
#include "rcv_meta.h"
#include "rcv_trust.h"
#include "rcv_web.h"
#include "../net/web.h"
#include "../common/err.h"
#include "../util/clock.h"
#include "../util/fileio.h"
#include "../util/hostport.h"
#include "../util/units.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#define VERSION "sundard 0.2"
#define DEFAULT_LISTEN "127.0.0.1:4647"
#define DEFAULT_PORT 4647

typedef struct server {
    uv_loop_t   *loop;
    uv_tcp_t     listener;
    uv_signal_t  sigint, sigterm;
    uv_timer_t   progress;
    rcv_conn    *latest;       /* the session the progress line follows */
    int          show_progress;
    rcv_conn_cfg cfg;
    rcv_conn_pool pool;
    rcv_trust    trust;
    int          once, quiet, sessions, failures, stopping;
    double       emfile_logged;   /* when "out of descriptors" was last said */
    int          max_conns;       /* what the descriptor limit allows, with a reserve */
    const char  *json;
    web         *web;          /* --web: the dashboard, or NULL */
} server;

static void usage(FILE *f)
{
    fprintf(f,
"usage: sundard [--listen [HOST:]PORT] [--out DIR] [options]\n"
"       sundard --from FILE [--out DIR] [options]\n"
"Receive sessions from satyad: rebuild the model from the sender's recipe,\n"
"decode the transcript, and write each file once its SHA-256 matched.\n"
"\n"
"  -l, --listen [HOST:]PORT  where to listen (default " DEFAULT_LISTEN ");\n"
"                            port 0 picks a free port (see --port-file)\n"
"  -o, --out DIR             where files go (default: the current directory)\n"
"  -f, --from FILE           decode a stream recorded with satyad --out\n"
"      --priors DIR          where priors are: a recipe's prior is found here by\n"
"                            SHA-256, whatever its name (satyad --prior)\n"
"      --once                exit after one session; non-zero if it failed\n"
"      --max-output SIZE     largest session to accept (default 64G)\n"
"      --max-model-mem SIZE  largest model a recipe may ask for (default 2G)\n"
"      --idle-timeout SEC    abandon a session silent this long (default 300; 0 = never)\n"
"      --port-file FILE      write the port actually bound to FILE\n"
"      --json FILE           write each session's figures as JSON\n"
"      --web [HOST:]PORT     serve a live dashboard (127.0.0.1 unless HOST is given)\n"
"      --web-hold SEC        keep the dashboard up SEC seconds after the last session\n"
"  -q, --quiet               only errors\n"
"  -h, --help                this help;  -V, --version  the version\n"
"\n" RCV_TRUST_USAGE);
}

/* The receiver's report: the figures both ends know agree with the
 * sender's; the link rate is the sender's to state (a receiver only sees
 * the bytes arrive), so it is left out here, and from --from entirely.
 * `socket_bytes`: what this connection read, TLS records included, as the
 * sender counts what it wrote (0 for a recording: its frames). */
static void session_report(server *s, rcv_core *core, int result, double elapsed,
                           const char *peer, int stopped, uint64_t socket_bytes)
{
    sl_stats st = core->st;
    if (socket_bytes) st.wire = socket_bytes;
    st.ok = result == 1;
    st.raw = core->pos;
    st.elapsed_s = elapsed;
    st.rate_bps = 0;
    char who[KEYS_FP_LEN + KEYS_COMMENT + 16] = "";
    if (core->key_fp[0])
        snprintf(who, sizeof who, ", key %s%s%s%s", core->key_fp, core->key_comment[0] ? " (" : "",
                 core->key_comment, core->key_comment[0] ? ")" : "");
    if (stopped) {
        fprintf(stderr, "sundard: session from %s%s abandoned: the receiver is shutting down\n",
                peer, who);
    } else if (result != 1) {
        s->failures++;
        fprintf(stderr, "sundard: session from %s%s failed: %s (%s)\n", peer, who,
                core->err[0] ? core->err : sl_strerror(result), sl_errname(result));
    } else if (!s->quiet) {
        if (who[0] || core->resumed)
            fprintf(stderr, "sundard: session from %s%s%s\n", peer, who,
                    core->resumed ? ", resumed" : "");
        report_print(stderr, &st);
    }
    if (s->json && report_json(s->json, &st))
        fprintf(stderr, "sundard: cannot write %s\n", s->json);
    rcv_web_end(core, &st, result == 1 ? NULL : core->err[0] ? core->err : sl_strerror(result));
}

/* The stream bytes received: those decoded, a chunk being decoded or
 * waiting, and the share of the next CHUNK frame that has come in, so that
 * the line moves with the link rather than in steps of a chunk. */
static void on_progress(uv_timer_t *t)
{
    server *s = t->data;
    rcv_conn *c = s->latest;
    if (!c || !c->prog_total) return;
    uint64_t raw = c->prog_raw, left = c->prog_total - raw;
    uint64_t next = c->prog_chunk < left ? c->prog_chunk : left;  /* the next chunk's size */
    if (c->queued || c->working) { /* a whole chunk is in: the one after is arriving */
        raw += next;
        left -= next;
        next = c->prog_chunk < left ? c->prog_chunk : left;
    }
    raw += (uint64_t)(c->prog_arriving * (double)next);
    if (raw < c->prog_shown) raw = c->prog_shown;   /* never backwards */
    c->prog_shown = raw;
    double el = now_s() - c->t0, eta = -1;
    if (raw && el > 0) eta = el * (double)(c->prog_total - raw) / (double)raw;
    report_progress(stderr, "sundard", raw, c->prog_total,
                    c->prog_raw ? (double)c->prog_coded * 8.0 / (double)c->prog_raw : 0,
                    el > 0 ? (double)c->bytes_in * 8.0 / el : 0, eta);
}

static void stop_conn(uv_handle_t *h, void *arg)
{
    server *s = arg;
    if (h->type == UV_TCP && h != (uv_handle_t *)&s->listener && !uv_is_closing(h))
        rcv_conn_stop(h->data);
}

/* Stops listening and ends every session in progress (each as soon as the
 * chunk being decoded is done), removing what they had begun. The signal
 * handlers stay, unreferenced: a second Ctrl-C while a chunk finishes
 * must not kill us and leave temporaries behind. */
static void stop(server *s)
{
    if (s->stopping) return;
    s->stopping = 1;
    uv_close((uv_handle_t *)&s->progress, NULL);
    uv_close((uv_handle_t *)&s->listener, NULL);
    uv_unref((uv_handle_t *)&s->sigint);
    uv_unref((uv_handle_t *)&s->sigterm);
    uv_walk(s->loop, stop_conn, s);
}

static void on_conn_end(rcv_conn *c, void *arg)
{
    server *s = arg;
    if (s->latest == c) {
        s->latest = NULL;
        if (s->show_progress) fprintf(stderr, "\n");
    }
    session_report(s, &c->core, c->result, now_s() - c->t0, c->peer, c->stopped,
                   c->bytes_in);
    if (s->once) stop(s);
}

static void free_handle(uv_handle_t *h)
{
    free(h);
}

/* At the descriptor limit: take the connection off the queue and close it,
 * keeping descriptors for the sessions' files; say so once a second. */
static void turn_away(server *s, uv_stream_t *srv)
{
    uv_tcp_t *t = malloc(sizeof *t);
    if (t && uv_tcp_init(srv->loop, t) == 0) {
        uv_accept(srv, (uv_stream_t *)t);
        uv_close((uv_handle_t *)t, free_handle);
    } else {
        free(t);
    }
    if (now_s() - s->emfile_logged >= 1) {
        fprintf(stderr, "sundard: cannot accept a connection: %d are open, as many as the "
                "file descriptor limit allows (ulimit -n); turning new ones away\n",
                s->pool.conns);
        s->emfile_logged = now_s();
    }
}

/* Raises the descriptor limit as far as allowed, and keeps a reserve of
 * descriptors for the sessions' staged files and directories. */
static void plan_descriptors(server *s)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl)) {
        s->max_conns = 256;
        return;
    }
    if (rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        if (setrlimit(RLIMIT_NOFILE, &rl)) getrlimit(RLIMIT_NOFILE, &rl);
    }
    rlim_t n = rl.rlim_cur > 1000000 ? 1000000 : rl.rlim_cur;
    rlim_t reserve = 32 + 6 * (rlim_t)s->trust.max_sessions;
    if (reserve > n / 2) reserve = n / 2;
    s->max_conns = (int)(n - reserve);
}

static void on_connection(uv_stream_t *srv, int status)
{
    server *s = srv->data;
    if (status < 0) {
        /* Out of descriptors: libuv sheds the waiting connection; say so at
         * most once a second, and carry on serving. */
        if (now_s() - s->emfile_logged >= 1) {
            fprintf(stderr, "sundard: cannot accept a connection: %s (%d open)\n",
                    uv_strerror(status), s->pool.conns);
            s->emfile_logged = now_s();
        }
        return;
    }
    if (s->stopping) return;
    if (s->once && s->sessions) return; /* one session only: leave it queued */
    if (s->pool.conns >= s->max_conns) {
        turn_away(s, srv);
        return;
    }
    s->sessions++;
    rcv_conn *c;
    if (rcv_conn_accept(srv, &s->cfg, &s->pool, on_conn_end, s, &c)) {
        fprintf(stderr, "sundard: cannot accept a connection\n");
        return;
    }
    s->latest = c;
    if (s->web && rcv_web_watch(&c->core, web_board_of(s->web), c->peer))
        fprintf(stderr, "sundard: this session is not on the dashboard: out of memory\n");
}

static void on_signal(uv_signal_t *h, int sig)
{
    server *s = h->data;
    if (s->latest && s->show_progress) fprintf(stderr, "\n");
    fprintf(stderr, "sundard: %s; %s\n", sig == SIGINT ? "interrupted" : "terminated",
            s->stopping ? "still stopping" : "stopping");
    stop(s);
}

static int decode_file(server *s, const char *path)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) {
        fprintf(stderr, "sundard: cannot open %s: %s\n", path, strerror(errno));
        return 1;
    }
    rcv_core core;
    rcv_cfg cfg = s->cfg.core;
    cfg.recording = 1;
    rcv_core_init(&core, &cfg);
    core.priors = s->cfg.priors;
    if (s->web && rcv_web_watch(&core, web_board_of(s->web), path))
        fprintf(stderr, "sundard: this session is not on the dashboard: out of memory\n");
    frame_parser p;
    frame_parser_init(&p);
    bytebuf reply = {0};
    uint8_t *buf = malloc(1 << 16);
    int result = buf ? 0 : SL_ENOMEM;
    double t0 = now_s();
    while (!result) {
        size_t n = fread(buf, 1, 1 << 16, f);
        if (n == 0 && ferror(f)) {
            result = SL_EIO;
            snprintf(core.err, sizeof core.err, "read error on %s", path);
            break;
        }
        reply.len = 0;  /* nobody to answer in a recording */
        result = rcv_core_feed(&core, &p, buf, n, &reply);
    }
    if (f != stdin) fclose(f);
    session_report(s, &core, result, now_s() - t0, path, 0, 0);
    rcv_core_fini(&core);
    frame_parser_fini(&p);
    bytebuf_fini(&reply);
    free(buf);
    return result == 1 ? 0 : 1;
}

/* Resolves --listen and checks that this daemon may listen there (keys
 * or loopback), before anything is made on disk. Returns 0, or the exit
 * status after printing why. */
static int resolve_listen(const server *s, const char *listen, struct sockaddr_storage *addr)
{
    hostport hp;
    char why[512];
    if (hostport_parse(listen, HOSTPORT_LISTEN, "127.0.0.1", DEFAULT_PORT, &hp, why,
                       sizeof why) ||
        hostport_resolve(&hp, addr, why, sizeof why)) {
        fprintf(stderr, "sundard: --listen %s: %s\n", listen, why);
        return 2;
    }
    return rcv_trust_listen_ok(&s->trust, (struct sockaddr *)addr, listen) ? 0 : 2;
}

/* Binds to addr (resolve_listen's), announces where, and starts the
 * listener's handles. Returns 0, or the exit status after printing why. */
static int start_listening(server *s, const struct sockaddr_storage *addr, const char *listen,
                           const char *port_file)
{
    char why[512];
    int rc = uv_tcp_init(s->loop, &s->listener);
    s->listener.data = s;
    if (!rc) rc = uv_tcp_bind(&s->listener, (const struct sockaddr *)addr, 0);
    if (!rc) rc = uv_listen((uv_stream_t *)&s->listener, 64, on_connection);
    if (rc) {
        fprintf(stderr, "sundard: cannot listen on %s: %s\n", listen, uv_strerror(rc));
        return 1;
    }
    struct sockaddr_storage bound;
    int blen = sizeof bound;
    if ((rc = uv_tcp_getsockname(&s->listener, (struct sockaddr *)&bound, &blen))) {
        fprintf(stderr, "sundard: cannot read the bound address: %s\n", uv_strerror(rc));
        return 1;
    }
    int port = ntohs(bound.ss_family == AF_INET ? ((struct sockaddr_in *)&bound)->sin_port
                                               : ((struct sockaddr_in6 *)&bound)->sin6_port);
    if (port_file) {
        char text[16];
        int n = snprintf(text, sizeof text, "%d\n", port);
        if (fileio_save(port_file, text, (size_t)n, 0644, why, sizeof why)) {
            fprintf(stderr, "sundard: %s\n", why);
            return 1;
        }
    }
    char where[300];
    if (!s->quiet)
        fprintf(stderr, "sundard: listening on %s, writing to %s\n",
                hostport_format((struct sockaddr *)&bound, where, sizeof where),
                s->cfg.outdir);
    return 0;
}

/* Opens --out and deals with staging left by an earlier run: recent
 * journals wait for their session to come back, the rest go. */
static int prepare_out(server *s)
{
    char why[512];
    if ((s->cfg.core.outfd = rcv_stage_open_out(s->cfg.outdir, why, sizeof why)) < 0) {
        fprintf(stderr, "sundard: %s\n", why);
        return 2;
    }
    int kept, removed;
    if (rcv_stage_sweep(s->cfg.core.outfd, s->trust.keep_hours * 3600, &kept, &removed))
        fprintf(stderr, "sundard: cannot look at %s/%s\n", s->cfg.outdir, RCV_STAGE_DIR);
    else if ((kept || removed) && !s->quiet)
        fprintf(stderr, "sundard: %d interrupted session%s kept for a resume, %d stale one%s "
                "removed\n", kept, kept == 1 ? "" : "s", removed, removed == 1 ? "" : "s");
    /* One worker per session at a time: enough threads that no session
     * waits for another's worker. */
    char n[16];
    snprintf(n, sizeof n, "%d", s->trust.max_sessions + 4);
    setenv("UV_THREADPOOL_SIZE", n, 0);
    plan_descriptors(s);
    return 0;
}

/* Serves until a signal, or after one session with --once. */
static int serve(server *s, const struct sockaddr_storage *addr, const char *listen,
                 const char *port_file)
{
    s->loop = uv_default_loop();
    int rc = start_listening(s, addr, listen, port_file);
    if (rc) return rc;
    s->show_progress = !s->quiet && isatty(2);
    s->progress.data = s->sigint.data = s->sigterm.data = s;
    if ((rc = uv_timer_init(s->loop, &s->progress)) ||
        (s->show_progress && (rc = uv_timer_start(&s->progress, on_progress, 250, 250))) ||
        (rc = uv_signal_init(s->loop, &s->sigint)) ||
        (rc = uv_signal_init(s->loop, &s->sigterm)) ||
        (rc = uv_signal_start(&s->sigint, on_signal, SIGINT)) ||
        (rc = uv_signal_start(&s->sigterm, on_signal, SIGTERM))) {
        fprintf(stderr, "sundard: cannot set up the event loop: %s\n", uv_strerror(rc));
        return 1;
    }
    uv_run(s->loop, UV_RUN_DEFAULT);
    if (!s->stopping) stop(s);
    uv_close((uv_handle_t *)&s->sigint, NULL);
    uv_close((uv_handle_t *)&s->sigterm, NULL);
    uv_run(s->loop, UV_RUN_DEFAULT);
    uv_loop_close(s->loop);
    return 0;
}

/* --web: the dashboard, served from its own threads while we work. */
static int start_web(server *s, const char *where)
{
    char why[512];
    if (web_start(&s->web, where, "sundard", why, sizeof why)) {
        fprintf(stderr, "sundard: %s\n", why);
        return 1;
    }
    fprintf(stderr, "sundard: dashboard at %s\n", web_url(s->web));
    return 0;
}

/* Keeps the page up `hold` seconds (the figures stay readable), then stops. */
static void stop_web(server *s, unsigned long hold)
{
    if (!s->web) return;
    if (hold) {
        if (!s->quiet)
            fprintf(stderr, "sundard: the dashboard stays up for %lu s at %s\n", hold,
                    web_url(s->web));
        sleep((unsigned)hold);
    }
    web_stop(s->web);
    s->web = NULL;
}

/* A whole number of seconds in 0..86400, for --web-hold and --idle-timeout. */
static int parse_seconds(const char *flag, const char *arg, unsigned long *out)
{
    char *end;
    *out = strtoul(arg, &end, 10);
    if (!*arg || *end || arg[0] == '-' || *out > 86400) {
        fprintf(stderr, "sundard: %s must be 0..86400 seconds, got '%s'\n", flag, arg);
        return 2;
    }
    return 0;
}

/* What the command line says beyond the server's own settings. */
typedef struct cli {
    const char   *listen, *from, *port_file, *web_at;
    unsigned long web_hold;
} cli;

/* Reads the command line into s and a; returns 0 to go on, -1 after
 * --help or --version, or 2 for a usage error (already reported). */
static int parse_args(server *s, cli *a, int argc, char **argv)
{
    static const struct option opts[] = {
        {"listen", required_argument, 0, 'l'}, {"out", required_argument, 0, 'o'},
        {"from", required_argument, 0, 'f'}, {"once", no_argument, 0, '1'},
        {"max-output", required_argument, 0, 'M'},
        {"max-model-mem", required_argument, 0, 'm'},
        {"port-file", required_argument, 0, 'p'}, {"json", required_argument, 0, 'j'},
        {"idle-timeout", required_argument, 0, 'I'},
        {"priors", required_argument, 0, 'P'},
        {"web", required_argument, 0, 'W'}, {"web-hold", required_argument, 0, 'H'},
        {"quiet", no_argument, 0, 'q'}, {"help", no_argument, 0, 'h'},
        {"version", no_argument, 0, 'V'},
        RCV_TRUST_OPTIONS,
        {0, 0, 0, 0}};
    int c;
    while ((c = getopt_long(argc, argv, "l:o:f:qhV", opts, NULL)) != -1) {
        switch (c) {
        case 'l': a->listen = optarg; break;
        case 'o': s->cfg.outdir = optarg; break;
        case 'f': a->from = optarg; break;
        case '1': s->once = 1; break;
        case 'M': case 'm': {
            uint64_t v;
            if (units_size(optarg, &v)) {
                fprintf(stderr, "sundard: '%s' is not a size (try 100M, 2G)\n", optarg);
                return 2;
            }
            if (c == 'M') s->cfg.core.lim.max_output = v;
            else s->cfg.core.lim.max_model_mem = v;
            break;
        }
        case 'p': a->port_file = optarg; break;
        case 'P': s->cfg.priors = optarg; break;
        case 'W': a->web_at = optarg; break;
        case 'H':
            if (parse_seconds("--web-hold", optarg, &a->web_hold)) return 2;
            break;
        case 'I': {
            unsigned long sec;
            if (parse_seconds("--idle-timeout", optarg, &sec)) return 2;
            s->cfg.idle_ms = (uint64_t)sec * 1000;
            break;
        }
        case 'j': s->json = optarg; break;
        case 'q': s->quiet = 1; break;
        case 'h': usage(stdout); return -1;
        case 'V': printf("%s (codec version %d)\n", VERSION, CODEC_VERSION); return -1;
        default:
            if (c < RCV_TRUST_FIRST || c > RCV_TRUST_LAST) { usage(stderr); return 2; }
            if (rcv_trust_option(&s->trust, c, optarg)) return 2;
            break;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "sundard: unexpected argument '%s' (see --help)\n", argv[optind]);
        return 2;
    }
    return 0;
}

int main(int argc, char **argv)
{
    server s;
    memset(&s, 0, sizeof s);
    rcv_trust_init(&s.trust);
    cli a = {.listen = DEFAULT_LISTEN};
    s.cfg.outdir = ".";
    s.cfg.core.lim.max_output = 64ull << 30;
    s.cfg.core.lim.max_model_mem = 2ull << 30;
    s.cfg.core.lim.umask = (uint32_t)rcv_meta_umask();   /* applied to the carried modes */
    s.cfg.idle_ms = 300000;
    int rc = parse_args(&s, &a, argc, argv);
    if (rc) {
        rcv_trust_fini(&s.trust);
        return rc < 0 ? 0 : rc;
    }
    rc = rcv_trust_start(&s.trust, &s.cfg, s.quiet);
    if (rc) {
        rcv_trust_fini(&s.trust);
        return rc < 0 ? 0 : rc;
    }
    struct sockaddr_storage addr;
    if (!a.from && (rc = resolve_listen(&s, a.listen, &addr))) {
        rcv_trust_fini(&s.trust);
        return rc;
    }
    int created;
    char why[600];
    if (fileio_mkdirs(s.cfg.outdir, 0755, &created, why, sizeof why)) {
        fprintf(stderr, "sundard: --out: %s\n", why);
        rcv_trust_fini(&s.trust);
        return 2;
    }
    if (created && !s.quiet) fprintf(stderr, "sundard: created %s\n", s.cfg.outdir);
    struct stat st;
    if (s.cfg.priors && (stat(s.cfg.priors, &st) || !S_ISDIR(st.st_mode))) {
        fprintf(stderr, "sundard: --priors %s is not a directory\n", s.cfg.priors);
        rcv_trust_fini(&s.trust);
        return 2;
    }
    rc = prepare_out(&s);
    signal(SIGPIPE, SIG_IGN);
    if (!rc && a.web_at && start_web(&s, a.web_at)) rc = 2;
    if (!rc) rc = a.from ? decode_file(&s, a.from) : serve(&s, &addr, a.listen, a.port_file);
    if (!rc && !a.from) rc = s.failures || (s.once && !s.sessions) ? 1 : 0;
    stop_web(&s, a.web_hold);
    rcv_trust_fini(&s.trust);
    return rc;
}
