/* +QIND: "FOTA" URC lines -> typed values.
 *
 * Modules and firmware versions spell these lines in many ways (see QUECTEL-DFOTA.md):
 * spaces after commas, any case, "37%", HTTPS variants, even the application note's own
 * misspelling. The parser reads fields instead of matching whole strings, so each
 * variation is one entry in a table rather than one more special case. */
#include "at/qind.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Bigger numbers than any percent or module code are clamped, never overflowed. */
#define QIND_NUMBER_CAP 99999999

/* A field of the line, [begin, end). */
struct field {
    const char *begin;
    const char *end;
};

struct kind_spelling {
    const char *name; /* upper case */
    uint8_t len;      /* small types: the table is a firmware's flash */
    uint8_t kind;     /* enum qind_kind */
    bool https;
};

#define SPELLING(name, kind, https)                                                                \
    {                                                                                              \
        name, sizeof(name) - 1, kind, https                                                        \
    }

static const struct kind_spelling kind_spellings[] = {
    SPELLING("FTPSTART", QIND_FTPSTART, false),
    SPELLING("FTPEND", QIND_FTPEND, false),
    SPELLING("HTTPSTART", QIND_HTTPSTART, false),
    SPELLING("HTTPEND", QIND_HTTPEND, false),
    SPELLING("HTTPEPEND", QIND_HTTPEND, false), /* the application note's table says so */
    SPELLING("HTTPSSTART", QIND_HTTPSTART, true),
    SPELLING("HTTPSEND", QIND_HTTPEND, true),
    SPELLING("DOWNLOADING", QIND_DOWNLOADING, false),
    SPELLING("START", QIND_START, false),
    SPELLING("UPDATING", QIND_UPDATING, false),
    SPELLING("END", QIND_END, false),
    SPELLING("RESTORE", QIND_RESTORE, false),
    SPELLING("FILESTART", QIND_FILESTART, false),
    SPELLING("FILEEND", QIND_FILEEND, false),
    SPELLING("LAST UPGRADE WAS NOT FINISHED,CONTINUE UPGRADE", QIND_RESUME, false),
};

/* Own ASCII helpers: <ctype.h> depends on the locale. */
static char ascii_upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static const char *skip_blanks(const char *p, const char *end)
{
    while (p < end && is_blank(*p))
        p++;
    return p;
}

static struct field trim(struct field f)
{
    f.begin = skip_blanks(f.begin, f.end);
    while (f.end > f.begin && is_blank(f.end[-1]))
        f.end--;
    return f;
}

/* word is upper case; the field may be in any case. Stops at the first difference:
 * this runs for every kind in the table on every line. */
static bool field_equals_nocase(struct field f, const char *word)
{
    const char *p = f.begin;

    for (; *word; word++, p++) {
        if (p == f.end || ascii_upper(*p) != *word)
            return false;
    }
    return p == f.end;
}

static bool field_equals(struct field f, const char *word)
{
    size_t n = strlen(word);
    return (size_t)(f.end - f.begin) == n && memcmp(f.begin, word, n) == 0;
}

/* Reads one comma-separated field starting at *p, quoted or not, and leaves *p after
 * the comma that ends it (or at end). A quoted field may hold commas: BG96's
 * "Last upgrade was not finished,continue upgrade". An unclosed quote runs to the end. */
static struct field next_field(const char **p, const char *end)
{
    const char *q = skip_blanks(*p, end);
    struct field f = {q, q};
    if (q < end && *q == '"') {
        f.begin = ++q;
        while (q < end && *q != '"')
            q++;
        f.end = q;
        if (q < end)
            q++;
        while (q < end && *q != ',')
            q++;
    } else {
        while (q < end && *q != ',')
            q++;
        f.end = q;
    }
    *p = (q < end) ? q + 1 : end;
    return trim(f);
}

/* Decimal digits, an optional '%', nothing else; -1 when that is not what is there. */
static int parse_number(struct field f)
{
    const char *p = f.begin;
    long value = 0;
    if (p >= f.end || !is_digit(*p))
        return -1;
    for (; p < f.end && is_digit(*p); p++) {
        value = value * 10 + (*p - '0');
        if (value > QIND_NUMBER_CAP)
            value = QIND_NUMBER_CAP;
    }
    if (p < f.end && *p == '%')
        p++;
    return p == f.end ? (int)value : -1;
}

static const struct kind_spelling *find_kind(struct field name)
{
    size_t count = sizeof kind_spellings / sizeof kind_spellings[0];
    size_t len = (size_t)(name.end - name.begin);

    for (size_t i = 0; i < count; i++) {
        /* The length first: most spellings differ in it, and it costs nothing. */
        if (kind_spellings[i].len == len && field_equals_nocase(name, kind_spellings[i].name))
            return &kind_spellings[i];
    }
    return NULL;
}

/* "+QIND" then ':' with blanks allowed around it; leaves *p after the colon. */
static bool skip_qind_prefix(const char **p, const char *end)
{
    static const char prefix[] = "+QIND";
    size_t n = sizeof prefix - 1;
    struct field head = {*p, *p + n};
    if ((size_t)(end - *p) < n || !field_equals_nocase(head, prefix))
        return false;
    const char *q = skip_blanks(*p + n, end);
    if (q >= end || *q != ':')
        return false;
    *p = q + 1;
    return true;
}

/* Fills out from the fields after "FOTA": the kind, then its number if any. */
static void parse_fota_fields(const char *p, const char *end, struct qind *out)
{
    struct field name = next_field(&p, end);
    const struct kind_spelling *spelling = find_kind(name);
    if (spelling == NULL) {
        out->kind = QIND_UNKNOWN;
        return;
    }
    out->kind = (enum qind_kind)spelling->kind;
    out->https = spelling->https;
    if (p < end)
        out->number = parse_number(next_field(&p, end));
}

bool qind_parse_tolerant(const char *line, struct qind *out)
{
    struct qind scratch;
    if (out == NULL)
        out = &scratch;
    out->kind = QIND_NONE;
    out->number = -1;
    out->https = false;
    if (line == NULL)
        return false;

    struct field whole = trim((struct field){line, line + strlen(line)});
    if (field_equals(whole, "RDY")) {
        out->kind = QIND_RDY;
        return true;
    }
    const char *p = whole.begin;
    if (!skip_qind_prefix(&p, whole.end))
        return false;
    if (!field_equals_nocase(next_field(&p, whole.end), "FOTA"))
        return false;
    parse_fota_fields(p, whole.end, out);
    return true;
}

/* The spelling nearly every line has: +QIND: "FOTA","KIND" or +QIND: "FOTA","KIND",N
 * with an upper-case kind. Read in one pass; false sends the line the tolerant way,
 * which gives the same answer for these lines (the fuzzer checks it). */
static bool parse_canonical(const char *line, struct qind *out)
{
    static const char head[] = "+QIND: \"FOTA\",\"";
    const char *kind = line + sizeof head - 1;
    const char *quote;
    const struct kind_spelling *spelling = NULL;

    if (strncmp(line, head, sizeof head - 1) != 0 || (quote = strchr(kind, '"')) == NULL)
        return false;
    for (size_t i = 0; i < sizeof kind_spellings / sizeof kind_spellings[0]; i++) {
        if (kind_spellings[i].len == (size_t)(quote - kind) &&
            memcmp(kind, kind_spellings[i].name, kind_spellings[i].len) == 0) {
            spelling = &kind_spellings[i];
            break;
        }
    }
    if (spelling == NULL || (quote[1] != '\0' && quote[1] != ','))
        return false;
    out->number = -1;
    if (quote[1] == ',') { /* digits, perhaps '%', and the end of the line */
        const char *digits = quote + 2, *after = digits;
        while (is_digit(*after))
            after++;
        if (after[*after == '%'] != '\0')
            return false;
        out->number = parse_number((struct field){digits, after});
        if (out->number < 0)
            return false;
    }
    out->kind = (enum qind_kind)spelling->kind;
    out->https = spelling->https;
    return true;
}

bool qind_parse(const char *line, struct qind *out)
{
    struct qind scratch;

    if (out == NULL)
        out = &scratch;
    if (line != NULL && parse_canonical(line, out))
        return true;
    return qind_parse_tolerant(line, out);
}

const char *qind_kind_name(enum qind_kind kind)
{
    switch (kind) {
    case QIND_NONE:
        return "NONE";
    case QIND_RDY:
        return "RDY";
    case QIND_FTPSTART:
        return "FTPSTART";
    case QIND_FTPEND:
        return "FTPEND";
    case QIND_HTTPSTART:
        return "HTTPSTART";
    case QIND_HTTPEND:
        return "HTTPEND";
    case QIND_DOWNLOADING:
        return "DOWNLOADING";
    case QIND_START:
        return "START";
    case QIND_UPDATING:
        return "UPDATING";
    case QIND_END:
        return "END";
    case QIND_RESTORE:
        return "RESTORE";
    case QIND_FILESTART:
        return "FILESTART";
    case QIND_FILEEND:
        return "FILEEND";
    case QIND_UNKNOWN:
        return "UNKNOWN";
    case QIND_RESUME:
        return "RESUME";
    }
    return "INVALID";
}
