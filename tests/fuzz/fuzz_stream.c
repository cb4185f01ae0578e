/* tests/fuzz/fuzz_stream.c — fuzz target: any bytes as a recorded sender
 * stream, through the frame parser, the message readers, the order
 * checks and a whole receiving session (decoding included), as
 * `sundard --from` would. It must never crash, hang or leak, and must
 * leave no file behind unless the session succeeded.
 * Build: make fuzz; run: build-fuzz/fuzz_stream tests/golden/proto/ */
#include "../../proto/frame.h"
#include "../../receiver/rcv_core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char dir[64];
    static int dirfd = -1;
    if (!dir[0]) {
        /* tmpfs where there is one: a session fsyncs its files, which on
         * a disk would take most of the fuzzer's time. */
        snprintf(dir, sizeof dir, "%s/sl-fuzz-XXXXXX", access("/dev/shm", W_OK) ? "/tmp"
                                                                                  : "/dev/shm");
        if (!mkdtemp(dir)) abort();
        char why[256];
        if ((dirfd = rcv_stage_open_out(dir, why, sizeof why)) < 0) abort();
    }
    /* Small limits keep each run fast; a hostile recipe is refused. */
    rcv_cfg cfg = {.lim = {1 << 20, 64 << 20, 0}, .outfd = dirfd, .recording = 1};
    rcv_core core;
    rcv_core_init(&core, &cfg);
    frame_parser p;
    frame_parser_init(&p);
    bytebuf reply = {0};
    int result = size ? rcv_core_feed(&core, &p, data, size, &reply) : 0;
    if (!result) result = rcv_core_feed(&core, &p, NULL, 0, &reply);
    rcv_core_fini(&core);
    frame_parser_fini(&p);
    bytebuf_fini(&reply);
    if (result == 1) {
        char cmd[200];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'/* '%s'/.[!.]*", dir, dir);
        if (system(cmd)) abort();
    }
    return 0;
}
