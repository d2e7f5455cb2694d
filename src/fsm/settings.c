/* The timings in force. */
#include "fsm/settings.h"

void settings_default_timing(struct fsm_timing *t)
{
    t->first_urc_ms = 90000;
    t->port_ms = 120000;
    t->stall_ms = 600000;
    t->command_ms = 5000;
    t->download_ms = 1800000;
}

static uint32_t settings_pick(uint32_t user, uint32_t family, uint32_t library)
{
    return user ? user : family ? family : library;
}

void settings_apply_family(struct fsm *m, const struct family *f)
{
    const struct fsm_timing *u = &m->set.timing;
    struct fsm_timing lib;

    settings_default_timing(&lib);
    m->family = f;
    m->timing.first_urc_ms =
        settings_pick(u->first_urc_ms, f->timing.first_urc_ms, lib.first_urc_ms);
    m->timing.port_ms = settings_pick(u->port_ms, f->timing.port_ms, lib.port_ms);
    m->timing.stall_ms = settings_pick(u->stall_ms, f->timing.stall_ms, lib.stall_ms);
    m->timing.download_ms = settings_pick(u->download_ms, f->timing.download_ms, lib.download_ms);
    m->timing.command_ms = settings_pick(u->command_ms, 0, lib.command_ms);
}
