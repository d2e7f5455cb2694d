/* The AT engine on the fake port and fake clock, with everything it reports kept as one
 * trace, for the AT engine's tests. */
#ifndef DFOTA_AT_RIG_H
#define DFOTA_AT_RIG_H

#include "at/at.h"
#include "fake_port.h"

/* Everything the engine reported, in order, as "R:line|U:line|F:OK,-1|". */
struct at_rig {
    struct fake_port fp;
    struct at_engine at;
    char trace[8192];
    int warnings;
    unsigned seed;
};

/* A rig on an open fake port with the default URC prefixes (free() it). */
struct at_rig *at_rig_new(void);
/* Appends "tag:text|" to the trace. */
void at_rig_trace(struct at_rig *r, const char *tag, const char *text);
/* Feeds what the fake port holds, chunk bytes at a time (0: all at once, -1: random). */
void at_rig_pump(struct at_rig *r, int chunk);
/* Sends a command with a 300 ms timeout; asserts it went out. */
void at_rig_send(struct at_rig *r, const char *text, enum at_resp resp, const char *prefix);

#endif
