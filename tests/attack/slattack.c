/* tests/attack/slattack.c — a hostile sender, for the attack tests and the
 * attack table (tests/attack/table.sh): each mode is one attack from
 * issue 11, run over N connections at once against a receiver.
 *
 *   slattack PORT MODE [N] [HOLD_S]
 * Modes:
 *   idle        connect and say nothing
 *   halfframe   a frame header claiming the largest CHUNK, then its payload
 *               until the receiver stops reading or hangs up
 *   trickle     a HELLO, one byte every 3 s
 *   stall       HELLO, MANIFEST (tiny, 4 MiB chunks), half a CHUNK, then nothing
 *   bigrecipe   a session with a recipe needing ~1.8 GiB of model, and 2 MiB of
 *               noise in stored chunks that the model must learn
 *   emptychunk  HELLO, MANIFEST (default, one 16 MiB file in one chunk), and a
 *               coded CHUNK claiming 16 MiB with no data
 *   ignoreacks  HELLO, MANIFEST (tiny, 512-byte chunks, 28 MB), then stored
 *               CHUNKs as fast as the socket takes them, never reading
 *   afterdone   a whole valid session of one small file, then one more frame
 *   badutf8     HELLO, MANIFEST naming a file with invalid UTF-8
 * Every connection is held open HOLD_S seconds (default 10) after its
 * attack, unless the receiver hangs up. Prints one line per mode: how many
 * connections the receiver cut, and the first error it sent back. */
#include "../../common/byteorder.h"
#include "../../common/codec.h"
#include "../../common/err.h"
#include "../../common/recipe.h"
#include "../../proto/msg.h"
#include "../../util/clock.h"
#include "../../util/sha256.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

typedef struct peer {
    int      fd;
    bytebuf  out;        /* its own bytes, sent first */
    const uint8_t *tail; /* then these, shared by every peer */
    size_t   tail_len;
    size_t   off;        /* of out, then of tail */
    int      closed;     /* the receiver hung up */
    int      confirmed;  /* it sent a final ACK: it accepted the session */
    char     said[200];  /* its first ERROR text */
    frame_parser fp;
} peer;

static int dial(int port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons((uint16_t)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof a)) {
        if (fd >= 0) close(fd);
        return -1;
    }
    return fd;
}

static void hello(bytebuf *b)
{
    msg_hello h = {0};
    msg_hello_write(b, &h);   /* the preamble too */
}

/* MANIFEST for one file named `name` of `size` bytes (hash of `content`,
 * which may be NULL: zeros). */
static void manifest(bytebuf *b, const recipe_params *rp, uint32_t chunk, const char *name,
                     uint64_t size, const uint8_t *content)
{
    char text[RECIPE_MAX_TEXT];
    int tl = recipe_canonical(rp, text, sizeof text);
    bytebuf packed = {0};
    recipe_pack(rp, &packed);
    msg_file f = {.name = name, .name_len = (uint16_t)strlen(name), .mode = 0644, .size = size};
    if (content) sha256_once(content, size, f.sha256);
    msg_manifest m = {chunk, packed.p, (uint32_t)packed.len, {0}, size, 1, &f};
    uint8_t h[32];
    sha256_once(text, (size_t)tl, h);
    memcpy(m.recipe_hash, h, MSG_RECIPE_HASH);
    msg_manifest_write(b, &m);
    bytebuf_fini(&packed);
}

static void tiny(recipe_params *rp)
{
    recipe_preset("tiny", rp);
}

/* A valid session of `n` stored chunks of `chunk` bytes of text: HELLO and
 * MANIFEST (naming file `name`) into own, the chunks (and DONE) into tail. */
static void stored_session(bytebuf *own, bytebuf *tail, const char *name,
                           const recipe_params *rp, uint32_t chunk, uint32_t n, int done,
                           int noise)
{
    uint64_t total = (uint64_t)chunk * n, x = 88172645463325252ull;
    uint8_t *data = malloc(total);
    for (uint64_t i = 0; i < total; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        data[i] = noise ? (uint8_t)(x >> 24) : (uint8_t)("abcdefgh "[i % 9]);
    }
    hello(own);
    manifest(own, rp, chunk, name, total, data);
    if (tail->len) { free(data); return; }   /* already built for an earlier peer */
    for (uint32_t i = 0; i < n; i++) {
        const uint8_t *p = data + (uint64_t)i * chunk;
        msg_chunk c = {i, (uint32_t)crc32(crc32(0, Z_NULL, 0), p, chunk), MSG_CHUNK_STORED, 0,
                       p, chunk};
        msg_chunk_write(tail, &c);
    }
    if (done) {
        msg_done d = {0, 0, 0, 0};
        msg_done_write(tail, &d);
    }
    free(data);
}

static bytebuf shared;

static void build(peer *p, const char *mode, int i)
{
    recipe_params rp;
    bytebuf *b = &p->out;
    char name[32];
    snprintf(name, sizeof name, "x%d.txt", i);
    if (!strcmp(mode, "halfframe")) {
        /* The preamble, then a CHUNK header of the largest length. */
        uint32_t len = frame_limit(FRAME_CHUNK);
        uint8_t h[FRAME_PREAMBLE + FRAME_MAX_HDR] = {'S', 'L', FRAME_VERSION, FRAME_CHUNK};
        size_t hl = FRAME_PREAMBLE + 1 + varint_put(h + FRAME_PREAMBLE + 1, len);
        bytebuf_append(b, h, hl);
        if (!shared.len) {
            bytebuf_reserve(&shared, len);
            memset(shared.p, 'x', len - 1);
            shared.len = len - 1;
        }
    } else if (!strcmp(mode, "trickle")) {
        hello(b);
    } else if (!strcmp(mode, "stall")) {
        tiny(&rp);
        hello(b);
        manifest(b, &rp, 4u << 20, name, 4u << 20, NULL);
        size_t at = b->len;
        uint8_t *raw = calloc(1, 4u << 20);
        msg_chunk c = {0, 0, MSG_CHUNK_STORED, 0, raw, 4u << 20};
        msg_chunk_write(b, &c);
        b->len = at + (b->len - at) / 2;
        free(raw);
    } else if (!strcmp(mode, "bigrecipe")) {
        recipe_preset("default", &rp);
        rp.hash_bits = 26;
        rp.buf_bits = 28;
        rp.match_hash_bits = 26;   /* 1810 MiB by recipe_model_mem, under the default --max-model-mem 2G */
        stored_session(b, &shared, name, &rp, 1u << 16, 32, 0, 1);
    } else if (!strcmp(mode, "emptychunk")) {
        recipe_preset("default", &rp);
        hello(b);
        manifest(b, &rp, 16u << 20, name, 16u << 20, NULL);
        msg_chunk c = {0, 0, 0, 0, (const uint8_t *)"", 0};
        msg_chunk_write(b, &c);
    } else if (!strcmp(mode, "ignoreacks")) {
        tiny(&rp);
        stored_session(b, &shared, name, &rp, 512, 28u << 20 >> 9, 0, 0);
    } else if (!strcmp(mode, "afterdone")) {
        tiny(&rp);
        stored_session(b, &shared, name, &rp, 4096, 2, 1, 0);
        if (!i) {
            msg_done d = {0, 0, 0, 0};
            msg_done_write(&shared, &d);
        }
    } else if (!strcmp(mode, "badutf8")) {
        tiny(&rp);
        hello(b);
        manifest(b, &rp, 4096, "caf\xc3(.txt", 3, (const uint8_t *)"abc");
    }
}

static size_t total_len(const peer *p)
{
    return p->out.len + p->tail_len;
}

/* Writes up to `max` bytes of what is left; 0, or -1 when the peer is gone. */
static int push(peer *p, size_t max)
{
    while (max && p->off < total_len(p)) {
        const uint8_t *src = p->off < p->out.len ? p->out.p + p->off
                                                 : p->tail + (p->off - p->out.len);
        size_t n = p->off < p->out.len ? p->out.len - p->off : total_len(p) - p->off;
        if (n > max) n = max;
        ssize_t w = write(p->fd, src, n);
        if (w < 0) return errno == EAGAIN || errno == EINTR ? 0 : -1;
        p->off += (size_t)w;
        max -= (size_t)w;
        if ((size_t)w < n) break;
    }
    return 0;
}

/* Reads what the receiver says; notes its first ERROR. */
static void drain(peer *p)
{
    uint8_t buf[4096];
    ssize_t n = read(p->fd, buf, sizeof buf);
    if (n <= 0) {
        if (n == 0 || (errno != EAGAIN && errno != EINTR)) p->closed = 1;
        return;
    }
    size_t off = 0;
    while (off < (size_t)n) {
        frame f;
        size_t used;
        int rc = frame_parse(&p->fp, buf + off, (size_t)n - off, &used, &f);
        off += used;
        if (rc < 0) break;
        msg_error e;
        msg_ack a;
        if (rc == 1 && f.type == FRAME_ACK && !msg_ack_read(&f, &a) && a.final) p->confirmed = 1;
        if (rc == 1 && f.type == FRAME_ERROR && !p->said[0] && !msg_error_read(&f, &e))
            snprintf(p->said, sizeof p->said, "%s: %.150s", sl_errname(e.code), e.text);
    }
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: slattack PORT MODE [N] [HOLD_S]\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    int port = atoi(argv[1]), n = argc > 3 ? atoi(argv[3]) : 1;
    double hold = argc > 4 ? atof(argv[4]) : 10;
    const char *mode = argv[2];
    int reads = strcmp(mode, "ignoreacks") != 0;
    peer *ps = calloc((size_t)n, sizeof *ps);
    int up = 0;
    for (int i = 0; i < n; i++) {
        ps[i].fd = dial(port);
        if (ps[i].fd < 0) { ps[i].closed = 1; continue; }
        up++;
        fcntl(ps[i].fd, F_SETFL, O_NONBLOCK);
        frame_parser_init(&ps[i].fp);
        build(&ps[i], mode, i);
    }
    for (int i = 0; i < n; i++) {
        ps[i].tail = shared.p;
        ps[i].tail_len = shared.len;
    }
    double t0 = now_s(), last_trickle = t0, done_at = 0;
    struct pollfd *pf = calloc((size_t)n, sizeof *pf);
    for (;;) {
        int open = 0, sending = 0;
        for (int i = 0; i < n; i++) {
            peer *p = &ps[i];
            pf[i].fd = p->closed ? -1 : p->fd;
            int more = p->off < total_len(p) && strcmp(mode, "trickle");
            pf[i].events = (reads ? POLLIN : 0) | (more ? POLLOUT : 0);
            open += !p->closed;
            sending += !p->closed && more;
        }
        if (!open) break;
        if (!sending && !done_at) done_at = now_s();
        if (done_at && now_s() - done_at > hold) break;
        poll(pf, (nfds_t)n, 100);
        int tick = !strcmp(mode, "trickle") && now_s() - last_trickle >= 3;
        if (tick) last_trickle = now_s();
        for (int i = 0; i < n; i++) {
            peer *p = &ps[i];
            if (p->closed) continue;
            if (pf[i].revents & (POLLIN | POLLHUP | POLLERR)) drain(p);
            if ((tick && push(p, 1)) || ((pf[i].revents & POLLOUT) && push(p, 1u << 20)))
                p->closed = 1;
        }
    }
    int cut = 0, confirmed = 0;
    const char *said = "";
    for (int i = 0; i < n; i++) {
        cut += ps[i].closed;
        confirmed += ps[i].confirmed;
        if (!*said && ps[i].said[0]) said = ps[i].said;
    }
    printf("%s: %d of %d connected, %d cut by the receiver in %.1f s, %d accepted; it said: %s\n",
           mode, up, n, cut, now_s() - t0, confirmed, *said ? said : "(nothing)");
    return 0;
}
