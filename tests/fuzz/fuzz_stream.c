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
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/sl-fuzz-XXXXXX");
        if (!mkdtemp(dir)) abort();
    }
    /* Small limits keep each run fast; a hostile recipe is refused. */
    rcv_limits lim = {1 << 20, 64 << 20, 0};
    rcv_core core;
    rcv_core_init(&core, &lim, dir);
    frame_parser p;
    frame_parser_init(&p);
    bytebuf reply = {0};
    int result = size ? rcv_core_feed(&core, &p, data, size, &reply) : 0;
    if (!result) result = rcv_core_feed(&core, &p, NULL, 0, &reply);
    rcv_core_fini(&core);
    frame_parser_fini(&p);
    bytebuf_fini(&reply);
    if (result == 1) {
        char cmd[160];  /* room for the longest dir (64) twice */
        snprintf(cmd, sizeof cmd, "rm -rf '%s'/* '%s'/.[!.]*", dir, dir);
        if (system(cmd)) abort();
    }
    return 0;
}
