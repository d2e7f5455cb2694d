/* The one password a session knows (its target's), hidden wherever it shows in a log
 * line: whole, or in a piece that a line break cut from the echoed command (a URC landing
 * inside the echo, a CR from line noise), where the URL-shaped redaction of target.h
 * cannot see a password any more: one piece has "://" without '@', the other '@' without
 * "://". */
#ifndef DFOTA_SECRET_H
#define DFOTA_SECRET_H

#include <stdbool.h>
#include <stddef.h>

/* Where the password sits in a target: its first byte and its length. */
struct secret {
    const char *target; /* NULL: the session knows no password */
    size_t at;
    size_t len;
};

/* Finds target's password (as target_redact() would hide it); false, and s->target NULL,
 * when it has none. target must outlive s. */
bool secret_find(struct secret *s, const char *target);

/* Copies text into out (NUL-terminated, cut to out_size) with "***" in place of every
 * run of it that is the password, or a piece of the target that holds some of the
 * password: with at least SECRET_CONTEXT bytes of the target around it, or a last word
 * of two bytes or more. */
void secret_hide(const struct secret *s, const char *text, char *out, size_t out_size);

#define SECRET_CONTEXT 3

#endif
