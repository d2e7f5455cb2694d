/* The dialogue that reads what a module says of itself: AT until it answers, ATE0, ATI
 * (model, revision), AT+QGMR (the full version). Const steps run by a small runner;
 * used before the command (identify) and after the final reboot (verify). */
#ifndef DFOTA_IDENT_H
#define DFOTA_IDENT_H

#include "fsm/fsm.h"

enum ident_status { IDENT_RUNNING, IDENT_DONE, IDENT_NO_ANSWER };

/* Starts reading into slot. until_deadline: ask AT again until CORE_TIMER_VERIFY
 * (armed by the caller) instead of three times. */
void ident_start(struct fsm *m, struct fsm_identity *slot, bool until_deadline);

void ident_on_line(struct fsm *m, const char *line);
enum ident_status ident_on_answer(struct fsm *m, enum at_result result, uint64_t now);
/* CORE_TIMER_PAUSE fired: AT again. */
void ident_on_pause(struct fsm *m);

/* The version to show: the full one, else the revision; "" when none was read. */
const char *ident_version(const struct fsm_identity *id);

/* Whether two identities name different firmware; false when either is unknown. */
bool ident_differs(const struct fsm_identity *a, const struct fsm_identity *b);
/* Whether the two can be compared: both have AT+QGMR's version, or both ATI's. */
bool ident_comparable(const struct fsm_identity *a, const struct fsm_identity *b);
/* Whether nothing of the version is known. */
bool ident_unknown(const struct fsm_identity *id);

#endif
