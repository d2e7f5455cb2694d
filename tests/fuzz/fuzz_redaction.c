/* The redaction check the harnesses share (fuzz_redaction.h). */
#include "fuzz_redaction.h"

#include <string.h>

const char *fuzz_find(const char *begin, const char *end, char c)
{
    for (const char *p = begin; p < end; p++) {
        if (*p == c)
            return p;
    }
    return NULL;
}

const char *fuzz_find_last(const char *begin, const char *end, char c)
{
    for (const char *p = end; p > begin; p--) {
        if (p[-1] == c)
            return p - 1;
    }
    return NULL;
}

bool fuzz_password_span(const char *text, size_t *begin, size_t *len)
{
    const char *sep = strstr(text, "://");
    if (sep == NULL)
        return false;
    const char *rest = sep + 3;
    const char *end = rest + strlen(rest);
    const char *slash = fuzz_find(rest, end, '/');
    const char *at = fuzz_find_last(rest, slash != NULL ? slash : end, '@');
    const char *colon = at != NULL ? fuzz_find(rest, at, ':') : NULL;
    if (colon == NULL)
        return false;
    *begin = (size_t)(colon + 1 - text);
    *len = (size_t)(at - (colon + 1));
    return true;
}

char fuzz_disguise(char c)
{
    static const char pairs[] = "!~#$&*()+,;<>?^_`|{}";
    unsigned char u = (unsigned char)c;

    if (c >= 'a' && c <= 'z')
        return (char)('a' + (c - 'a' + 13) % 26);
    if (c >= 'A' && c <= 'Z')
        return (char)('A' + (c - 'A' + 13) % 26);
    if (c >= '0' && c <= '9')
        return (char)('0' + (c - '0' + 5) % 10);
    if (u >= 0x80)
        return (char)(u ^ 1U);
    const char *p = c != '\0' ? strchr(pairs, c) : NULL;
    if (p == NULL)
        return c;
    size_t i = (size_t)(p - pairs);
    return pairs[i ^ 1U];
}

size_t fuzz_disguise_span(char *text, size_t begin, size_t len)
{
    size_t changed = 0;

    for (size_t i = begin; i < begin + len; i++) {
        char d = fuzz_disguise(text[i]);
        changed += d != text[i];
        text[i] = d;
    }
    return changed;
}
