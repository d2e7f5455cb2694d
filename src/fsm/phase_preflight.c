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

/* A check: its name in the CHECK event, and what its answer says. */
struct preflight_check {
    const char *name;
    enum preflight_verdict (*judge)(struct fsm *m, enum at_result r, int code, char *detail,
                                    size_t size);
};

/* ---- when a row applies -------------------------------------------------------------- */

/* The module downloads a URL itself: it needs its SIM and the network. */
static bool preflight_downloads(const struct fsm *m, const struct runner_row *row)
{
    (void)row;
    return !m->local;
}

static bool preflight_cgreg_needed(const struct fsm *m, const struct runner_row *row)
{
    (void)row;
    return !m->local && m->own.pre.cereg_unsupported;
}

static bool preflight_route_needed(const struct fsm *m, const struct runner_row *row)
{
    (void)row;
    return m->own.pre.route;
}

/* A package already there (not one the host uploads next). */
static bool preflight_has_package_list(const struct fsm *m, const struct runner_row *row)
{
    (void)row;
    return m->local && m->mode == FSM_MODE_UPGRADE && m->family->local_form != FAMILY_LOCAL_FIXED;
}

/* ---- the judges ------------------------------------------------------------------------- */

/* The text after "+X:" in the row's answer, blanks skipped. */
static const char *preflight_value(const struct fsm *m)
{
    const char *colon = strchr(m->own.pre.line, ':');
    const char *v = colon ? colon + 1 : m->own.pre.line;

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
    if (r == AT_RESULT_OK && m->own.pre.line[0]) {
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
        m->own.pre.cereg_unsupported = true; /* AT+CGREG? next */
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
        snprintf(m->own.pre.urcport_before, sizeof(m->own.pre.urcport_before), "%s", port);
        return PRE_ROUTE;
    }
    snprintf(detail, size, "URCs go to %s, not %s where dfota listens (urcport, set_urcport)", port,
             m->set.urcport);
    return PRE_FAIL;
}

/* The file name the local target names: after the last '/' or the "UFS:". */
static const char *preflight_package_name(struct fsm *m)
{
    const char *target = fsm_target(m), *slash = strrchr(target, '/');

    if (strncmp(target, "UFS:", 4) == 0)
        return target + 4;
    return slash ? slash + 1 : target;
}

static enum preflight_verdict preflight_judge_package(struct fsm *m, enum at_result r, int code,
                                                      char *detail, size_t size)
{
    (void)code;
    if (r != AT_RESULT_OK)
        return preflight_unsupported(detail, size, "AT+QFLST");
    if (!m->own.pre.package_found) {
        snprintf(detail, size, "%s is not in the module's file system", preflight_package_name(m));
        return PRE_FAIL;
    }
    snprintf(detail, size, "%s", m->own.pre.line);
    return PRE_OK;
}

enum preflight_which { PRE_SIM, PRE_CEREG, PRE_CGREG, PRE_SIGNAL, PRE_URCPORT, PRE_PACKAGE };

static const struct preflight_check preflight_checks[] = {
    [PRE_SIM] = {"sim", preflight_judge_sim},
    [PRE_CEREG] = {"network", preflight_judge_cereg},
    [PRE_CGREG] = {"network", preflight_judge_cgreg},
    [PRE_SIGNAL] = {"signal", preflight_judge_signal},
    [PRE_URCPORT] = {"urcport", preflight_judge_urcport},
    [PRE_PACKAGE] = {"package", preflight_judge_package},
};

/* ---- the rows ----------------------------------------------------------------------------- */

/* Whether a row asked again would be asked past its wait, which runs from its first
 * question: the bound is time, however long the module takes to answer. */
static bool preflight_waited_out(const struct fsm *m)
{
    return at_after(m->own.pre.now, PREFLIGHT_AGAIN_MS) >=
           at_after(m->own.pre.row_since, PREFLIGHT_WAIT_MS);
}

/* The row's check judges the answer; the CHECK event says it. */
static enum runner_verdict preflight_judge(struct fsm *m, enum at_result r, int code, bool last)
{
    const struct preflight_check *check = &preflight_checks[runner_current(m)->arg];
    char detail[CORE_TEXT_MAX], text[CORE_DONE_MAX];
    enum preflight_verdict v = check->judge(m, r, code, detail, sizeof(detail));

    m->own.pre.line[0] = '\0'; /* the next answer's */
    if (v == PRE_AGAIN && !last && !preflight_waited_out(m))
        return RUNNER_AGAIN;
    if (v == PRE_ROUTE) { /* the route row applies next */
        m->own.pre.route = true;
        return RUNNER_GO;
    }
    core_check(&m->core, check->name,
               v == PRE_OK     ? DFOTA_CHECK_OK
               : v == PRE_WARN ? DFOTA_CHECK_WARN
                               : DFOTA_CHECK_FAIL,
               detail);
    if (v == PRE_FAIL || v == PRE_AGAIN) {
        snprintf(text, sizeof(text), "not ready: %s: %s", check->name, detail);
        core_finish(&m->core, DFOTA_ERR_NOT_READY, code, text);
        return RUNNER_STOP;
    }
    return RUNNER_GO;
}

static enum runner_build preflight_build_route(struct fsm *m, const struct runner_row *row,
                                               char *out, size_t size)
{
    (void)row;
    snprintf(out, size, PHASES_SET_URCPORT, m->set.urcport);
    return RUNNER_BUILT;
}

static enum runner_verdict preflight_judge_routed(struct fsm *m, enum at_result result, int code,
                                                  bool last)
{
    char detail[CORE_TEXT_MAX];

    (void)code;
    (void)last;
    /* From here every ending puts it back (the cleanup phase); one unanswered may have
     * been carried out. */
    if (result == AT_RESULT_OK || result == AT_RESULT_TIMEOUT) {
        snprintf(m->clean.urcport, sizeof(m->clean.urcport), "%s", m->own.pre.urcport_before);
        core_hold(&m->core);
    }
    if (result != AT_RESULT_OK) {
        snprintf(detail, sizeof(detail), "the module refused to route URCs to %s", m->set.urcport);
        core_check(&m->core, "urcport", DFOTA_CHECK_FAIL, detail);
        core_finish(&m->core, DFOTA_ERR_NOT_READY, -1, "not ready: urcport: URCs go elsewhere");
        return RUNNER_STOP;
    }
    snprintf(detail, sizeof(detail), "URCs routed from %s to %s for the upgrade",
             m->own.pre.urcport_before, m->set.urcport);
    core_check(&m->core, "urcport", DFOTA_CHECK_OK, detail);
    return RUNNER_GO;
}

/* A busy SIM or a searching network is asked again, every second for 30 s at the most. */
#define PREFLIGHT_ROW(check, text, answer, when)                                                   \
    {                                                                                              \
        .command = text, .resp = AT_RESP_PREFIX, .prefix = answer, .pause_ms = PREFLIGHT_AGAIN_MS, \
        .arg = check, .applies = when, .judge = preflight_judge                                    \
    }

static const struct runner_row preflight_rows[] = {
    PREFLIGHT_ROW(PRE_SIM, "AT+CPIN?", "+CPIN:", preflight_downloads),
    PREFLIGHT_ROW(PRE_CEREG, "AT+CEREG?", "+CEREG:", preflight_downloads),
    PREFLIGHT_ROW(PRE_CGREG, "AT+CGREG?", "+CGREG:", preflight_cgreg_needed),
    PREFLIGHT_ROW(PRE_SIGNAL, "AT+CSQ", "+CSQ:", preflight_downloads),
    PREFLIGHT_ROW(PRE_URCPORT, "AT+QURCCFG=\"urcport\"", "+QURCCFG:", NULL),
    {.applies = preflight_route_needed,
     .build = preflight_build_route,
     .judge = preflight_judge_routed},
    PREFLIGHT_ROW(PRE_PACKAGE, "AT+QFLST=\"*\"", "+QFLST:", preflight_has_package_list),
};

/* ---- the phase ---------------------------------------------------------------------------- */

static enum fsm_verdict preflight_enter(struct fsm *m, uint32_t now)
{
    memset(&m->own.pre, 0, sizeof(m->own.pre));
    if (m->set.no_preflight)
        return FSM_NEXT;
    m->own.pre.row_since = now;
    return runner_start(m, preflight_rows, sizeof(preflight_rows) / sizeof(preflight_rows[0]),
                        NULL);
}

/* The runner's answer, with the time for the judge; a row that went out now starts its
 * wait now (the next row goes out on the answer of the last). */
static enum fsm_verdict preflight_answer(struct fsm *m, enum at_result r, int code, uint32_t now)
{
    const struct runner_row *asked = runner_current(m);
    enum fsm_verdict v;

    m->own.pre.now = now;
    v = runner_on_answer(m, r, code, now);
    if (runner_current(m) != asked)
        m->own.pre.row_since = now;
    return v;
}

static void preflight_on_line(struct fsm *m, const char *line)
{
    const struct runner_row *row = runner_current(m);

    if (!row)
        return;
    /* +QFLST: "UFS:name",size, one line per file: keep the one that is ours. */
    if (row->arg == PRE_PACKAGE && row->judge == preflight_judge) {
        char want[FSM_TARGET_MAX + 8];
        snprintf(want, sizeof(want), ":%s\"", preflight_package_name(m));
        if (!strstr(line, want))
            return;
        m->own.pre.package_found = true;
    }
    snprintf(m->own.pre.line, sizeof(m->own.pre.line), "%s", line);
}

const struct fsm_phase phase_preflight = {
    .enter = preflight_enter,
    .on_line = preflight_on_line,
    .on_answer = preflight_answer,
};

#endif
