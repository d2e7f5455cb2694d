/* Soak: many upgrades back to back in one process; the open descriptors and the heap in
 * use must be the same after the last as after the first.
 * Usage: e2e-soak PORT TARGET COUNT */
#define _GNU_SOURCE
#include <dirent.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>

#include <dfota.h>

static int open_descriptors(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;

    if (!d)
        return -1;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

static int upgrade(const char *port, const char *target)
{
    struct dfota_config cfg;
    struct dfota *s;
    int rc;

    dfota_config_init(&cfg);
    cfg.port = port;
    cfg.first_urc_timeout_ms = 10000;
    cfg.port_timeout_ms = 10000;
    rc = dfota_open(&s, &cfg);
    if (rc != DFOTA_OK)
        return rc;
    rc = dfota_start(s, target);
    if (rc == DFOTA_OK)
        rc = dfota_run(s);
    dfota_close(s);
    return rc;
}

int main(int argc, char **argv)
{
    int count, fds_first = 0;
    size_t heap_first = 0;

    if (argc != 4 || (count = atoi(argv[3])) < 2) {
        fprintf(stderr, "usage: %s PORT TARGET COUNT\n", argv[0]);
        return 2;
    }
    for (int i = 0; i < count; i++) {
        int rc = upgrade(argv[1], argv[2]);
        if (rc != DFOTA_OK) {
            printf("upgrade %d failed: %s\n", i + 1, dfota_strerror(rc));
            return 1;
        }
        if (i == 0) {
            fds_first = open_descriptors();
            heap_first = mallinfo2().uordblks;
        }
    }
    /* Read both before printing: stdout's buffer is itself allocated on first use. */
    int fds_last = open_descriptors();
    size_t heap_last = mallinfo2().uordblks;
    printf("%d upgrades; descriptors %d -> %d; heap in use %zu -> %zu bytes\n", count, fds_first,
           fds_last, heap_first, heap_last);
    return fds_last == fds_first && heap_last == heap_first ? 0 : 1;
}
