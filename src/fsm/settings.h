/* The timings in force: what the user set, else the family's, else the library's. */
#ifndef DFOTA_SETTINGS_H
#define DFOTA_SETTINGS_H

#include "fsm/fsm.h"

/* The library's defaults: 90 s first URC, 120 s port, 600 s stall, 5 s command, 30 min
 * download. */
void settings_default_timing(struct fsm_timing *t);

/* Sets m->family and m->timing for the family f. */
void settings_apply_family(struct fsm *m, const struct family *f);

#endif
