/* The module's AT interpreter: echo, line assembly and the few commands DFOTA needs. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include "sim.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void sim_redact(const char *text, char *out, size_t size)
{
    const char *scheme = strstr(text, "://");
    const char *at = scheme ? strchr(scheme + 3, '@') : NULL;
    const char *slash = scheme ? strchr(scheme + 3, '/') : NULL;
    const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
    if (at && colon && colon < at && (!slash || at < slash))
        snprintf(out, size, "%.*s***%s", (int)(colon + 1 - text), text, at);
    else
        snprintf(out, size, "%s", text);
}

/* Writes the information lines (may be none) and the final result code as one burst. */
static void respond(struct sim *s, const char *const *lines, size_t n, const char *final)
{
    char buf[SIM_LINE_MAX * 2];
    size_t used = 0;
    if (s->o.noise && sim_random(s, 4) == 0)
        sim_noise(s, false);
    for (size_t i = 0; i < n; i++) {
        sim_log(s, "tx %s", lines[i]);
        used += (size_t)snprintf(buf + used, sizeof buf - used, "\r\n%s", lines[i]);
    }
    if (n > 0)
        used += (size_t)snprintf(buf + used, sizeof buf - used, "\r\n");
    sim_log(s, "tx %s", final);
    used += (size_t)snprintf(buf + used, sizeof buf - used, "\r\n%s\r\n", final);
    sim_write(s, buf, used < sizeof buf ? used : sizeof buf - 1);
}

static void respond_ok(struct sim *s)
{
    respond(s, NULL, 0, "OK");
}

static void respond_error(struct sim *s)
{
    respond(s, NULL, 0, "ERROR");
}

/* What follows the quoted target must be the family's form: nothing, its fixed
 * suffix, or ",<mode>,<timeout>". */
static bool qfotadl_tail_ok(const struct sim *s, const char *tail)
{
    unsigned mode, timeout;
    int used = 0;

    switch (s->fam->form) {
    case SIM_FORM_PLAIN:
        return tail[0] == '\0';
    case SIM_FORM_SUFFIX:
        return strcmp(tail, s->fam->suffix) == 0;
    case SIM_FORM_MODE_TIMEOUT:
        return sscanf(tail, ",%u,%u%n", &mode, &timeout, &used) == 2 && tail[used] == '\0' &&
               mode <= 1;
    }
    return false;
}

/* A local package in the family's form, or a URL within its limit. */
static const char *qfotadl_target_error(const struct sim *s, const char *target)
{
    const struct sim_family *f = s->fam;

    if (target[0] != '/' && strncmp(target, "UFS:", 4) != 0)
        return strlen(target) > f->url_max ? "URL longer than the family takes" : NULL;
    if (f->local == SIM_LOCAL_FIXED)
        return "this family takes a local package only as AT+QFOTADL=1";
    if (f->local == SIM_LOCAL_QCFG && strcmp(target, s->local_path) != 0)
        return "local package not set with AT+QCFG=\"fota/path\"";
    if (f->local == SIM_LOCAL_PATH && strncmp(target, f->local_prefix, strlen(f->local_prefix)))
        return "local package outside the family's directory";
    return NULL;
}

static bool qfotadl_parse(struct sim *s, const char *arg)
{
    const char *close = arg[0] == '"' ? strchr(arg + 1, '"') : NULL;
    const char *why;

    if (strcmp(arg, "1") == 0 && s->fam->local == SIM_LOCAL_FIXED) {
        snprintf(s->pending_target, sizeof s->pending_target, "%s", s->fam->local_prefix);
        return true;
    }
    if (!close || close == arg + 1 || !qfotadl_tail_ok(s, close + 1)) {
        sim_log(s, "QFOTADL: not this family's form (%s)", s->fam->name);
        return false;
    }
    snprintf(s->pending_target, sizeof s->pending_target, "%.*s", (int)(close - arg - 1), arg + 1);
    if ((why = qfotadl_target_error(s, s->pending_target)) != NULL) {
        sim_log(s, "QFOTADL: %s", why);
        return false;
    }
    if (sim_quirk(s, SIM_QUIRK_CID) && !s->cid_set) {
        sim_log(s, "QFOTADL: AT+QCFG=\"fota/cid\" was not sent");
        return false;
    }
    if (!sim_target_valid(s->pending_target)) {
        sim_log(s, "QFOTADL: unknown kind of target");
        return false;
    }
    return true;
}

static void cmd_qfotadl(struct sim *s, const char *arg)
{
    if (!qfotadl_parse(s, arg)) {
        respond_error(s);
        return;
    }
    if (s->pending_target[0] == '/' && !sim_ufs_find_target(s, s->pending_target)) {
        sim_log(s, "QFOTADL: no file %s in UFS", s->pending_target);
        respond_error(s);
        return;
    }
    if (s->o.dl_error || s->in_fota || s->have_pending) {
        sim_log(s, "QFOTADL refused (%s)", s->o.dl_error ? "--dl-error" : "busy");
        respond_error(s);
        return;
    }
    s->have_pending = true;
    respond_ok(s);
}

/* AT+QCFG="fota/cid",<n> and AT+QCFG="fota/path","UFS:<file>" (Unisoc). */
static void cmd_qcfg(struct sim *s, const char *arg)
{
    unsigned cid;
    char path[SIM_LINE_MAX];

    if (sim_quirk(s, SIM_QUIRK_CID) && sscanf(arg, "\"fota/cid\",%u", &cid) == 1 && cid > 0) {
        s->cid_set = true;
        respond_ok(s);
    } else if (s->fam->local == SIM_LOCAL_QCFG &&
               sscanf(arg, "\"fota/path\",\"%500[^\"]\"", path) == 1) {
        snprintf(s->local_path, sizeof s->local_path, "%s", path);
        respond_ok(s);
    } else {
        respond_error(s);
    }
}

static void cmd_info(struct sim *s)
{
    char revision[SIM_LINE_MAX];
    snprintf(revision, sizeof revision, "Revision: %s", s->version);
    const char *const lines[] = {"Quectel", s->o.model, revision};
    respond(s, lines, 3, "OK");
}

static void cmd_text(struct sim *s, const char *text)
{
    respond(s, &text, 1, "OK");
}

static void cmd_qgmr(struct sim *s)
{
    char full[SIM_LINE_MAX];
    snprintf(full, sizeof full, "%s_01.001.01.001", s->version);
    cmd_text(s, full);
}

/* cmd is what follows "AT", as received. */
static void at_dispatch(struct sim *s, const char *cmd)
{
    if (sim_net_command(s, cmd) || sim_ufs_command(s, cmd)) {
        return;
    } else if (strncasecmp(cmd, "+QCFG=", 6) == 0) {
        cmd_qcfg(s, cmd + 6);
    } else if (strncasecmp(cmd, "+QFOTAPID=", 10) == 0) {
        if (sim_quirk(s, SIM_QUIRK_PID))
            respond_ok(s);
        else
            respond_error(s);
    } else if (strncasecmp(cmd, "+QFOTADL=", 9) == 0) {
        if (strcmp(cmd + 9, "?") == 0)
            respond_ok(s);
        else
            cmd_qfotadl(s, cmd + 9);
    } else if (cmd[0] == '\0') {
        respond_ok(s);
    } else if (strcasecmp(cmd, "E0") == 0 || strcasecmp(cmd, "E") == 0) {
        s->echo = false;
        respond_ok(s);
    } else if (strcasecmp(cmd, "E1") == 0) {
        s->echo = true;
        respond_ok(s);
    } else if (strcasecmp(cmd, "I") == 0 || strcasecmp(cmd, "I0") == 0) {
        cmd_info(s);
    } else if (strcasecmp(cmd, "+QGMR") == 0) {
        cmd_qgmr(s);
    } else if (strcasecmp(cmd, "+CGMR") == 0 || strcasecmp(cmd, "+GMR") == 0) {
        cmd_text(s, s->version);
    } else if (strcasecmp(cmd, "+CGMI") == 0 || strcasecmp(cmd, "+GMI") == 0) {
        cmd_text(s, "Quectel");
    } else if (strcasecmp(cmd, "+CGMM") == 0 || strcasecmp(cmd, "+GMM") == 0) {
        cmd_text(s, s->o.model);
    } else {
        respond_error(s);
    }
}

static void at_line(struct sim *s)
{
    char shown[SIM_LINE_MAX + 16];
    s->line[s->line_len] = '\0';
    if (s->line_overflow) {
        sim_log(s, "rx line too long");
        respond_error(s);
        return;
    }
    /* The module skips anything before "AT" (noise on the line, a stray byte). */
    const char *p = s->line;
    while (*p && strncasecmp(p, "AT", 2) != 0)
        p++;
    if (s->line_len == 0)
        return;
    sim_redact(s->line, shown, sizeof shown);
    sim_log(s, "rx %s", shown);
    if (*p == '\0') {
        sim_log(s, "not a command: ignored");
        return;
    }
    at_dispatch(s, p + 2);
}

void sim_at_input(struct sim *s, const uint8_t *buf, size_t len)
{
    size_t taken = sim_ufs_input(s, buf, len); /* the data of an upload */
    size_t echo_from = 0;

    buf += taken;
    len -= taken;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = buf[i];
        if (c != '\r' && c != '\n') {
            if (s->line_len + 1 < sizeof s->line)
                s->line[s->line_len++] = (char)c;
            else
                s->line_overflow = true;
            continue;
        }
        /* The echo of a command line comes before its answer. */
        if (s->echo)
            sim_write(s, buf + echo_from, i + 1 - echo_from);
        echo_from = i + 1;
        at_line(s);
        s->line_len = 0;
        s->line_overflow = false;
        if (s->ufs.receiving) { /* AT+QFUPL: what follows CONNECT is data */
            sim_at_input(s, buf + echo_from, len - echo_from);
            return;
        }
    }
    if (s->echo && echo_from < len)
        sim_write(s, buf + echo_from, len - echo_from);
}
