/* The public face of the family table: listing, and checking a target for a family. */
#include <stdio.h>
#include <string.h>

#include "dfota.h"
#include "family/family.h"
#include "at/target.h"

static void api_family_usb_ids(const struct family *f, char *out, size_t size)
{
    size_t used = 0;

    out[0] = '\0';
    for (const uint16_t *pid = f->usb_pids; pid && *pid && used + 12 < size; pid++)
        used += (size_t)snprintf(out + used, size - used, "%s2c7c:%04x", used ? " " : "", *pid);
}

static void api_family_local(const struct family *f, char *out, size_t size)
{
    const char *const *p = f->local_prefixes;

    if (f->local_form == FAMILY_LOCAL_FIXED)
        snprintf(out, size, "%s (sent as AT+QFOTADL=1)", p[0]);
    else if (f->local_form == FAMILY_LOCAL_QCFG)
        snprintf(out, size, "%s<file> (set by AT+QCFG=\"fota/path\")", p[0]);
    else if (p[1])
        snprintf(out, size, "%s<file> or %s<file>%s", p[0], p[1], p[2] ? " ..." : "");
    else
        snprintf(out, size, "%s<file>", p[0]);
}

static void api_family_command(const struct family *f, char *out, size_t size)
{
    if (f->url_form == FAMILY_URL_SUFFIX)
        snprintf(out, size, "AT+QFOTADL=\"<url>\"%s", f->url_suffix);
    else if (f->url_form == FAMILY_URL_MODE_TIMEOUT)
        snprintf(out, size, "AT+QFOTADL=\"<url>\",<mode>,<timeout>");
    else
        snprintf(out, size, "AT+QFOTADL=\"<url>\"");
}

int dfota_family_get(size_t i, struct dfota_family_info *out)
{
    const struct family *f;

    if (!out || i >= family_count)
        return DFOTA_ERR_INVALID;
    f = &family_table[i];
    memset(out, 0, sizeof(*out));
    out->name = f->name;
    out->models = f->title;
    out->url_max = f->url_max;
    out->ftp_part_max = f->ftp_part_max;
    out->restore = f->restore == FAMILY_RESTORE_INSTALL ? "new firmware in" : "old firmware back";
    out->source = f->source;
    api_family_usb_ids(f, out->usb_ids, sizeof(out->usb_ids));
    api_family_local(f, out->local, sizeof(out->local));
    api_family_command(f, out->command, sizeof(out->command));
    return DFOTA_OK;
}

int dfota_check_target_family(const char *family, const char *target, const char *ufs_prefix,
                              char *msg, size_t msg_size)
{
    const struct family *f = family ? family_by_name(family) : NULL;
    const char *one[2];
    struct target_rules r;

    if (family && !f) {
        if (msg && msg_size)
            family_describe_unknown(family, msg, msg_size);
        return DFOTA_ERR_INVALID;
    }
    family_target_rules(f, ufs_prefix, &r, one);
    return target_check_rules(target, &r, NULL, msg, msg_size);
}

const char *dfota_family_for_model(const char *model, const char *version)
{
    const struct family *f = family_for_model(model ? model : "", version ? version : "");

    return (f ? f : family_generic())->name;
}
