/* The session's configuration: what dfota_config_init() gives, and the rules
 * dfota_open() holds a configuration to before anything is opened. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "build_config.h"
#include "family/family.h"
#include "fsm/fsm.h"
#include "at/target.h"

void dfota_config_init(struct dfota_config *cfg)
{
    if (!cfg)
        return;
    memset(cfg, 0, sizeof(*cfg));
    cfg->baud = 115200;
    cfg->log_level = DFOTA_LOG_INFO;
    cfg->fota_cid = 1;
    cfg->asr_mode = 1;
    cfg->asr_timeout = 50;
}

/* The longest expect_version and ufs_prefix, as the refusal says it. */
#define CONFIG_ID_MAX_TEXT "63"
_Static_assert(FSM_ID_MAX - 1 == 63, "CONFIG_ID_MAX_TEXT follows FSM_ID_MAX");

/* What config_fault() gives for a forced family that is none of this build's:
 * family_describe_unknown() says which. */
static const char config_unknown_family[] = "family";

/* The first rule of the configuration that cfg breaks, as a text; NULL when none. */
static const char *config_fault(const struct dfota_config *cfg)
{
    if (!cfg->port_ops && !cfg->port && !cfg->usb)
        return "no port: set port, usb or port_ops";
    if (cfg->port_ops && (!cfg->port_ops->open || !cfg->port_ops->close || !cfg->port_ops->read ||
                          !cfg->port_ops->write || !cfg->port_ops->wait))
        return "port_ops lacks a required operation";
#ifndef DFOTA_HAVE_SYS_PORT
    if (!cfg->now_ms)
        return "no clock: set now_ms";
#endif
    if (cfg->baud == 0)
        return "baud must not be 0";
    if (cfg->family && !family_by_name(cfg->family))
        return config_unknown_family;
    if (cfg->urcport && (strlen(cfg->urcport) >= 16 || strchr(cfg->urcport, '"')))
        return "urcport is a port name such as usbat, usbmodem or uart1";
    if ((cfg->expect_version && strlen(cfg->expect_version) >= FSM_ID_MAX) ||
        (cfg->ufs_prefix && strlen(cfg->ufs_prefix) >= FSM_ID_MAX))
        return "expect_version and ufs_prefix are at most " CONFIG_ID_MAX_TEXT " bytes";
    if (!DFOTA_WITH_PREFLIGHT && cfg->set_urcport) /* the checks route the URCs */
        return "set_urcport: this build has no checks before the upgrade "
               "(DFOTA_WITH_PREFLIGHT=0)";
    if (!DFOTA_WITH_UPLOAD && cfg->ufs_prefix && cfg->ufs_prefix[0])
        return "ufs_prefix: " TARGET_URLS_ONLY;
    if (cfg->asr_mode > 1)
        return "asr_mode must be 0 (manual reboot) or 1 (automatic)";
    return NULL;
}

int config_check(const struct dfota_config *cfg, char *msg, size_t size)
{
    const char *fault = config_fault(cfg);

    if (fault == config_unknown_family)
        family_describe_unknown(cfg->family, msg, size);
    else if (fault)
        snprintf(msg, size, "%s", fault);
    return fault ? DFOTA_ERR_INVALID : DFOTA_OK;
}
