/* The session's known password, hidden in any piece of any log line. */
#include "at/secret.h"

#include <string.h>

#include "at/target.h"

/* The longest log line looked at; a longer text is cut there (log lines are shorter). */
#define SECRET_TEXT_MAX 512

bool secret_find(struct secret *s, const char *target)
{
    memset(s, 0, sizeof(*s));
    if (!target || !target_secret_span(target, &s->at, &s->len) || s->len == 0)
        return false;
    s->target = target;
    return true;
}

static size_t secret_match(const char *text, const char *target)
{
    size_t m = 0;

    while (text[m] && text[m] == target[m])
        m++;
    return m;
}

static void secret_mark(unsigned char *mark, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        mark[i / 8] = (unsigned char)((unsigned)mark[i / 8] | (1u << (i % 8)));
}

static bool secret_marked(const unsigned char *mark, size_t i)
{
    return ((unsigned)mark[i / 8] >> (i % 8)) & 1u;
}

/* The piece of the target that starts at text[i] as target[t] and cannot be longer on
 * the left: marks what of it is password, when it is sure to be the target's. */
static void secret_piece(const struct secret *s, const char *text, size_t n, size_t i, size_t t,
                         unsigned char *mark)
{
    size_t m = secret_match(text + i, s->target + t), end = s->at + s->len, from, to;
    bool whole, context, last_word;

    if (i + m > n)
        m = n - i;
    from = t > s->at ? t : s->at;
    to = t + m < end ? t + m : end;
    if (from >= to)
        return;
    whole = from == s->at && to == end;
    context = m - (to - from) >= SECRET_CONTEXT;
    last_word = m >= 2 && i + m == n && (i == 0 || text[i - 1] == ' ');
    if (whole || context || last_word)
        secret_mark(mark, i + (from - t), i + (to - t));
}

void secret_hide(const struct secret *s, const char *text, char *out, size_t out_size)
{
    unsigned char mark[SECRET_TEXT_MAX / 8] = {0};
    size_t n = strlen(text), len = 0, end;

    if (out_size == 0)
        return;
    if (n > SECRET_TEXT_MAX)
        n = SECRET_TEXT_MAX;
    end = s->target ? s->at + s->len : 0;
    for (size_t i = 0; i < n; i++) {
        for (size_t t = 0; t < end; t++) {
            if (text[i] == s->target[t] && (i == 0 || t == 0 || text[i - 1] != s->target[t - 1]))
                secret_piece(s, text, n, i, t, mark);
        }
    }
    for (size_t i = 0; i < n && len + 1 < out_size; i++) {
        if (!secret_marked(mark, i)) {
            out[len++] = text[i];
        } else if (i == 0 || !secret_marked(mark, i - 1)) {
            for (int k = 0; k < 3 && len + 1 < out_size; k++)
                out[len++] = '*';
        }
    }
    out[len] = '\0';
}
