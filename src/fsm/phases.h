/* The phases of the dialogue; fsm.c strings them into plans. */
#ifndef DFOTA_PHASES_H
#define DFOTA_PHASES_H

#include "fsm/fsm.h"

/* Where the module sends its URCs: the checks route them to dfota's port, the cleanup
 * puts them back (one %s: the port's name). */
#define PHASES_SET_URCPORT "AT+QURCCFG=\"urcport\",\"%s\""

/* AT, ATE0, the model and the version; then the family. */
extern const struct fsm_phase phase_identify;
#if DFOTA_WITH_PREFLIGHT
/* What can be read before the command: SIM, network, where URCs go, the package. */
extern const struct fsm_phase phase_preflight;
#endif
#if DFOTA_WITH_UPLOAD
/* The host's upload of the package into the module's file system. */
extern const struct fsm_phase phase_upload;
#endif
/* The family's check of the target, its setup commands, AT+QFOTADL in its form. */
extern const struct fsm_phase phase_command;
/* The download, the reboots, the update attempts, to END,0 and the final reboot. */
extern const struct fsm_phase phase_follow;
/* After the final reboot: the version again, and the verdict. */
extern const struct fsm_phase phase_verify;
#if DFOTA_WITH_PREFLIGHT
/* After every ending: what the session changed on the module put back (the URC port). */
extern const struct fsm_phase phase_cleanup;
#endif

#endif
