/* Repeated warnings, said once: a module spewing line noise must not flood the log with
 * the same warning ten times a second. Pure: the time comes in as a number. */
#ifndef DFOTA_LOG_REPEAT_H
#define DFOTA_LOG_REPEAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* While a warning keeps repeating, how often the count of its repeats is said. */
#define LOG_REPEAT_REPORT_MS 30000U
#define LOG_REPEAT_TEXT_MAX 120 /* of the warning, quoted in its note */
#define LOG_REPEAT_NOTE_MAX (LOG_REPEAT_TEXT_MAX + 64)

struct log_repeat {
    uint32_t hash;        /* of the last warning said */
    uint32_t count;       /* its repeats held back since the last note */
    uint32_t reported_ms; /* when it, or the last note about it, was said */
    bool active;
    char text[LOG_REPEAT_TEXT_MAX + 1];
};

/* What to say for one warning: the note (when not empty) first, then the warning itself
 * when say_text. */
struct log_repeat_out {
    char note[LOG_REPEAT_NOTE_MAX];
    bool say_text;
};

void log_repeat_init(struct log_repeat *r);
/* One warning, at now_ms. A new text is said (after a note with the count of the last
 * one's repeats, if any); a repeat of the last is held back and counted, and its count
 * said every LOG_REPEAT_REPORT_MS while it keeps coming. */
void log_repeat_feed(struct log_repeat *r, const char *text, uint32_t now_ms,
                     struct log_repeat_out *out);
/* At the end: the note with the repeats still held back, if any (else note empty). */
void log_repeat_flush(struct log_repeat *r, uint32_t now_ms, struct log_repeat_out *out);

#endif
