/* The one field reader of module lines. */
#include "at/fields.h"

#include <string.h>

static bool fields_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool fields_is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int fields_hex_digit(char c)
{
    if (fields_is_digit(c))
        return c - '0';
    c = fields_upper(c);
    return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

char fields_upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static const char *fields_skip_blanks(const char *p, const char *end)
{
    while (p < end && fields_is_blank(*p))
        p++;
    return p;
}

struct fields_span fields_trim(const char *begin, const char *end)
{
    begin = fields_skip_blanks(begin, end);
    while (end > begin && fields_is_blank(end[-1]))
        end--;
    return (struct fields_span){begin, end};
}

void fields_start(struct fields *it, const char *text)
{
    it->p = text;
    it->end = text + strlen(text);
}

bool fields_is(struct fields_span f, const char *word)
{
    size_t n = strlen(word);

    return (size_t)(f.end - f.begin) == n && memcmp(f.begin, word, n) == 0;
}

bool fields_starts_nocase(const char *text, const char *word)
{
    for (; *word; word++, text++) {
        /* The same byte first: modules print the words in the case they are looked for. */
        if (*text != *word && fields_upper(*text) != fields_upper(*word))
            return false;
    }
    return true;
}

bool fields_is_nocase(struct fields_span f, const char *word)
{
    /* The length first: the +QIND parser asks this of every spelling. */
    return (size_t)(f.end - f.begin) == strlen(word) && fields_starts_nocase(f.begin, word);
}

bool fields_after(struct fields *it, const char *name)
{
    size_t n = strlen(name);
    const char *q;

    if ((size_t)(it->end - it->p) < n ||
        !fields_is_nocase((struct fields_span){it->p, it->p + n}, name))
        return false;
    q = fields_skip_blanks(it->p + n, it->end);
    if (q == it->end || *q != ':')
        return false;
    it->p = q + 1;
    return true;
}

bool fields_more(const struct fields *it)
{
    return it->p < it->end;
}

struct fields_span fields_next(struct fields *it)
{
    const char *q = fields_skip_blanks(it->p, it->end), *begin = q, *stop;

    if (q < it->end && *q == '"') {
        begin = ++q;
        while (q < it->end && *q != '"')
            q++;
        stop = q;
        while (q < it->end && *q != ',') /* after the closing quote, to the comma */
            q++;
    } else {
        while (q < it->end && *q != ',')
            q++;
        stop = q;
    }
    it->p = q < it->end ? q + 1 : it->end;
    return fields_trim(begin, stop);
}

bool fields_number(struct fields_span f, uint32_t max, bool percent, uint32_t *value)
{
    const char *p = f.begin;
    uint32_t v = 0;

    if (p == f.end || !fields_is_digit(*p))
        return false;
    for (; p < f.end && fields_is_digit(*p); p++) {
        v = v > (UINT32_MAX - 9) / 10 ? max : v * 10 + (uint32_t)(*p - '0');
        if (v > max)
            v = max;
    }
    if (percent && p < f.end && *p == '%')
        p++;
    if (p != f.end)
        return false;
    *value = v;
    return true;
}

bool fields_next_number(struct fields *it, uint32_t max, uint32_t *value)
{
    return fields_more(it) && fields_number(fields_next(it), max, false, value);
}

bool fields_hex(struct fields_span f, unsigned max_digits, uint32_t *value)
{
    uint32_t v = 0;
    size_t n = (size_t)(f.end - f.begin);

    if (n == 0 || n > max_digits)
        return false;
    for (const char *p = f.begin; p < f.end; p++) {
        int d = fields_hex_digit(*p);
        if (d < 0)
            return false;
        v = v * 16u + (uint32_t)d;
    }
    *value = v;
    return true;
}
