/* qind_parse(): every spelling in QUECTEL-DFOTA.md, the lines it must leave alone, and
 * hostile input. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "at/qind.h"

struct parse_case {
    const char *line;
    bool fota; /* expected return */
    enum qind_kind kind;
    int number;
    bool https;
};

static const struct parse_case parse_cases[] = {
    /* the application note's sequence */
    {"+QIND: \"FOTA\",\"FTPSTART\"", true, QIND_FTPSTART, -1, false},
    {"+QIND: \"FOTA\",\"FTPEND\",0", true, QIND_FTPEND, 0, false},
    {"+QIND: \"FOTA\",\"FTPEND\",601", true, QIND_FTPEND, 601, false},
    {"+QIND: \"FOTA\",\"HTTPSTART\"", true, QIND_HTTPSTART, -1, false},
    {"+QIND: \"FOTA\",\"HTTPEND\",0", true, QIND_HTTPEND, 0, false},
    {"+QIND: \"FOTA\",\"HTTPEND\",701", true, QIND_HTTPEND, 701, false},
    {"+QIND: \"FOTA\",\"START\"", true, QIND_START, -1, false},
    {"+QIND: \"FOTA\",\"UPDATING\",1", true, QIND_UPDATING, 1, false},
    {"+QIND: \"FOTA\",\"UPDATING\",100", true, QIND_UPDATING, 100, false},
    {"+QIND: \"FOTA\",\"END\",0", true, QIND_END, 0, false},
    {"+QIND: \"FOTA\",\"END\",502", true, QIND_END, 502, false},
    {"+QIND: \"FOTA\",\"END\",505", true, QIND_END, 505, false},
    /* spellings seen in the wild */
    {"+QIND: \"FOTA\", \"HTTPSTART\"", true, QIND_HTTPSTART, -1, false},
    {"+QIND: \"FOTA\", \"HTTPEnd\", 0", true, QIND_HTTPEND, 0, false},
    {"+QIND: \"FOTA\",\"HTTPEPEND\",0", true, QIND_HTTPEND, 0, false},
    {"+QIND: \"FOTA\",\"HTTPSSTART\"", true, QIND_HTTPSTART, -1, true},
    {"+QIND: \"FOTA\",\"HTTPSEND\",0", true, QIND_HTTPEND, 0, true},
    {"+QIND: \"FOTA\",\"HTTPSEND\",702", true, QIND_HTTPEND, 702, true},
    {"+QIND: \"FOTA\",\"DOWNLOADING\",50", true, QIND_DOWNLOADING, 50, false},
    {"+QIND: \"FOTA\",\"UPDATING\",37%", true, QIND_UPDATING, 37, false},
    {"+QIND: \"FOTA\",\"RESTORE\",1%", true, QIND_RESTORE, 1, false},
    {"+QIND: \"FOTA\",\"RESTORE\",100", true, QIND_RESTORE, 100, false},
    {"+QIND: \"FOTA\",\"FILESTART\"", true, QIND_FILESTART, -1, false},
    {"+QIND: \"FOTA\",\"FILEEND\",0", true, QIND_FILEEND, 0, false},
    {"+QIND: \"FOTA\",\"Last upgrade was not finished,continue upgrade\"", true, QIND_RESUME, -1,
     false},
    {"+QIND: \"FOTA\",\"SOMETHINGNEW\",12", true, QIND_UNKNOWN, -1, false},
    {"+QIND: \"FOTA\"", true, QIND_UNKNOWN, -1, false},
    {"+QIND: \"FOTA\",", true, QIND_UNKNOWN, -1, false},
    {"+QIND: \"FOTA\",\"\"", true, QIND_UNKNOWN, -1, false},
    /* case, quoting, blanks, stray CR/LF */
    {"+qind: \"fota\",\"updating\",5", true, QIND_UPDATING, 5, false},
    {"+Qind: \"Fota\",\"HttpsEnd\",0", true, QIND_HTTPEND, 0, true},
    {"+QIND: FOTA,UPDATING,5", true, QIND_UPDATING, 5, false},
    {"+QIND: \"FOTA\",END,0", true, QIND_END, 0, false},
    {"+QIND:\"FOTA\",\"END\",0", true, QIND_END, 0, false},
    {"+QIND : \"FOTA\" , \"END\" , 0 ", true, QIND_END, 0, false},
    {"+QIND: \" FOTA \",\" UPDATING \",\"45\"", true, QIND_UPDATING, 45, false},
    {"\r\n+QIND: \"FOTA\",\"END\",0\r\n", true, QIND_END, 0, false},
    {"\r+QIND: \"FOTA\",\"START\"\r\r", true, QIND_START, -1, false},
    {"  \t+QIND: \"FOTA\",\"UPDATING\",9\t ", true, QIND_UPDATING, 9, false},
    {"+QIND: \"FOTA\",\"UPDATING", true, QIND_UPDATING, -1, false},
    {"+QIND: \"FOTA\",\"END\",0,extra", true, QIND_END, 0, false},
    /* numbers: missing, unreadable, huge */
    {"+QIND: \"FOTA\",\"END\",", true, QIND_END, -1, false},
    {"+QIND: \"FOTA\",\"END\",abc", true, QIND_END, -1, false},
    {"+QIND: \"FOTA\",\"END\",12abc", true, QIND_END, -1, false},
    {"+QIND: \"FOTA\",\"END\",-1", true, QIND_END, -1, false},
    {"+QIND: \"FOTA\",\"UPDATING\",37%%", true, QIND_UPDATING, -1, false},
    {"+QIND: \"FOTA\",\"UPDATING\",%", true, QIND_UPDATING, -1, false},
    {"+QIND: \"FOTA\",\"END\",99999999", true, QIND_END, 99999999, false},
    {"+QIND: \"FOTA\",\"END\",100000000", true, QIND_END, 99999999, false},
    {"+QIND: \"FOTA\",\"END\",99999999999999999999999999999", true, QIND_END, 99999999, false},
    {"+QIND: \"FOTA\",\"END\",000505", true, QIND_END, 505, false},
    /* boot */
    {"RDY", true, QIND_RDY, -1, false},
    {"\r\nRDY\r\n", true, QIND_RDY, -1, false},
    {"rdy", false, QIND_NONE, -1, false},
    {"RDY now", false, QIND_NONE, -1, false},
    /* not ours */
    {"+QIND: SMS DONE", false, QIND_NONE, -1, false},
    {"+QIND: PB DONE", false, QIND_NONE, -1, false},
    {"+QIND: \"csq\",20,99", false, QIND_NONE, -1, false},
    {"+QIND: \"FOTAX\",\"END\",0", false, QIND_NONE, -1, false},
    {"+QIND: \"FOT\",\"END\",0", false, QIND_NONE, -1, false},
    {"+QINDX: \"FOTA\",\"END\",0", false, QIND_NONE, -1, false},
    {"QIND: \"FOTA\",\"END\",0", false, QIND_NONE, -1, false},
    {"+QIND \"FOTA\",\"END\",0", false, QIND_NONE, -1, false},
    {"x+QIND: \"FOTA\",\"END\",0", false, QIND_NONE, -1, false},
    {"+CPIN: READY", false, QIND_NONE, -1, false},
    {"+QUSIM: 1", false, QIND_NONE, -1, false},
    {"+CFUN: 1", false, QIND_NONE, -1, false},
    {"OK", false, QIND_NONE, -1, false},
    {"+QIND", false, QIND_NONE, -1, false},
    {"+QIND:", false, QIND_NONE, -1, false},
    {"+QIND: ", false, QIND_NONE, -1, false},
    {"\"", false, QIND_NONE, -1, false},
    {"", false, QIND_NONE, -1, false},
    {"\r\n", false, QIND_NONE, -1, false},
};

static void test_parse_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
        const struct parse_case *c = &parse_cases[i];
        struct qind q = {QIND_END, 77, true};

        bool fota = qind_parse(c->line, &q);

        if (fota != c->fota || q.kind != c->kind || q.number != c->number || q.https != c->https)
            print_error("case %zu: \"%s\" -> %d %s %d %d\n", i, c->line, fota,
                        qind_kind_name(q.kind), q.number, q.https);
        assert_int_equal(fota, c->fota);
        assert_int_equal(q.kind, c->kind);
        assert_int_equal(q.number, c->number);
        assert_int_equal(q.https, c->https);

        struct qind general = {QIND_END, 77, true};
        assert_int_equal(qind_parse_tolerant(c->line, &general), fota);
        assert_int_equal(general.kind, q.kind);
        assert_int_equal(general.number, q.number);
        assert_int_equal(general.https, q.https);
    }
}

static void test_parse_null(void **state)
{
    (void)state;
    struct qind q = {QIND_END, 5, true};
    assert_false(qind_parse(NULL, &q));
    assert_int_equal(q.kind, QIND_NONE);
    assert_int_equal(q.number, -1);
    assert_false(q.https);
    assert_true(qind_parse("+QIND: \"FOTA\",\"END\",0", NULL));
    assert_false(qind_parse("OK", NULL));
}

/* Each prefix of each line in a buffer of exactly its size: the parser must stop at the
 * NUL (the sanitizer build catches a read past it). */
static void test_parse_every_prefix(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
        const char *line = parse_cases[i].line;
        size_t len = strlen(line);
        for (size_t n = 0; n <= len; n++) {
            char *copy = malloc(n + 1);
            assert_non_null(copy);
            memcpy(copy, line, n);
            copy[n] = '\0';
            struct qind q;
            (void)qind_parse(copy, &q);
            assert_true(q.number >= -1 && q.number <= 99999999);
            free(copy);
        }
    }
}

/* Every byte value in every field position: no crash, sane outputs. */
static void test_parse_any_byte(void **state)
{
    (void)state;
    char line[] = "+QIND: \"FOTA\",\"UPDATING\",37%";
    for (size_t pos = 0; pos < sizeof line - 1; pos++) {
        char saved = line[pos];
        for (int b = 1; b < 256; b++) {
            struct qind q;
            line[pos] = (char)b;
            (void)qind_parse(line, &q);
            assert_true(q.number >= -1 && q.number <= 99999999);
        }
        line[pos] = saved;
    }
}

struct name_case {
    enum qind_kind kind;
    const char *name;
};

static const struct name_case name_cases[] = {
    {QIND_NONE, "NONE"},
    {QIND_RDY, "RDY"},
    {QIND_FTPSTART, "FTPSTART"},
    {QIND_FTPEND, "FTPEND"},
    {QIND_HTTPSTART, "HTTPSTART"},
    {QIND_HTTPEND, "HTTPEND"},
    {QIND_DOWNLOADING, "DOWNLOADING"},
    {QIND_START, "START"},
    {QIND_UPDATING, "UPDATING"},
    {QIND_END, "END"},
    {QIND_RESTORE, "RESTORE"},
    {QIND_FILESTART, "FILESTART"},
    {QIND_FILEEND, "FILEEND"},
    {QIND_UNKNOWN, "UNKNOWN"},
    {(enum qind_kind)99, "INVALID"},
};

static void test_kind_names(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof name_cases / sizeof name_cases[0]; i++)
        assert_string_equal(qind_kind_name(name_cases[i].kind), name_cases[i].name);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_table),        cmocka_unit_test(test_parse_null),
        cmocka_unit_test(test_parse_every_prefix), cmocka_unit_test(test_parse_any_byte),
        cmocka_unit_test(test_kind_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
