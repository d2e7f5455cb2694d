#include "fake_module.h"

#include <stdio.h>
#include <string.h>

static bool starts_with(const char *s, size_t len, const char *prefix)
{
    size_t n = strlen(prefix);
    return len >= n && memcmp(s, prefix, n) == 0;
}

static const char fake_garbage[] = "\x01\xff\xfe garbage \x80\r\n\r+QIND: \"FOTA\",\"\r\n";

/* Puts the fault in place of a move at time t. Returns false when the module is to
 * fall silent from here on. */
static bool fake_module_fault(struct fake_module *fm, uint64_t t)
{
    switch (fm->fault) {
    case FAKE_FAULT_LOST_BACK:
        fake_port_hangup_at(fm->fp, t);
        fake_port_present_at(fm->fp, t + 1000);
        return true;
    case FAKE_FAULT_LOST_FOREVER:
        fake_port_hangup_at(fm->fp, t);
        fm->silent = true;
        return false;
    case FAKE_FAULT_SILENCE:
        fm->silent = true;
        return false;
    case FAKE_FAULT_ERROR:
        fake_port_push_at(fm->fp, t, "\r\nERROR\r\n");
        return true;
    case FAKE_FAULT_GARBAGE:
        fake_port_push_at(fm->fp, t, fake_garbage);
        return true;
    case FAKE_FAULT_NONE:
        break;
    }
    return true;
}

/* Counts a move; true when the fault takes its place. */
static bool fake_module_faulted_move(struct fake_module *fm)
{
    return fm->fault != FAKE_FAULT_NONE && fm->moves++ == fm->fault_at;
}

static void fake_module_play(struct fake_module *fm)
{
    uint64_t t0 = fm->fp->now;
    char line[FAKE_PORT_STEP_BYTES];

    for (size_t i = 0; i < fm->script_len; i++) {
        const struct fake_script_step *st = &fm->script[i];
        if (fake_module_faulted_move(fm)) {
            if (!fake_module_fault(fm, t0 + st->dt_ms))
                return;
            continue;
        }
        switch (st->act) {
        case FAKE_URC:
            if (strstr(st->text, "\"END\",0") && t0 + st->dt_ms < fm->upgrade_at)
                fm->upgrade_at = t0 + st->dt_ms;
            snprintf(line, sizeof(line), "\r\n%s\r\n", st->text);
            fake_port_push_at(fm->fp, t0 + st->dt_ms, line);
            break;
        case FAKE_LOST:
            fake_port_hangup_at(fm->fp, t0 + st->dt_ms);
            break;
        case FAKE_BACK:
            fake_port_present_at(fm->fp, t0 + st->dt_ms);
            break;
        }
    }
}

/* A query with an information line: the line and OK, or ERROR when it has none. */
static void fake_module_query(struct fake_module *fm, const char *line)
{
    char reply[256];

    if (!line) {
        fake_port_push(fm->fp, "\r\nERROR\r\n");
        return;
    }
    if (starts_with(line, strlen(line), "+CME ERROR")) { /* a final result of its own */
        snprintf(reply, sizeof(reply), "\r\n%.200s\r\n", line);
        fake_port_push(fm->fp, reply);
        return;
    }
    snprintf(reply, sizeof(reply), "\r\n%.200s\r\n\r\nOK\r\n", line);
    fake_port_push(fm->fp, reply);
}

/* The checks before the upgrade; false when cmd is none of them. */
static bool fake_module_check_answer(struct fake_module *fm, const char *cmd, size_t len)
{
    if (starts_with(cmd, len, "AT+CPIN?"))
        fake_module_query(fm, fm->cpin);
    else if (starts_with(cmd, len, "AT+CEREG?"))
        fake_module_query(fm, fm->fp->now < fm->register_at ? "+CEREG: 0,2" : fm->cereg);
    else if (starts_with(cmd, len, "AT+CGREG?"))
        fake_module_query(fm, fm->cereg ? NULL : "+CGREG: 0,1");
    else if (starts_with(cmd, len, "AT+CSQ"))
        fake_module_query(fm, fm->csq);
    else if (starts_with(cmd, len, "AT+QURCCFG=\"urcport\"\r"))
        fake_module_query(fm, fm->urcport);
    else if (starts_with(cmd, len, "AT+QFLST="))
        fake_module_query(fm, fm->files);
    else
        return false;
    return true;
}

static void fake_module_answer(struct fake_module *fm, const char *cmd, size_t len)
{
    if (fm->reboot_on && starts_with(cmd, len, fm->reboot_on)) {
        fm->reboot_on = NULL;
        fake_port_hangup_at(fm->fp, fm->fp->now);
        fake_port_present_at(fm->fp, fm->fp->now + 1000);
        return;
    }
    char reply[512];
    const char *version = fm->fp->now >= fm->upgrade_at ? fm->version_after : fm->version;
    const char *stray = fm->stray ? fm->stray : "";

    if (fake_module_check_answer(fm, cmd, len))
        return;
    if (starts_with(cmd, len, "ATE0")) {
        fm->echo = fm->echo && fm->echo_stays;
        fake_port_push(fm->fp, "\r\nOK\r\n");
    } else if (starts_with(cmd, len, "AT+QGMR")) {
        if (fm->qgmr_error || (fm->qgmr_error_after && fm->fp->now >= fm->upgrade_at)) {
            fake_port_push(fm->fp, "\r\nERROR\r\n");
            return;
        }
        snprintf(reply, sizeof(reply), "\r\n%s%s_01.001.01.001\r\n%s\r\nOK\r\n", stray, version,
                 stray);
        fake_port_push(fm->fp, reply);
    } else if (starts_with(cmd, len, "ATI") && fm->ati_error_before &&
               fm->fp->now < fm->upgrade_at) {
        fake_port_push(fm->fp, "\r\nERROR\r\n");
    } else if (starts_with(cmd, len, "ATI")) {
        snprintf(reply, sizeof(reply), "\r\n%s%s\r\n%s%s\r\nRevision: %s\r\n\r\nOK\r\n", stray,
                 fm->maker, stray, fm->model, version);
        fake_port_push(fm->fp, reply);
    } else if (starts_with(cmd, len, "AT+QFOTADL=")) {
        fm->dl_commands++;
        if (!fm->dl_answer)
            return;
        snprintf(reply, sizeof(reply), "\r\n%s\r\n", fm->dl_answer);
        fake_port_push(fm->fp, reply);
        if (strcmp(fm->dl_answer, "OK") == 0) {
            fm->upgraded = true;
            fake_module_play(fm);
        }
    } else if (starts_with(cmd, len, "AT+QCFG=") || starts_with(cmd, len, "AT+QFOTAPID=") ||
               starts_with(cmd, len, "AT+QURCCFG=")) {
        fake_port_push(fm->fp, "\r\nOK\r\n"); /* a family's setup command */
    } else if (len == 3 && memcmp(cmd, "AT\r", 3) == 0) {
        fake_port_push(fm->fp, fm->upgraded && fm->at_error_after ? "\r\nERROR\r\n" : "\r\nOK\r\n");
    } else {
        fake_port_push(fm->fp, "\r\nERROR\r\n");
    }
}

static void fake_module_respond(struct fake_port *fp, const char *data, size_t len, void *user)
{
    struct fake_module *fm = user;

    (void)fp;
    if (fm->silent)
        return;
    if (fm->echo && fm->echo_cut && fm->echo_cut_at < len && starts_with(data, len, "AT+QFOTADL")) {
        fake_port_push_bytes(fm->fp, data, fm->echo_cut_at);
        fake_port_push(fm->fp, fm->echo_cut);
        fake_port_push_bytes(fm->fp, data + fm->echo_cut_at, len - fm->echo_cut_at);
    } else if (fm->echo) {
        fake_port_push_bytes(fm->fp, data, len);
    }
    if (fake_module_faulted_move(fm)) {
        fake_module_fault(fm, fm->fp->now + 1);
        return;
    }
    fake_module_answer(fm, data, len);
}

void fake_module_init(struct fake_module *fm, struct fake_port *fp)
{
    memset(fm, 0, sizeof(*fm));
    fm->fp = fp;
    fm->echo = true;
    fm->dl_answer = "OK";
    fm->model = "EM060K";
    fm->maker = "Quectel";
    fm->cpin = "+CPIN: READY";
    fm->cereg = "+CEREG: 0,1";
    fm->csq = "+CSQ: 20,99";
    fm->urcport = "+QURCCFG: \"urcport\",\"usbat\"";
    fm->files = "+QFLST: \"UFS:update.zip\",65536";
    fm->version = "EM060KGLAAR01A07M4G";
    fm->version_after = "EM060KGLAAR01A09M4G";
    fm->upgrade_at = UINT64_MAX;
    fp->responder = fake_module_respond;
    fp->responder_user = fm;
}

static void fake_module_add(struct fake_module *fm, uint64_t dt_ms, enum fake_act act,
                            const char *text)
{
    if (fm->script_len == FAKE_MODULE_SCRIPT_MAX)
        return;
    fm->script[fm->script_len].dt_ms = dt_ms;
    fm->script[fm->script_len].act = act;
    fm->script[fm->script_len].text = text;
    fm->script_len++;
}

void fake_module_urc(struct fake_module *fm, uint64_t dt_ms, const char *text)
{
    fake_module_add(fm, dt_ms, FAKE_URC, text);
}

void fake_module_lost(struct fake_module *fm, uint64_t dt_ms)
{
    fake_module_add(fm, dt_ms, FAKE_LOST, NULL);
}

void fake_module_back(struct fake_module *fm, uint64_t dt_ms)
{
    fake_module_add(fm, dt_ms, FAKE_BACK, NULL);
}

void fake_module_reboot(struct fake_module *fm, uint64_t dt_ms, uint64_t away_ms)
{
    fake_module_lost(fm, dt_ms);
    fake_module_back(fm, dt_ms + away_ms);
}
