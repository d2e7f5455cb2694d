/* The session's size, its heap use over a whole simulated upgrade, and the core's code
 * size. */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include "bench.h"
#include "dfota.h"
#include "fake_module.h"
#include "fake_port.h"

static uint64_t fake_now(void *user)
{
    return ((struct fake_port *)user)->now;
}

static void script_upgrade(struct fake_module *fm)
{
    static const char *const progress[] = {
        "+QIND: \"FOTA\",\"UPDATING\",20", "+QIND: \"FOTA\",\"UPDATING\",40",
        "+QIND: \"FOTA\",\"UPDATING\",60", "+QIND: \"FOTA\",\"UPDATING\",80",
        "+QIND: \"FOTA\",\"UPDATING\",100"};

    fake_module_urc(fm, 100, "+QIND: \"FOTA\",\"HTTPSTART\"");
    fake_module_urc(fm, 2000, "+QIND: \"FOTA\",\"HTTPEND\",0");
    fake_module_reboot(fm, 2100, 1000);
    fake_module_urc(fm, 3500, "+QIND: \"FOTA\",\"START\"");
    for (int i = 0; i < 5; i++)
        fake_module_urc(fm, 4000 + (uint64_t)i * 100, progress[i]);
    fake_module_urc(fm, 5000, "+QIND: \"FOTA\",\"END\",0");
    fake_module_reboot(fm, 5100, 1000);
}

void bench_footprint(void)
{
    static struct fake_port fp;
    static struct fake_module fm;
    struct dfota_config cfg;
    struct dfota *s;
    struct bench_heap open_heap, run_heap;
    int rc;

    fake_port_init(&fp);
    fake_module_init(&fm, &fp);
    script_upgrade(&fm);
    dfota_config_init(&cfg);
    cfg.port_ops = &fake_port_ops;
    cfg.port_ctx = &fp;
    cfg.now_ms = fake_now;
    cfg.user = &fp;
    bench_heap_reset();
    if (dfota_open(&s, &cfg) != DFOTA_OK)
        return;
    open_heap = bench_heap_read();
    bench_heap_reset();
    rc = dfota_start(s, "http://10.0.0.1/update.zip");
    if (rc == DFOTA_OK)
        rc = dfota_run(s);
    run_heap = bench_heap_read();
    dfota_close(s);
    bench_print("session_size", (double)open_heap.bytes, "bytes");
    bench_print("open_allocations", (double)open_heap.allocations, "allocations");
    bench_print("upgrade_allocations", (double)run_heap.allocations, "allocations");
    bench_print("upgrade_result", rc, "result");
}

/* .text of the portable core built with -Os, summed over the archive's members. */
void bench_code_size(const char *core_archive)
{
    char cmd[512], line[256];
    double text = 0;
    FILE *p;

    snprintf(cmd, sizeof(cmd), "size -A -d '%s'", core_archive);
    p = popen(cmd, "r");
    if (!p)
        return;
    while (fgets(line, sizeof(line), p)) {
        char section[64];
        double bytes;
        if (sscanf(line, "%63s %lf", section, &bytes) == 2 && strcmp(section, ".text") == 0)
            text += bytes;
    }
    if (pclose(p) == 0)
        bench_print("core_text_Os", text / 1024.0, "KiB");
}
