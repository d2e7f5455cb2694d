/* A session on the fake port and fake module, with every event recorded as a trace:
 * "VERSION:x DL_START:http DL_END:0 LOST BACK START:1 P10 END:0 DONE:0,0". */
#ifndef DFOTA_SESSION_RIG_H
#define DFOTA_SESSION_RIG_H

#include "dfota.h"
#include "fake_module.h"
#include "fake_port.h"

#define RIG_TRACE_MAX 4096
#define RIG_LOG_MAX 32768

/* A +QIND "FOTA" line. */
#define QIND(kind) "+QIND: \"FOTA\",\"" kind "\""
#define QINDN(kind, n) "+QIND: \"FOTA\",\"" kind "\"," #n

struct session_rig {
    struct fake_port fp;
    struct fake_module fm;
    struct dfota_config cfg;
    struct dfota *s;
    char trace[RIG_TRACE_MAX];
    char log[RIG_LOG_MAX];
    char checks[RIG_TRACE_MAX]; /* "sim:ok network:ok ..." */
    int done_events;
    int phase_events;
    uint64_t done_at;
    uint64_t clock_base; /* what the session's clock reads at the fake port's time 0 */
};

/* Allocates a rig with the library's defaults and the fake port; not yet opened. */
struct session_rig *rig_create(void);
/* Opens the session (asserting success). */
void rig_open(struct session_rig *r);
/* rig_open, dfota_start(target), dfota_run(); returns the result. */
int rig_upgrade(struct session_rig *r, const char *target);
void rig_destroy(struct session_rig *r);

#endif
