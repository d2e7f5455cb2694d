/* The variants of policy.h, built as shared libraries for the ABI check's own test. */
#include <string.h>

#include "policy.h"

void policy_config_init(struct policy_config *cfg)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->baud = 115200;
}

int policy_run(const struct policy_config *cfg)
{
    struct policy_event ev = {POLICY_EVENT_DONE, "done"};

    if (cfg->on_event)
        cfg->on_event(cfg->user, &ev);
    return 0;
}

#ifndef POLICY_REMOVED_FUNCTION
int policy_cancel(const struct policy_config *cfg)
{
    return cfg->port ? 0 : -1;
}
#endif

#ifdef POLICY_ADDED_FUNCTION
int policy_families(char *out, unsigned size)
{
    return out && size ? 0 : -1;
}
#endif
