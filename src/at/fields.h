/* The one reader of the fields of a module's line, in the spirit of oFono's gatresult:
 *   +QIND: "FOTA","UPDATING",37%     +CEREG: 0,1     +QFLST: "UFS:pkg.zip",1024
 * A field is quoted or not; a quoted one may hold commas and runs to its closing quote
 * (an unclosed one to the end of the line). Blanks around a field are not part of it.
 * Numbers, hexadecimal digits and case-blind words are read here and nowhere else, with
 * own ASCII helpers: <ctype.h> depends on the locale. Pure: no I/O, no allocation. */
#ifndef DFOTA_FIELDS_H
#define DFOTA_FIELDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A field's text, [begin, end), quotes and blanks left out. */
struct fields_span {
    const char *begin;
    const char *end;
};

/* Where the reading is in a line. */
struct fields {
    const char *p;
    const char *end;
};

/* Starts reading text (to its NUL). */
void fields_start(struct fields *it, const char *text);

/* Reads past "<name>:" (name in any case, blanks before the colon), as in "+QIND :".
 * False, with nothing read, when the line does not begin so. */
bool fields_after(struct fields *it, const char *name);

/* Whether a field is left to read. */
bool fields_more(const struct fields *it);

/* The next field, and the reading moves past the comma that ends it. */
struct fields_span fields_next(struct fields *it);

/* The field as a decimal number, nothing else in it (with percent, a '%' may end it):
 * larger values read as max, never overflowed (32 bits: what a module counts, a file
 * system's bytes included, and cheap on a 32-bit firmware). False when it is not one. */
bool fields_number(struct fields_span f, uint32_t max, bool percent, uint32_t *value);

/* The next field as a decimal number (fields_number(), no '%'). */
bool fields_next_number(struct fields *it, uint32_t max, uint32_t *value);

/* The field as 1 to max_digits hexadecimal digits, either case. */
bool fields_hex(struct fields_span f, unsigned max_digits, uint32_t *value);

/* Whether the field is word, letter for letter; _nocase: in any case (ASCII). */
bool fields_is(struct fields_span f, const char *word);
bool fields_is_nocase(struct fields_span f, const char *word);

/* Whether text begins with word, in any case (ASCII). */
bool fields_starts_nocase(const char *text, const char *word);

/* The span of text, blanks (space, tab, CR, LF) trimmed from both ends. */
struct fields_span fields_trim(const char *begin, const char *end);

/* c in upper case (ASCII letters only). */
char fields_upper(char c);

/* The value of one hexadecimal digit, or -1 when c is none. */
int fields_hex_digit(char c);

#endif
