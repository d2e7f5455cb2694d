/* The one field reader: fields quoted or not, blanks, numbers, hexadecimal, words in
 * any case, and the prefix of a line, as modules print them. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "at/fields.h"

/* The fields of line, after prefix when one is given, as "a|b|c". */
static void fields_of(const char *line, const char *prefix, char *out, size_t size)
{
    struct fields it;
    size_t n = 0;

    fields_start(&it, line);
    out[0] = '\0';
    if (prefix && !fields_after(&it, prefix)) {
        snprintf(out, size, "(no %s)", prefix);
        return;
    }
    while (fields_more(&it)) {
        struct fields_span f = fields_next(&it);
        n += (size_t)snprintf(out + n, size - n, "%s%.*s", n ? "|" : "", (int)(f.end - f.begin),
                              f.begin);
    }
}

static void test_fields_as_modules_print_them(void **state)
{
    static const struct {
        const char *line, *prefix, *fields;
    } rows[] = {
        {"+QIND: \"FOTA\",\"UPDATING\",37", "+QIND", "FOTA|UPDATING|37"},
        {"+QIND : \"FOTA\", \"HTTPEnd\" , 0 ", "+qind", "FOTA|HTTPEnd|0"},
        /* a quoted field holds its commas (BG96) */
        {"+QIND: \"FOTA\",\"Last upgrade was not finished,continue upgrade\"", "+QIND",
         "FOTA|Last upgrade was not finished,continue upgrade"},
        /* an unclosed quote runs to the end of the line */
        {"+QFLST: \"UFS:pkg.zip,12", "+QFLST", "UFS:pkg.zip,12"},
        /* what follows a closing quote before the comma is not part of the field */
        {"+X: \"a\"junk,b", "+X", "a|b"},
        {"+CEREG: 0,1", "+CEREG", "0|1"},
        {"+CEREG: 0,1", "+CGREG", "(no +CGREG)"},
        {"+CEREGX: 0,1", "+CEREG", "(no +CEREG)"},
        {"0,,1", NULL, "0||1"},
        {"", NULL, ""},
    };
    char got[128];

    (void)state;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        fields_of(rows[i].line, rows[i].prefix, got, sizeof got);
        assert_string_equal(got, rows[i].fields);
    }
}

static struct fields_span span_of(const char *text)
{
    return (struct fields_span){text, text + strlen(text)};
}

static void test_numbers(void **state)
{
    uint32_t v = 7;

    (void)state;
    assert_true(fields_number(span_of("37"), 100, false, &v));
    assert_int_equal(v, 37);
    assert_false(fields_number(span_of("37%"), 100, false, &v));
    assert_true(fields_number(span_of("37%"), 100, true, &v));
    assert_int_equal(v, 37);
    assert_true(fields_number(span_of("123456789012345"), 99999999, false, &v));
    assert_int_equal(v, 99999999); /* clamped, never overflowed */
    assert_true(fields_number(span_of("99999999999"), UINT32_MAX, false, &v));
    assert_int_equal(v, UINT32_MAX);
    v = 7;
    assert_false(fields_number(span_of(""), 100, true, &v));
    assert_false(fields_number(span_of("-1"), 100, true, &v));
    assert_false(fields_number(span_of("4a"), 100, true, &v));
    assert_false(fields_number(span_of("%"), 100, true, &v));
    assert_false(fields_number(span_of("SIM busy"), 100, true, &v));
    assert_int_equal(v, 7); /* untouched when it is no number */
}

static void test_next_number_reads_in_order(void **state)
{
    struct fields it;
    uint32_t a = 0, b = 0;

    (void)state;
    fields_start(&it, " 524288 , 1048576");
    assert_true(fields_next_number(&it, UINT32_MAX, &a));
    assert_true(fields_next_number(&it, UINT32_MAX, &b));
    assert_int_equal(a, 524288);
    assert_int_equal(b, 1048576);
    assert_false(fields_next_number(&it, UINT32_MAX, &a)); /* none left */
}

static void test_hex_and_words(void **state)
{
    uint32_t v = 0;

    (void)state;
    assert_true(fields_hex(span_of("2c7c"), 4, &v));
    assert_int_equal(v, 0x2c7c);
    assert_true(fields_hex(span_of("0A1f"), 4, &v));
    assert_int_equal(v, 0x0a1f);
    assert_false(fields_hex(span_of("12345"), 4, &v));
    assert_false(fields_hex(span_of(""), 4, &v));
    assert_false(fields_hex(span_of("12g4"), 4, &v));
    assert_int_equal(fields_hex_digit('F'), 15);
    assert_int_equal(fields_hex_digit('g'), -1);
    assert_true(fields_is_nocase(span_of("HttpsEnd"), "HTTPSEND"));
    assert_false(fields_is_nocase(span_of("HTTPSEN"), "HTTPSEND"));
    assert_false(fields_is_nocase(span_of("HTTPSENDS"), "HTTPSEND"));
    assert_true(fields_is(span_of("RDY"), "RDY"));
    assert_false(fields_is(span_of("rdy"), "RDY"));
    assert_true(fields_starts_nocase("+cme error: 10", "+CME ERROR:"));
    assert_false(fields_starts_nocase("+CME", "+CME ERROR:"));
    assert_int_equal(fields_upper('q'), 'Q');
    assert_int_equal(fields_upper('{'), '{');
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fields_as_modules_print_them),
        cmocka_unit_test(test_numbers),
        cmocka_unit_test(test_next_number_reads_in_order),
        cmocka_unit_test(test_hex_and_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
