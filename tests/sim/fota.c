/* The DFOTA scenario after AT+QFOTADL: download, reboot into recovery, START, UPDATING,
 * END (retries after a failed attempt, restore after the last), reboot into the new
 * firmware, boot URCs. Every wait services the AT port, as the module stays responsive. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include "sim.h"

#include <string.h>
#include <strings.h>

#define BOOT_URC_GAP_MS 10

enum via { VIA_FILE, VIA_HTTP, VIA_HTTPS, VIA_FTP, VIA_NONE };

enum word { W_DL_START, W_DL_END, W_START, W_UPDATING, W_END, W_RESTORE, W_COUNT };

static enum via via_of(const char *target)
{
    if (strncasecmp(target, "http://", 7) == 0)
        return VIA_HTTP;
    if (strncasecmp(target, "https://", 8) == 0)
        return VIA_HTTPS;
    if (strncasecmp(target, "ftp://", 6) == 0)
        return VIA_FTP;
    return target[0] == '/' || strncmp(target, "UFS:", 4) == 0 ? VIA_FILE : VIA_NONE;
}

bool sim_target_valid(const char *target)
{
    return via_of(target) != VIA_NONE;
}

static const char *spell(const struct sim *s, enum word w, enum via via)
{
    static const char *const upper[W_COUNT] = {"START",    "END", "START",
                                               "UPDATING", "END", "RESTORE"};
    static const char *const mixed[W_COUNT] = {"Start",    "End", "start",
                                               "updating", "end", "restore"};
    static char buf[32];
    bool lower = s->o.spelling == SIM_SPELL_LOWER;
    const char *base = lower ? mixed[w] : upper[w];
    if (w != W_DL_START && w != W_DL_END)
        return base;
    const char *prefix = "HTTP";
    if (via == VIA_FTP)
        prefix = "FTP";
    else if (via == VIA_HTTPS &&
             (s->o.spelling == SIM_SPELL_HTTPS || sim_quirk(s, SIM_QUIRK_HTTPS_SPELLING)))
        prefix = "HTTPS";
    snprintf(buf, sizeof buf, "%s%s", prefix, base);
    return buf;
}

/* +QIND: "FOTA","<name>"[,<value>[%]] in the chosen spelling, on this port when URCs go
 * here (AT+QURCCFG), else to a port the host does not listen on. */
static void urc(struct sim *s, const char *name, int value, bool percent)
{
    const char *sep = s->o.spelling == SIM_SPELL_NOTE ? ", " : ",";
    char text[128];
    if (value < 0)
        snprintf(text, sizeof text, "+QIND: \"FOTA\"%s\"%s\"", sep, name);
    else
        snprintf(text, sizeof text, "+QIND: \"FOTA\"%s\"%s\"%s%d%s", sep, name, sep, value,
                 percent && (s->o.percent_sign || sim_quirk(s, SIM_QUIRK_PERCENT_SIGN)) ? "%" : "");
    if (!sim_urcs_here(s)) {
        sim_log(s, "URC to %s, not this port: %s", s->urcport, text);
        return;
    }
    sim_send_line(s, text, true);
}

/* Returns false when the scenario ends here (stop, or the port never returns). */
static bool reboot(struct sim *s, const char *why)
{
    sim_log(s, "reboot: %s", why);
    s->echo = true; /* the power-on default */
    if (s->o.uart) {
        s->powered = false;
        bool ok = sim_idle(s, s->o.reboot_ms);
        s->powered = true;
        s->line_len = 0;
        if (ok && !s->o.silent_after_reboot)
            sim_send_line(s, "RDY", false);
        return ok;
    }
    sim_pty_down(s);
    if (!sim_idle(s, s->o.reboot_ms))
        return false;
    if (s->o.never_back) {
        sim_log(s, "--never-back: the port stays away");
        return false;
    }
    if (sim_pty_up(s) != 0) {
        s->stop = true;
        return false;
    }
    if (s->o.noise)
        sim_noise(s, true);
    return true;
}

static bool is_package_check(int code)
{
    return code == 504 || code == 505 || code == 510 || code == 511;
}

static bool progress(struct sim *s, enum word w, uint32_t from, uint32_t limit)
{
    for (uint32_t pct = from;; pct += s->o.progress_step) {
        if (pct > limit)
            pct = limit;
        urc(s, spell(s, w, VIA_NONE), (int)pct, true);
        if (!sim_idle(s, s->o.progress_ms))
            return false;
        if (pct >= limit)
            return true;
        if (pct == 1 && s->o.progress_step > 1)
            pct = 0; /* RESTORE 1, then the regular steps */
    }
}

static bool first_urc(struct sim *s)
{
    bool start = !sim_quirk(s, SIM_QUIRK_NO_START);

    if (s->o.early_first_urc && !s->o.uart && start) {
        urc(s, spell(s, W_START, VIA_NONE), -1, false);
        return sim_idle(s, s->o.first_urc_delay_ms);
    }
    if (!sim_idle(s, s->o.first_urc_delay_ms))
        return false;
    if (!start)
        return true;
    urc(s, spell(s, W_START, VIA_NONE), -1, false);
    return sim_idle(s, s->o.progress_ms);
}

/* A successful attempt's progress: ASR reboots inside it (47 %, then 60 %); BG96 then
 * puts the new firmware in place with RESTORE. */
static bool progress_to_success(struct sim *s)
{
    if (sim_quirk(s, SIM_QUIRK_MID_REBOOT)) {
        if (!progress(s, W_UPDATING, 7, 47) || !reboot(s, "inside UPDATING") ||
            !sim_idle(s, s->o.first_urc_delay_ms) || !progress(s, W_UPDATING, 60, 96))
            return false;
    } else if (!progress(s, W_UPDATING, s->o.progress_step, 100)) {
        return false;
    }
    if (sim_quirk(s, SIM_QUIRK_RESTORE_INSTALL)) {
        sim_log(s, "putting the new firmware in place");
        return progress(s, W_RESTORE, 1, 100);
    }
    return true;
}

/* One update attempt in recovery mode, right after the port came back. */
static bool attempt(struct sim *s, int code, size_t number)
{
    sim_log(s, "update attempt %zu: will end with %d", number, code);
    if (!first_urc(s))
        return false;
    if (code == 0 && !progress_to_success(s))
        return false;
    if (code != 0 && !is_package_check(code) && !progress(s, W_UPDATING, s->o.progress_step, 50))
        return false;
    urc(s, spell(s, W_END, VIA_NONE), code, false);
    return sim_idle(s, s->o.progress_ms);
}

static void boot_urcs(struct sim *s)
{
    static const char *const urcs[] = {"+CPIN: READY", "+QUSIM: 1", "+QIND: SMS DONE"};
    if (!sim_idle(s, s->o.first_urc_delay_ms))
        return;
    if (!s->o.uart)
        sim_send_line(s, "RDY", true);
    for (size_t i = 0; i < sizeof urcs / sizeof urcs[0]; i++) {
        if (!sim_idle(s, BOOT_URC_GAP_MS))
            return;
        sim_send_line(s, urcs[i], true);
    }
    sim_log(s, "normal mode, version %s", s->version);
}

static bool download(struct sim *s, const char *target, enum via via)
{
    if (via == VIA_FILE) {
        sim_log(s, "local package %s: no download", target);
        return true;
    }
    urc(s, spell(s, W_DL_START, via), -1, false);
    int code = sim_download(s, target);
    if (sim_should_stop(s))
        return false;
    for (int pct = 25; code == 0 && sim_quirk(s, SIM_QUIRK_DOWNLOADING) && pct <= 100; pct += 25) {
        urc(s, "DOWNLOADING", pct, true);
        if (!sim_idle(s, s->o.progress_ms))
            return false;
    }
    urc(s, spell(s, W_DL_END, via), code, false);
    if (code != 0)
        sim_log(s, "download failed: the module stays in normal mode");
    return code == 0 && sim_idle(s, s->o.progress_ms);
}

/* After the last attempt: into normal mode with the new or (failed) the old firmware. */
static void finish(struct sim *s, int last_code)
{
    if (last_code != 0 && s->o.restore) {
        sim_log(s, "restoring %s", s->o.version_before);
        if (!progress(s, W_RESTORE, 1, 100))
            return;
    }
    /* Success installs the other version: a second upgrade on the same simulator (the
     * soak) goes back, as a package from the new version to the old one would. */
    if (last_code == 0)
        s->version = strcmp(s->version, s->o.version_after) == 0 &&
                             strcmp(s->o.version_before, s->o.version_after) != 0
                         ? s->o.version_before
                         : s->o.version_after;
    if (!reboot(s, last_code == 0 ? "into the new firmware" : "into the old firmware"))
        return;
    /* Normal mode: a new AT+QFOTADL is taken (and played after the boot URCs). */
    s->in_fota = false;
    boot_urcs(s);
}

void sim_fota_run(struct sim *s, const char *target)
{
    enum via via = via_of(target);
    if (!download(s, target, via))
        return;
    if (!reboot(s, "into recovery"))
        return;
    if (s->o.silent_after_reboot) {
        sim_log(s, "--silent-after-reboot: no more URCs");
        return;
    }
    for (size_t i = 0; i < s->o.n_ends; i++) {
        int code = s->o.ends[i];
        if (!attempt(s, code, i + 1))
            return;
        if (code == 0 || i + 1 == s->o.n_ends) {
            finish(s, code);
            return;
        }
        if (!reboot(s, "retry after a failed attempt"))
            return;
    }
}
