/* Repeated warnings, said once, then counted. */
#include "log_repeat.h"

#include <stdio.h>
#include <string.h>

/* FNV-1a: the texts compared are short log lines; a collision only merges two warnings'
 * counts, it never hides an error (errors are not limited). */
static uint32_t log_repeat_hash(const char *text)
{
    uint32_t h = 2166136261U;

    for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
        h ^= *p;
        h *= 16777619U;
    }
    return h;
}

void log_repeat_init(struct log_repeat *r)
{
    memset(r, 0, sizeof(*r));
}

static void log_repeat_note(struct log_repeat *r, uint32_t now_ms, struct log_repeat_out *out)
{
    uint32_t seconds = (now_ms - r->reported_ms + 500U) / 1000U;

    snprintf(out->note, sizeof(out->note), "repeated %lu more time%s in %lu s: %s",
             (unsigned long)r->count, r->count == 1 ? "" : "s", (unsigned long)seconds, r->text);
    r->count = 0;
    r->reported_ms = now_ms;
}

void log_repeat_feed(struct log_repeat *r, const char *text, uint32_t now_ms,
                     struct log_repeat_out *out)
{
    uint32_t hash = log_repeat_hash(text);

    out->note[0] = '\0';
    out->say_text = false;
    if (r->active && hash == r->hash) {
        r->count++;
        if (now_ms - r->reported_ms >= LOG_REPEAT_REPORT_MS)
            log_repeat_note(r, now_ms, out);
        return;
    }
    if (r->active && r->count > 0)
        log_repeat_note(r, now_ms, out);
    r->active = true;
    r->hash = hash;
    r->count = 0;
    r->reported_ms = now_ms;
    snprintf(r->text, sizeof(r->text), "%s", text);
    out->say_text = true;
}

void log_repeat_flush(struct log_repeat *r, uint32_t now_ms, struct log_repeat_out *out)
{
    out->note[0] = '\0';
    out->say_text = false;
    if (r->active && r->count > 0)
        log_repeat_note(r, now_ms, out);
    r->active = false;
}
