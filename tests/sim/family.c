/* The dialects of the module families dfota-sim can play (--family): each family's model
 * and versions, the AT+QFOTADL forms it accepts, its setup commands, its URL limit and
 * the way it tells the upgrade (spellings, RESTORE, reboots inside UPDATING). */
#include "sim.h"

#include <string.h>

static const struct sim_family families[] = {
    {"em060k", "EM060K-GL", "EM060KGLAAR01A07M4G", "EM060KGLAAR01A09M4G", 100, SIM_FORM_PLAIN, NULL,
     SIM_LOCAL_PATH, "/usrdata/cache/ufs/", SIM_QUIRK_NONE},
    {"ep06", "EP06-E", "EP06ELAR04A01M4G", "EP06ELAR04A04M4G", 255, SIM_FORM_PLAIN, NULL,
     SIM_LOCAL_PATH, "/usrdata/cache/ufs/", SIM_QUIRK_NONE},
    {"ec2x", "EC25-EU", "EC25EUGAR06A03M4G", "EC25EUGAR06A05M4G", 255, SIM_FORM_PLAIN, NULL,
     SIM_LOCAL_PATH, "/usrdata/cache/ufs/", SIM_QUIRK_NONE},
    {"eg18", "EG18-EA", "EG18EAPAR03A02M8G", "EG18EAPAR03A04M8G", 255, SIM_FORM_PLAIN, NULL,
     SIM_LOCAL_PATH, "/cache/ufs/", SIM_QUIRK_HTTPS_SPELLING},
    {"rm500q", "RM500Q-GL", "RM500QGLABR11A06M4G", "RM500QGLABR11A08M4G", 255, SIM_FORM_PLAIN, NULL,
     SIM_LOCAL_PATH, "/cache/ufs/", SIM_QUIRK_PID},
    {"bg96", "BG96", "BG96MAR02A07M1G", "BG96MAR02A08M1G", 255, SIM_FORM_PLAIN, NULL,
     SIM_LOCAL_FIXED, "/fota/update.zip", SIM_QUIRK_RESTORE_INSTALL | SIM_QUIRK_PERCENT_SIGN},
    {"ec200u", "EC200U-CN", "EC200UCNAAR02A10M08", "EC200UCNAAR02A11M08", 255, SIM_FORM_SUFFIX,
     ",1,50,100", SIM_LOCAL_QCFG, "UFS:", SIM_QUIRK_CID | SIM_QUIRK_DOWNLOADING},
    {"eg915u", "EG915U-EU", "EG915UEUABR03A01M08", "EG915UEUABR03A02M08", 255, SIM_FORM_SUFFIX,
     ",1,100,100", SIM_LOCAL_QCFG, "UFS:", SIM_QUIRK_CID | SIM_QUIRK_DOWNLOADING},
    {"ec800k", "EC800K-CN", "EC800KCNLCR01A05M08", "EC800KCNLCR01A06M08", 700,
     SIM_FORM_MODE_TIMEOUT, NULL, SIM_LOCAL_PATH, "/usrdata/cache/ufs/",
     SIM_QUIRK_NO_START | SIM_QUIRK_MID_REBOOT},
    {"generic", "Quectel-X1", "X1LAR01A01", "X1LAR01A02", 700, SIM_FORM_PLAIN, NULL, SIM_LOCAL_PATH,
     "/", SIM_QUIRK_NONE},
};

const struct sim_family *sim_family_by_name(const char *name)
{
    for (size_t i = 0; i < sizeof families / sizeof families[0]; i++) {
        if (strcmp(families[i].name, name) == 0)
            return &families[i];
    }
    return NULL;
}

bool sim_quirk(const struct sim *s, unsigned quirk)
{
    return (s->fam->quirks & quirk) != 0;
}
