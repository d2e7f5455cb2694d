/* Reading a module's identity: a dialogue of const steps. */
#include "fsm/ident.h"

#include <string.h>

/* Copies src into dst (FSM_ID_MAX bytes) if it has the shape of a model or firmware
 * name: letters, digits and "-_.", a letter first and a digit somewhere (EM060K-GL, BG96,
 * EM060KGLAAR01A07M4G_01.001.01.001); else leaves dst empty and returns false. What a
 * module prints meanwhile (RDY, APP RDY, noise, escape sequences) has not that shape, and
 * is never taken for who the module is nor printed. */
static bool ident_take(char *dst, const char *src)
{
    bool digit = false;
    size_t i = 0;

    for (; src[i] && i + 1 < FSM_ID_MAX; i++) {
        char c = src[i], lower = (char)(c | 0x20);
        bool is_digit = c >= '0' && c <= '9';
        bool ok = (lower >= 'a' && lower <= 'z') ||
                  (i > 0 && (is_digit || c == '-' || c == '_' || c == '.'));
        if (!ok)
            break;
        digit = digit || is_digit;
        dst[i] = c;
    }
    if (src[i] || !digit)
        i = 0;
    dst[i] = '\0';
    return i > 0;
}

/* ATI: the manufacturer ("Quectel", "Quectel_Ltd"), the model, "Revision: <version>".
 * Some firmware prefix the model with the manufacturer ("Quectel_BC660K-GL"). */
static void ident_ati_line(struct fsm *m, const char *line)
{
    static const char revision[] = "Revision:", maker[] = "Quectel_";
    struct fsm_identity *id = m->ident.into;

    if (strncmp(line, revision, sizeof(revision) - 1) == 0) {
        line += sizeof(revision) - 1;
        while (*line == ' ')
            line++;
        (void)ident_take(id->revision, line);
    } else if (!id->model[0] && strncmp(line, maker, sizeof(maker) - 1) == 0) {
        (void)ident_take(id->model, line + sizeof(maker) - 1);
    } else if (!id->model[0]) {
        (void)ident_take(id->model, line);
    }
}

static enum runner_verdict ident_ati_judge(struct fsm *m, enum at_result r, int code, bool last)
{
    (void)code;
    (void)last;
    if (r != AT_RESULT_OK) { /* what came before an error is no answer */
        m->ident.into->model[0] = '\0';
        m->ident.into->revision[0] = '\0';
    }
    return RUNNER_GO;
}

static void ident_qgmr_line(struct fsm *m, const char *line)
{
    if (!m->ident.into->full[0])
        (void)ident_take(m->ident.into->full, line);
}

static enum runner_verdict ident_qgmr_judge(struct fsm *m, enum at_result r, int code, bool last)
{
    (void)code;
    (void)last;
    if (r != AT_RESULT_OK)
        m->ident.into->full[0] = '\0';
    return RUNNER_GO;
}

static enum runner_verdict ident_sync_judge(struct fsm *m, enum at_result r, int code, bool last)
{
    (void)code;
    if (r == AT_RESULT_OK) {
        if (m->ident.window) /* the window was for that: each command has its own timeout now */
            core_disarm(&m->core, CORE_TIMER_VERIFY);
        return RUNNER_GO;
    }
    if (m->ident.window || !last)
        return RUNNER_AGAIN;
    core_finish(&m->core, DFOTA_ERR_TIMEOUT, -1, "the module does not answer AT");
    return RUNNER_STOP;
}

/* Between AT tries a pause: a module that answers ERROR at once is not asked thousands of
 * times. */
static const struct runner_row ident_rows[] = {
    {.command = "AT", .timeout_ms = 2000, .pause_ms = 500, .tries = 3, .judge = ident_sync_judge},
    {.command = "ATE0"},
    {.command = "ATI", .resp = AT_RESP_TEXT, .line = ident_ati_line, .judge = ident_ati_judge},
    {.command = "AT+QGMR",
     .resp = AT_RESP_TEXT,
     .line = ident_qgmr_line,
     .judge = ident_qgmr_judge},
};

enum fsm_verdict ident_run(struct fsm *m, struct fsm_identity *slot, bool window,
                           runner_done_fn done)
{
    memset(slot, 0, sizeof(*slot));
    m->ident.into = slot;
    m->ident.window = window;
    return runner_start(m, ident_rows, sizeof(ident_rows) / sizeof(ident_rows[0]), done);
}

const char *ident_version(const struct fsm_identity *id)
{
    return id->full[0] ? id->full : id->revision;
}

bool ident_unknown(const struct fsm_identity *id)
{
    return !id->full[0] && !id->revision[0];
}

bool ident_comparable(const struct fsm_identity *a, const struct fsm_identity *b)
{
    return (a->full[0] && b->full[0]) || (a->revision[0] && b->revision[0]);
}

bool ident_differs(const struct fsm_identity *a, const struct fsm_identity *b)
{
    /* Like with like: AT+QGMR's full version where both have it, else ATI's revision. */
    if (a->full[0] && b->full[0])
        return strcmp(a->full, b->full) != 0;
    if (a->revision[0] && b->revision[0])
        return strcmp(a->revision, b->revision) != 0;
    return false;
}
