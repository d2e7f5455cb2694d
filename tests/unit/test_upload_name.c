/* The module's file-name rules for uploads (src/upload_name.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "upload/upload.h"

static void test_name_rules(void **state)
{
    char msg[128], name[UPLOAD_NAME_MAX + 1], path[UPLOAD_PATH_MAX + 1];
    char long_name[UPLOAD_NAME_MAX + 2];
    static const struct {
        const char *name;
        const char *rule;
    } bad[] = {
        {"", "must name a file"},     {".", "must name a file"},
        {"..", "must name a file"},   {"a\"b", "quote"},
        {"a/b", "path separator"},    {"a\\b", "path separator"},
        {"a\rb", "control"},          {"a\tb", "control"},
        {"a\x7f", "control"},         {"a*", "wildcard"},
        {"a?", "wildcard"},           {"\xc3\xa9", "printable ASCII"},
        {"ab ", "ends with a space"}, {" ab", "begins with a space"},
        {" ", "begins with a space"},
    };

    (void)state;
    assert_int_equal(upload_name_check("update-v01-to-v02.zip", msg, sizeof(msg)), 0);
    assert_int_equal(upload_name_check("a b,c.bin", msg, sizeof(msg)), 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(upload_name_check(bad[i].name, msg, sizeof(msg)), -1);
        assert_non_null(strstr(msg, bad[i].rule));
    }
    memset(long_name, 'x', sizeof(long_name) - 1);
    long_name[UPLOAD_NAME_MAX] = '\0';
    assert_int_equal(upload_name_check(long_name, msg, sizeof(msg)), 0);
    long_name[UPLOAD_NAME_MAX] = 'x';
    long_name[UPLOAD_NAME_MAX + 1] = '\0';
    assert_int_equal(upload_name_check(long_name, msg, sizeof(msg)), -1);
    assert_non_null(strstr(msg, "at most 64"));

    assert_int_equal(
        upload_name_from_path("/var/lib/pkgs/delta.zip", name, sizeof(name), msg, sizeof(msg)), 0);
    assert_string_equal(name, "delta.zip");
    assert_int_equal(upload_name_from_path("delta.zip", name, sizeof(name), msg, sizeof(msg)), 0);
    assert_string_equal(name, "delta.zip");
    assert_int_equal(upload_name_from_path("/tmp/dir/", name, sizeof(name), msg, sizeof(msg)), -1);
    assert_int_equal(upload_name_from_path("/tmp/a\"b", name, sizeof(name), msg, sizeof(msg)), -1);

    assert_int_equal(upload_name_local_path("/usrdata/cache/ufs/", "d.zip", path, sizeof(path), msg,
                                            sizeof(msg)),
                     0);
    assert_string_equal(path, "/usrdata/cache/ufs/d.zip");
    assert_int_equal(upload_name_local_path("UFS:", "d.pac", path, sizeof(path), msg, sizeof(msg)),
                     0);
    assert_string_equal(path, "UFS:d.pac");
    /* 40-byte prefix + 61-byte name: 101 bytes, one over AT+QFOTADL's limit */
    memset(long_name, 'n', 61);
    long_name[61] = '\0';
    assert_int_equal(upload_name_local_path("/0123456789/0123456789/0123456789/01234/", long_name,
                                            path, sizeof(path), msg, sizeof(msg)),
                     -1);
    assert_non_null(strstr(msg, "at most 100"));
    assert_int_equal(
        upload_name_local_path("/ufs\"/", "d.zip", path, sizeof(path), msg, sizeof(msg)), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_name_rules),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
