/* tests/unit/test_web.c — the dashboard's board (net/web_board.h) without
 * HTTP: the figures a session shows, its loss curve and heat-map, names
 * from the wire that are not UTF-8, the events' format, waiting, and which
 * sessions are kept. The HTTP side is tests/web/api.sh and chromium.sh. */
#include "../../net/web_board.h"
#include "../../common/codec.h"
#include "../../util/clock.h"

#include <criterion/criterion.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static json_t *sessions(web_board *b)
{
    char *text = web_board_sessions_json(b);
    cr_assert_not_null(text);
    json_error_t e;
    json_t *a = json_loads(text, 0, &e);
    cr_assert_not_null(a, "not JSON (%s): %.200s", e.text, text);
    free(text);
    return a;
}

/* The last session event in the text, parsed. */
static json_t *last_event(const char *text)
{
    const char *p = text, *data = NULL;
    while ((p = strstr(p, "event: session\ndata: "))) {
        data = p + strlen("event: session\ndata: ");
        p = data;
    }
    cr_assert_not_null(data, "no session event in %.200s", text);
    const char *end = strstr(data, "\n\n");
    cr_assert_not_null(end, "an event must end in a blank line");
    json_error_t e;
    json_t *o = json_loadb(data, (size_t)(end - data), 0, &e);
    cr_assert_not_null(o, "event data is not JSON: %s", e.text);
    return o;
}

Test(web, names_from_the_wire_become_valid_json)
{
    web_board *b = web_board_new("sundard");
    int id = web_board_session(b, "10.0.0.1:5\n\"peer\"");
    const char *names[] = {"caf\xc3\xa9.txt", "bad\xff\xfe\".txt", "a\nb",
                           "cut\xe2\x82", "\xed\xa0\x80surrogate", NULL};
    web_board_manifest(b, id, 5, names, 1000, 12, 0);
    json_t *a = sessions(b);
    json_t *s = json_array_get(a, 0);
    cr_assert_str_eq(json_string_value(json_object_get(s, "state")), "receiving");
    cr_assert_str_eq(json_string_value(json_object_get(s, "peer")), "10.0.0.1:5?\"peer\"");
    json_t *n = json_object_get(s, "names");
    cr_assert_eq(json_array_size(n), 5);
    cr_assert_str_eq(json_string_value(json_array_get(n, 0)), "caf\xc3\xa9.txt");
    cr_assert_str_eq(json_string_value(json_array_get(n, 1)), "bad??\".txt");
    cr_assert_str_eq(json_string_value(json_array_get(n, 2)), "a?b");
    cr_assert_str_eq(json_string_value(json_array_get(n, 3)), "cut??");
    cr_assert_str_eq(json_string_value(json_array_get(n, 4)), "???surrogate");
    json_decref(a);
    web_board_free(b);
}

/* Every byte costs (i % 8 + 1) bits: the curve's bins and the heat-map must
 * show exactly that, after the curve folded a few times. */
Test(web, curve_and_heatmap_hold_the_costs)
{
    web_board *b = web_board_new("sundard");
    int id = web_board_session(b, "p");
    size_t n = 100000, chunk = 4096;
    web_board_manifest(b, id, 1, NULL, 0, 7, 0);   /* no total: the curve must fold */
    uint8_t *raw = malloc(chunk);
    uint32_t *cost = malloc(chunk * sizeof *cost);
    uint64_t units = 0;
    for (size_t off = 0; off < n; off += chunk) {
        size_t len = n - off < chunk ? n - off : chunk;
        for (size_t i = 0; i < len; i++) {
            raw[i] = (uint8_t)('a' + (off + i) % 26);
            cost[i] = (uint32_t)(((off + i) % 8 + 1) * CODEC_COST_ONE);
            units += cost[i];
        }
        web_board_bytes(b, id, raw, cost, len);
        web_board_link(b, id, off + len, (off + len) / 2, (off + len) * 9 / 16, off + len, 0);
    }
    char *text = web_board_events(b, 0);
    json_t *o = last_event(text);
    free(text);
    cr_assert_eq(json_integer_value(json_object_get(o, "decoded_bytes")), (json_int_t)n);
    cr_assert_eq(json_integer_value(json_object_get(o, "model_bytes")), (json_int_t)n);
    cr_assert_float_eq(json_real_value(json_object_get(o, "bits_per_byte")), 4.5, 1e-6);
    cr_assert_float_eq(json_real_value(json_object_get(o, "ideal_bits_per_byte")),
                       (double)units / CODEC_COST_ONE / (double)n, 1e-9);
    json_t *curve = json_object_get(o, "curve"), *bpb = json_object_get(curve, "bpb");
    json_int_t bin = json_integer_value(json_object_get(curve, "bin_bytes"));
    size_t nb = json_array_size(bpb);
    cr_assert(nb > 1 && nb <= WEB_BINS, "%zu bins", nb);
    cr_assert_eq((size_t)((n + (size_t)bin - 1) / (size_t)bin), nb);
    cr_assert_eq(bin % 8, 0);
    for (size_t i = 0; i + 1 < nb; i++)   /* whole bins average 1..8 bits: 4.5 */
        cr_assert_float_eq(json_real_value(json_array_get(bpb, i)), 4.5, 1e-9);
    json_t *heat = json_object_get(o, "heat"), *hb = json_object_get(heat, "bytes"),
           *hc = json_object_get(heat, "bits");
    cr_assert_eq(json_array_size(hb), WEB_HEAT);
    cr_assert_eq(json_array_size(hc), WEB_HEAT);
    size_t first = n - WEB_HEAT;
    cr_assert_eq(json_integer_value(json_object_get(heat, "offset")), (json_int_t)first);
    for (size_t i = 0; i < WEB_HEAT; i++) {
        cr_assert_eq(json_integer_value(json_array_get(hb, i)), 'a' + (first + i) % 26);
        cr_assert_float_eq(json_real_value(json_array_get(hc, i)),
                           (double)((first + i) % 8 + 1), 1e-9);
    }
    json_decref(o);
    free(raw);
    free(cost);
    web_board_free(b);
}

/* At the end the session carries the figures of --json, and says so. */
Test(web, the_end_shows_the_json_figures)
{
    web_board *b = web_board_new("sundard");
    int ok = web_board_session(b, "a"), bad = web_board_session(b, "b");
    sl_stats st = {.who = "sundard", .ok = 1, .files = 2, .chunks = 3, .raw = 5000,
                   .wire = 1500, .transcript = 1400, .recipe = 9, .prior = 300,
                   .zlib = 2000, .xz = 1800, .zstd = 1900, .elapsed_s = 1.25};
    web_board_end(b, ok, &st, NULL);
    web_board_end(b, bad, &st, "CHUNK 3: coded data is corrupt");
    json_t *a = sessions(b), *s0 = json_array_get(a, 0), *s1 = json_array_get(a, 1);
    json_t *want = report_to_json(&st);
    cr_assert(json_equal(json_object_get(s0, "final"), want), "final differs from --json");
    cr_assert_str_eq(json_string_value(json_object_get(s0, "state")), "finished");
    cr_assert_eq(json_integer_value(json_object_get(s0, "description_length")),
                 (json_int_t)report_description_length(&st));
    cr_assert_eq(json_integer_value(json_object_get(s0, "wire_bytes")), 1500);
    cr_assert_str_eq(json_string_value(json_object_get(s1, "state")), "failed");
    cr_assert_str_eq(json_string_value(json_object_get(s1, "error")),
                     "CHUNK 3: coded data is corrupt");
    cr_assert(json_is_null(json_object_get(s1, "final")));
    json_decref(want);
    json_decref(a);
    web_board_free(b);
}

Test(web, waiting_wakes_on_change_and_stop)
{
    web_board *b = web_board_new("satyad");
    uint64_t v = web_board_wait(b, 0, 5);
    cr_assert_gt(v, 0);
    double t0 = now_s();
    cr_assert_eq(web_board_wait(b, v, 0.2), v, "nothing changed: the same version");
    cr_assert_geq(now_s() - t0, 0.15);
    int id = web_board_session(b, "x");
    uint64_t v2 = web_board_wait(b, v, 5);
    cr_assert_gt(v2, v);
    char *text = web_board_events(b, v);   /* only what changed since v */
    cr_assert_not_null(strstr(text, "\"id\":1"));
    free(text);
    text = web_board_events(b, v2);
    cr_assert_str_eq(text, "");
    free(text);
    web_board_link(b, id, 1, 2, 3, 4, 5);
    web_board_stop(b);
    cr_assert_eq(web_board_wait(b, v2, 5), 0, "a stopped board answers 0 at once");
    web_board_free(b);
}

/* Past WEB_SESSIONS, the oldest ended session makes room; a running one
 * stays. */
Test(web, the_oldest_ended_session_goes_first)
{
    web_board *b = web_board_new("sundard");
    sl_stats st = {.who = "sundard", .ok = 1};
    int first = web_board_session(b, "running");
    for (int i = 1; i < WEB_SESSIONS; i++) web_board_end(b, web_board_session(b, "done"), &st, NULL);
    int last = web_board_session(b, "new");
    json_t *a = sessions(b);
    cr_assert_eq(json_array_size(a), WEB_SESSIONS);
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(a, 0), "id")), first);
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(a, 1), "id")), first + 2);
    cr_assert_eq(json_integer_value(json_object_get(json_array_get(a, WEB_SESSIONS - 1), "id")),
                 last);
    json_decref(a);
    web_board_free(b);
}
