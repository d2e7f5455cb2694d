/* The module's AT interpreter: echo, line assembly and the few commands DFOTA needs. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include "sim.h"

#include <ctype.h>
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

static void cmd_qfotadl(struct sim *s, const char *arg)
{
    size_t len = strlen(arg);
    if (len < 3 || arg[0] != '"' || arg[len - 1] != '"' || memchr(arg + 1, '"', len - 2)) {
        sim_log(s, "QFOTADL: target is not one quoted string");
        respond_error(s);
        return;
    }
    memcpy(s->pending_target, arg + 1, len - 2);
    s->pending_target[len - 2] = '\0';
    if (!sim_target_valid(s->pending_target)) {
        sim_log(s, "QFOTADL: unknown kind of target");
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
    if (sim_ufs_command(s, cmd))
        return;
    if (strncasecmp(cmd, "+QFOTADL=", 9) == 0) {
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
