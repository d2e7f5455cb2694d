/* What a module says of itself: AT until it answers, ATE0, ATI (model, revision), AT+QGMR
 * (the full version), as rows of the dialogue runner (runner.h) that the identify phase
 * runs before the command and the verify phase after the final reboot; and how two
 * identities compare. */
#ifndef DFOTA_IDENT_H
#define DFOTA_IDENT_H

#include "fsm/fsm.h"
#include "fsm/runner.h"

/* Reads what the module says of itself into slot (emptied first): AT until it answers,
 * then echo off, ATI's model and revision, AT+QGMR's full version; what these last three
 * answer, the dialogue goes on. window: AT is asked until the phase's CORE_TIMER_VERIFY
 * ends it, and disarms it once answered (after the final reboot); else three times,
 * and a module that never answers ends the session. Returns the phase's verdict; done
 * says what the identity read means (runner.h). */
enum fsm_verdict ident_run(struct fsm *m, struct fsm_identity *slot, bool window,
                           runner_done_fn done);

/* The version to show: the full one, else the revision; "" when none was read. */
const char *ident_version(const struct fsm_identity *id);

/* Whether two identities name different firmware; false when either is unknown. */
bool ident_differs(const struct fsm_identity *a, const struct fsm_identity *b);
/* Whether the two can be compared: both have AT+QGMR's version, or both ATI's. */
bool ident_comparable(const struct fsm_identity *a, const struct fsm_identity *b);
/* Whether nothing of the version is known. */
bool ident_unknown(const struct fsm_identity *id);

#endif
