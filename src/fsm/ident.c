/* Reading a module's identity: a dialogue of const steps. */
#include "fsm/ident.h"

#include <string.h>

#define IDENT_SYNC_TRIES 3
#define IDENT_SYNC_TIMEOUT_MS 2000
/* Between AT tries: a module that answers ERROR at once is not asked thousands of times. */
#define IDENT_SYNC_PAUSE_MS 500

struct ident_step {
    const char *command;
    enum at_resp resp;
    bool sync; /* must be answered OK, asked again until it is */
    void (*line)(struct fsm_identity *id, const char *line);
    void (*failed)(struct fsm_identity *id);
};

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
static void ident_ati_line(struct fsm_identity *id, const char *line)
{
    static const char revision[] = "Revision:", maker[] = "Quectel_";

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

static void ident_ati_failed(struct fsm_identity *id)
{
    id->model[0] = '\0';
    id->revision[0] = '\0';
}

static void ident_qgmr_line(struct fsm_identity *id, const char *line)
{
    if (!id->full[0])
        (void)ident_take(id->full, line);
}

static void ident_qgmr_failed(struct fsm_identity *id)
{
    id->full[0] = '\0';
}

static const struct ident_step ident_steps[] = {
    {"AT", AT_RESP_NONE, true, NULL, NULL},
    {"ATE0", AT_RESP_NONE, false, NULL, NULL},
    {"ATI", AT_RESP_TEXT, false, ident_ati_line, ident_ati_failed},
    {"AT+QGMR", AT_RESP_TEXT, false, ident_qgmr_line, ident_qgmr_failed},
};

#define IDENT_STEPS (sizeof(ident_steps) / sizeof(ident_steps[0]))

static void ident_send(struct fsm *m)
{
    const struct ident_step *st = &ident_steps[m->ident.step];
    uint32_t timeout = m->timing.command_ms;

    if (st->sync && timeout > IDENT_SYNC_TIMEOUT_MS)
        timeout = IDENT_SYNC_TIMEOUT_MS;
    core_send(&m->core, st->command, st->resp, NULL, timeout);
}

void ident_start(struct fsm *m, struct fsm_identity *slot, bool until_deadline)
{
    memset(slot, 0, sizeof(*slot));
    m->ident.into = slot;
    m->ident.step = 0;
    m->ident.tries = 0;
    m->ident.until_deadline = until_deadline;
    m->ident.answered = false;
    ident_send(m);
}

void ident_on_line(struct fsm *m, const char *line)
{
    const struct ident_step *st = &ident_steps[m->ident.step];

    if (st->line)
        st->line(m->ident.into, line);
}

void ident_on_pause(struct fsm *m)
{
    ident_send(m);
}

enum ident_status ident_on_answer(struct fsm *m, enum at_result result, uint64_t now)
{
    const struct ident_step *st = &ident_steps[m->ident.step];
    bool ok = result == AT_RESULT_OK;

    if (st->sync && !ok) {
        m->ident.tries++;
        if (!m->ident.until_deadline && m->ident.tries >= IDENT_SYNC_TRIES)
            return IDENT_NO_ANSWER;
        core_arm(&m->core, CORE_TIMER_PAUSE, now + IDENT_SYNC_PAUSE_MS);
        return IDENT_RUNNING;
    }
    if (st->sync)
        m->ident.answered = true;
    if (!ok && st->failed)
        st->failed(m->ident.into);
    if (++m->ident.step == IDENT_STEPS)
        return IDENT_DONE;
    ident_send(m);
    return IDENT_RUNNING;
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
