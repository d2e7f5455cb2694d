/* The redaction check the harnesses share: where the password of a URL is, as the module
 * splits it, and its disguised twin. A text the library writes must come out the same for
 * a target and for its twin (the password's bytes replaced by others that play the same
 * part in every rule): then it depends on no byte of the password, which is stronger than
 * looking for the password as a substring. */
#ifndef DFOTA_FUZZ_REDACTION_H
#define DFOTA_FUZZ_REDACTION_H

#include <stdbool.h>
#include <stddef.h>

/* The first c in [begin, end), or NULL; _last: the last one. */
const char *fuzz_find(const char *begin, const char *end, char c);
const char *fuzz_find_last(const char *begin, const char *end, char c);

/* The password of text's first "://" URL as the module splits it: the authority ends at
 * the first '/', the userinfo at the authority's last '@', the password begins after the
 * userinfo's first ':'. False when there is none. */
bool fuzz_password_span(const char *text, size_t *begin, size_t *len);

/* Another byte that plays the same part in every rule: letters and digits stay letters and
 * digits, other punctuation swaps within pairs, bytes above 0x7f stay above. Bytes that
 * some rule or split looks at (':', '@', '/', brackets, quotes, blank, '.', '-', '=', '%',
 * '\\', control bytes) stay as they are. */
char fuzz_disguise(char c);

/* Disguises text[begin, begin + len) in place; returns how many bytes changed. */
size_t fuzz_disguise_span(char *text, size_t begin, size_t len);

#endif
