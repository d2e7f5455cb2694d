/* The preflight phase: what the module can tell before AT+QFOTADL, as rows of checks.
 * Each row is a query and a judge; the judge says ok, warn (the module does not support
 * the query, or the answer is doubtful), fail (the upgrade cannot succeed: the session
 * ends with DFOTA_ERR_NOT_READY before anything is started) or again (a SIM still busy,
 * a network still searching: asked again until a bound). */
#include <stdio.h>
#include <string.h>

#include "at/fields.h"
#include "fsm/phases.h"

#if DFOTA_WITH_PREFLIGHT

#define PREFLIGHT_WAIT_MS 30000     /* how long a busy SIM or a searching network is waited for */
#define PREFLIGHT_AGAIN_MS 1000     /* between two questions while waiting */
#define PREFLIGHT_NUMBER_MAX 100000 /* larger than any status, mode or rssi */

enum preflight_verdict { PRE_OK, PRE_WARN, PRE_FAIL, PRE_AGAIN, PRE_ROUTE };

struct preflight_row {
    const char *name;
    const char *command;
    const char *prefix;
    bool (*applies)(const struct fsm *m);
    enum preflight_verdict (*judge)(struct fsm *m, enum at_result r, int code, char *detail,
                                    size_t size);
};

/* ---- when a row applies -------------------------------------------------------------- */

/* The module downloads a URL itself: it needs its SIM and the network. */
static bool preflight_downloads(const struct fsm *m)
{
    return !m->local;
}

static bool preflight_cgreg_needed(const struct fsm *m)
{
    return !m->local && m->pre.cereg_unsupported;
}

static bool preflight_always(const struct fsm *m)
{
    (void)m;
    return true;
}

/* A package already there (not one the host uploads next). */
static bool preflight_has_package_list(const struct fsm *m)
{
    return m->local && m->mode == FSM_MODE_UPGRADE && m->family->local_form != FAMILY_LOCAL_FIXED;
}

/* ---- the judges ------------------------------------------------------------------------- */

/* The text after "+X:" in the row's answer, blanks skipped. */
static const char *preflight_value(const struct fsm *m)
{
    const char *colon = strchr(m->pre.line, ':');
    const char *v = colon ? colon + 1 : m->pre.line;

    while (*v == ' ')
        v++;
    return v;
}

/* Reads "<a>,<b>" (decimal, as in "+CEREG: 0,1"); false when that is not what is there. */
static bool preflight_two_numbers(const char *v, unsigned *a, unsigned *b)
{
    struct fields it;
    uint32_t x, y;

    fields_start(&it, v);
    if (!fields_next_number(&it, PREFLIGHT_NUMBER_MAX, &x) ||
        !fields_next_number(&it, PREFLIGHT_NUMBER_MAX, &y))
        return false;
    *a = (unsigned)x;
    *b = (unsigned)y;
    return true;
}

/* Reads "\"urcport\",\"<port>\"" into port; false when that is not what is there. */
static bool preflight_urcport_value(const char *v, char *port, size_t size)
{
    static const char key[] = "\"urcport\",\"";
    const char *end;

    if (strncmp(v, key, sizeof(key) - 1) != 0)
        return false;
    v += sizeof(key) - 1;
    end = strchr(v, '"');
    if (!end || end == v || (size_t)(end - v) >= size)
        return false;
    memcpy(port, v, (size_t)(end - v));
    port[end - v] = '\0';
    return true;
}

static enum preflight_verdict preflight_unsupported(char *detail, size_t size, const char *what)
{
    snprintf(detail, size, "the module does not answer %s", what);
    return PRE_WARN;
}

/* 3GPP TS 27.007's SIM errors. */
static const char *preflight_sim_error(int code)
{
    static const char *const texts[] = {
        "SIM not inserted", "SIM PIN required", "SIM PUK required",   "SIM failure",
        "SIM busy",         "SIM wrong",        "incorrect password", "SIM PIN2 required"};

    return code >= 10 && code <= 17 ? texts[code - 10] : NULL;
}

static enum preflight_verdict preflight_judge_sim(struct fsm *m, enum at_result r, int code,
                                                  char *detail, size_t size)
{
    const char *v = preflight_value(m);

    if (r == AT_RESULT_OK && strcmp(v, "READY") == 0) {
        snprintf(detail, size, "ready");
        return PRE_OK;
    }
    if (r == AT_RESULT_OK && m->pre.line[0]) {
        snprintf(detail, size, "the SIM waits for %s: unlock it first", v);
        return PRE_FAIL;
    }
    if (r == AT_RESULT_CME && code == 14) {
        snprintf(detail, size, "SIM busy");
        return PRE_AGAIN;
    }
    if (r == AT_RESULT_CME && preflight_sim_error(code)) {
        snprintf(detail, size, "%s (+CME ERROR: %d)", preflight_sim_error(code), code);
        return PRE_FAIL;
    }
    return preflight_unsupported(detail, size, "AT+CPIN?");
}

/* +CEREG: <n>,<stat>[,...] (TS 27.007). */
static enum preflight_verdict preflight_judge_registration(struct fsm *m, enum at_result r,
                                                           const char *what, char *detail,
                                                           size_t size)
{
    unsigned n, stat;

    if (r != AT_RESULT_OK || !preflight_two_numbers(preflight_value(m), &n, &stat))
        return preflight_unsupported(detail, size, what);
    switch (stat) {
    case 1:
        snprintf(detail, size, "registered (home)");
        return PRE_OK;
    case 5:
        snprintf(detail, size, "registered (roaming)");
        return PRE_OK;
    case 2:
        snprintf(detail, size, "not registered: searching");
        return PRE_AGAIN;
    case 3:
        snprintf(detail, size, "registration denied");
        return PRE_FAIL;
    default:
        snprintf(detail, size, "not registered (status %u): the module cannot download", stat);
        return PRE_FAIL;
    }
}

static enum preflight_verdict preflight_judge_cereg(struct fsm *m, enum at_result r, int code,
                                                    char *detail, size_t size)
{
    (void)code;
    if (r != AT_RESULT_OK) {
        m->pre.cereg_unsupported = true; /* AT+CGREG? next */
        snprintf(detail, size, "no LTE registration query; asking AT+CGREG?");
        return PRE_OK;
    }
    return preflight_judge_registration(m, r, "AT+CEREG?", detail, size);
}

static enum preflight_verdict preflight_judge_cgreg(struct fsm *m, enum at_result r, int code,
                                                    char *detail, size_t size)
{
    (void)code;
    return preflight_judge_registration(m, r, "AT+CGREG?", detail, size);
}

static enum preflight_verdict preflight_judge_signal(struct fsm *m, enum at_result r, int code,
                                                     char *detail, size_t size)
{
    unsigned rssi, ber;

    (void)code;
    if (r != AT_RESULT_OK || !preflight_two_numbers(preflight_value(m), &rssi, &ber))
        return preflight_unsupported(detail, size, "AT+CSQ");
    if (rssi > 31) {
        snprintf(detail, size, "signal not known (rssi %u)", rssi);
        return PRE_WARN;
    }
    snprintf(detail, size, "rssi %u (about %d dBm)", rssi, -113 + 2 * (int)rssi);
    return PRE_OK;
}

/* +QURCCFG: "urcport","usbat" */
static enum preflight_verdict preflight_judge_urcport(struct fsm *m, enum at_result r, int code,
                                                      char *detail, size_t size)
{
    char port[FSM_URCPORT_MAX] = "";

    (void)code;
    if (r != AT_RESULT_OK || !preflight_urcport_value(preflight_value(m), port, sizeof(port)))
        return preflight_unsupported(detail, size, "AT+QURCCFG=\"urcport\"");
    if (strcmp(port, m->set.urcport) == 0) {
        snprintf(detail, size, "URCs go to %s, where dfota listens", port);
        return PRE_OK;
    }
    if (m->set.set_urcport) {
        snprintf(m->pre.urcport_before, sizeof(m->pre.urcport_before), "%s", port);
        return PRE_ROUTE;
    }
    snprintf(detail, size, "URCs go to %s, not %s where dfota listens (urcport, set_urcport)", port,
             m->set.urcport);
    return PRE_FAIL;
}

/* The file name the local target names: after the last '/' or the "UFS:". */
static const char *preflight_package_name(const struct fsm *m)
{
    const char *slash = strrchr(m->target, '/');

    if (strncmp(m->target, "UFS:", 4) == 0)
        return m->target + 4;
    return slash ? slash + 1 : m->target;
}

static enum preflight_verdict preflight_judge_package(struct fsm *m, enum at_result r, int code,
                                                      char *detail, size_t size)
{
    (void)code;
    if (r != AT_RESULT_OK)
        return preflight_unsupported(detail, size, "AT+QFLST");
    if (!m->pre.package_found) {
        snprintf(detail, size, "%s is not in the module's file system", preflight_package_name(m));
        return PRE_FAIL;
    }
    snprintf(detail, size, "%s", m->pre.line);
    return PRE_OK;
}

static const struct preflight_row preflight_rows[] = {
    {"sim", "AT+CPIN?", "+CPIN:", preflight_downloads, preflight_judge_sim},
    {"network", "AT+CEREG?", "+CEREG:", preflight_downloads, preflight_judge_cereg},
    {"network", "AT+CGREG?", "+CGREG:", preflight_cgreg_needed, preflight_judge_cgreg},
    {"signal", "AT+CSQ", "+CSQ:", preflight_downloads, preflight_judge_signal},
    {"urcport", "AT+QURCCFG=\"urcport\"", "+QURCCFG:", preflight_always, preflight_judge_urcport},
    {"package", "AT+QFLST=\"*\"", "+QFLST:", preflight_has_package_list, preflight_judge_package},
};

#define PREFLIGHT_ROWS (sizeof(preflight_rows) / sizeof(preflight_rows[0]))

/* ---- the runner ------------------------------------------------------------------------- */

static void preflight_ask(struct fsm *m)
{
    const struct preflight_row *row = &preflight_rows[m->pre.row];

    m->pre.line[0] = '\0';
    core_send(&m->core, row->command, AT_RESP_PREFIX, row->prefix, m->timing.command_ms);
}

/* Asks the next row that applies; NEXT when none is left. */
static enum fsm_verdict preflight_next_row(struct fsm *m, uint64_t now)
{
    while (m->pre.row < PREFLIGHT_ROWS && !preflight_rows[m->pre.row].applies(m))
        m->pre.row++;
    if (m->pre.row == PREFLIGHT_ROWS)
        return FSM_NEXT;
    m->pre.wait_until = now + PREFLIGHT_WAIT_MS;
    preflight_ask(m);
    return FSM_STAY;
}

static enum fsm_verdict preflight_enter(struct fsm *m, uint64_t now)
{
    memset(&m->pre, 0, sizeof(m->pre));
    if (m->set.no_preflight)
        return FSM_NEXT;
    return preflight_next_row(m, now);
}

static void preflight_on_line(struct fsm *m, const char *line)
{
    const char *name = preflight_rows[m->pre.row].name;

    /* +QFLST: "UFS:name",size, one line per file: keep the one that is ours. */
    if (strcmp(name, "package") == 0) {
        char want[FSM_TARGET_MAX + 8];
        snprintf(want, sizeof(want), ":%s\"", preflight_package_name(m));
        if (!strstr(line, want))
            return;
        m->pre.package_found = true;
    }
    snprintf(m->pre.line, sizeof(m->pre.line), "%s", line);
}

static enum fsm_verdict preflight_routed(struct fsm *m, enum at_result result, uint64_t now)
{
    char detail[CORE_TEXT_MAX];

    m->pre.routing = false;
    /* From here every ending puts it back (the cleanup phase); one unanswered may have
     * been carried out. */
    if (result == AT_RESULT_OK || result == AT_RESULT_TIMEOUT) {
        snprintf(m->clean.urcport, sizeof(m->clean.urcport), "%s", m->pre.urcport_before);
        core_hold(&m->core);
    }
    if (result != AT_RESULT_OK) {
        snprintf(detail, sizeof(detail), "the module refused to route URCs to %s", m->set.urcport);
        core_check(&m->core, "urcport", DFOTA_CHECK_FAIL, detail);
        core_finish(&m->core, DFOTA_ERR_NOT_READY, -1, "not ready: urcport: URCs go elsewhere");
        return FSM_DONE;
    }
    snprintf(detail, sizeof(detail), "URCs routed from %s to %s for the upgrade",
             m->pre.urcport_before, m->set.urcport);
    core_check(&m->core, "urcport", DFOTA_CHECK_OK, detail);
    m->pre.row++;
    return preflight_next_row(m, now);
}

static enum fsm_verdict preflight_answer(struct fsm *m, enum at_result result, int code,
                                         uint64_t now)
{
    const struct preflight_row *row = &preflight_rows[m->pre.row];
    char detail[CORE_TEXT_MAX], text[CORE_DONE_MAX];
    enum preflight_verdict v;

    if (m->pre.routing)
        return preflight_routed(m, result, now);
    v = row->judge(m, result, code, detail, sizeof(detail));
    if (v == PRE_AGAIN && now + PREFLIGHT_AGAIN_MS < m->pre.wait_until) {
        core_arm(&m->core, CORE_TIMER_PAUSE, now + PREFLIGHT_AGAIN_MS);
        return FSM_STAY;
    }
    if (v == PRE_ROUTE) {
        snprintf(m->cmdline, sizeof(m->cmdline), "AT+QURCCFG=\"urcport\",\"%s\"", m->set.urcport);
        m->pre.routing = true;
        core_send(&m->core, m->cmdline, AT_RESP_NONE, NULL, m->timing.command_ms);
        return FSM_STAY;
    }
    core_check(&m->core, row->name,
               v == PRE_OK     ? DFOTA_CHECK_OK
               : v == PRE_WARN ? DFOTA_CHECK_WARN
                               : DFOTA_CHECK_FAIL,
               detail);
    if (v == PRE_FAIL || v == PRE_AGAIN) {
        snprintf(text, sizeof(text), "not ready: %s: %s", row->name, detail);
        core_finish(&m->core, DFOTA_ERR_NOT_READY, code, text);
        return FSM_DONE;
    }
    m->pre.row++;
    return preflight_next_row(m, now);
}

static enum fsm_verdict preflight_timer(struct fsm *m, enum core_timer t, uint64_t now)
{
    (void)now;
    if (t == CORE_TIMER_PAUSE)
        preflight_ask(m);
    return FSM_STAY;
}

const struct fsm_phase phase_preflight = {
    .enter = preflight_enter,
    .on_line = preflight_on_line,
    .on_answer = preflight_answer,
    .on_timer = preflight_timer,
};

#endif
