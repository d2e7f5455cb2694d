/* AT engine and URC parsing throughput over a realistic stream. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "at/at.h"
#include "bench.h"
#include "at/qind.h"

/* One piece of the stream, with its length: the noise piece holds a NUL, as real line
 * noise does, and the bytes after it must reach the stream too. */
struct piece {
    const char *bytes;
    size_t len;
};

#define PIECE(literal)                                                                             \
    {                                                                                              \
        literal, sizeof(literal) - 1                                                               \
    }
#define BENCH_NOISE "\x01\xff\xfe noise \x80\x00" /* bytes a noisy line carries */
#define BENCH_NOISE_END "\r\r\n\n"

static const struct piece stream_pieces[] = {
    PIECE("ATI\r\r\nQuectel\r\nEM060K\r\nRevision: EM060KGLAAR01A07M4G\r\n\r\nOK\r\n"),
    PIECE("\r\n+QIND: \"FOTA\",\"HTTPSTART\"\r\n"),
    PIECE("\r\n+QIND: \"FOTA\", \"HTTPEND\", 0\r\n"),
    PIECE("\r\n+QIND: \"FOTA\",\"HTTPEnd\",0\r\n"),
    PIECE("\r\n+QIND: \"FOTA\",\"HTTPSSTART\"\r\n"),
    PIECE("\r\n+QIND: \"FOTA\",\"FTPSTART\"\r\n\r\n+QIND: \"FOTA\",\"FTPEND\",0\r\n"),
    PIECE("\r\n+QIND: \"FOTA\",\"START\"\r\n"),
    PIECE("\r\n+QIND: \"FOTA\",\"UPDATING\",37\r\n"),
    PIECE("\r\n+QIND: \"FOTA\",\"UPDATING\",38%\r\n"),
    PIECE("\r\n+QIND: \"FOTA\", \"DOWNLOADING\", 55\r\n"),
    PIECE("\r\n+QIND: \"FOTA\",\"RESTORE\",1%\r\n"),
    PIECE("\r\n+QIND: \"FOTA\",\"END\",0\r\n"),
    PIECE("\r\nRDY\r\n\r\n+CPIN: READY\r\n\r\n+QUSIM: 1\r\n\r\n+QIND: SMS DONE\r\n"),
    PIECE("\r\n+QIND: \"csq\",20,99\r\n"),
    PIECE(BENCH_NOISE BENCH_NOISE_END),
};

struct counts {
    size_t lines;
    size_t fota;
};

static struct at_engine *bench_engine;

static int sink_write(void *user, const uint8_t *buf, size_t len)
{
    (void)user;
    (void)buf;
    (void)len;
    return DFOTA_PORT_OK;
}

static void on_line(void *user, const char *line)
{
    ((struct counts *)user)->lines += line[0] != '\0';
}

static void on_urc(void *user, const char *line)
{
    struct counts *c = user;
    struct qind q;

    c->lines++;
    c->fota += qind_parse(line, &q);
}

static void send_ati(void)
{
    static const struct at_cmd ati = {.text = "ATI", .resp = AT_RESP_TEXT, .timeout_ms = 300};
    at_send(bench_engine, &ati, 0);
}

/* Keeps a command pending, so responses are a command's and URCs come between. */
static void on_final(void *user, enum at_result result, int code)
{
    (void)user;
    (void)result;
    (void)code;
    send_ati();
}

static uint8_t *build_stream(size_t size)
{
    uint8_t *buf = malloc(size);
    size_t used = 0;
    unsigned seed = 7;

    while (buf && used < size) {
        const struct piece *piece =
            &stream_pieces[(size_t)rand_r(&seed) %
                           (sizeof(stream_pieces) / sizeof(stream_pieces[0]))];
        size_t n = piece->len;
        if (n > size - used)
            n = size - used;
        memcpy(buf + used, piece->bytes, n);
        used += n;
    }
    return buf;
}

/* Feeds the stream in chunks (max_chunk 1: one byte at a time); returns MB/s. */
static double feed(const uint8_t *buf, size_t size, size_t max_chunk, struct counts *c)
{
    struct at_engine at;
    struct at_callbacks cb = {sink_write, on_line, on_final, on_urc, NULL, c};
    unsigned seed = 11;
    uint64_t t0;

    at_init(&at, &cb);
    bench_engine = &at;
    send_ati();
    t0 = bench_now_us();
    for (size_t off = 0; off < size;) {
        size_t n = max_chunk == 1 ? 1 : 1 + (size_t)rand_r(&seed) % max_chunk;
        if (n > size - off)
            n = size - off;
        at_feed(&at, buf + off, n, 0);
        off += n;
    }
    return (double)size / (double)(bench_now_us() - t0);
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#define PARSE_RUNS 5

/* The machine is shared: the median of several runs, and the best, say more than one. */
static void bench_runs(const char *name, const uint8_t *buf, size_t size, size_t max_chunk,
                       struct counts *c)
{
    double mbps[PARSE_RUNS];
    char best[64];

    for (int i = 0; i < PARSE_RUNS; i++) {
        memset(c, 0, sizeof(*c));
        mbps[i] = feed(buf, size, max_chunk, c);
    }
    qsort(mbps, PARSE_RUNS, sizeof(double), compare_double);
    bench_print(name, mbps[PARSE_RUNS / 2], "MB/s");
    snprintf(best, sizeof(best), "%s_best", name);
    bench_print(best, mbps[PARSE_RUNS - 1], "MB/s");
}

void bench_parse(size_t megabytes)
{
    size_t size = megabytes << 20;
    uint8_t *buf = build_stream(size);
    struct counts chunked = {0, 0}, bytewise = {0, 0};

    if (!buf)
        return;
    bench_runs("parse_chunked", buf, size, 4096, &chunked);
    bench_runs("parse_bytewise", buf, size / 4, 1, &bytewise);
    bench_print("parse_stream", (double)megabytes, "MB");
    bench_print("parse_lines", (double)chunked.lines, "lines");
    bench_print("parse_fota_urcs", (double)chunked.fota, "urcs");
    free(buf);
}

/* The stream is what it claims to be: every piece whole, the noise with its line end
 * after the NUL it holds. Returns the count of noise pieces without it. */
size_t bench_stream_check(size_t megabytes)
{
    static const char noise[] = BENCH_NOISE;
    static const char end[] = BENCH_NOISE_END;
    size_t size = megabytes << 20;
    uint8_t *buf = build_stream(size);
    size_t seen = 0, broken = 0;

    if (!buf)
        return 1;
    for (size_t i = 0; i + sizeof(noise) - 1 <= size; i++) {
        if (memcmp(buf + i, noise, sizeof(noise) - 1) != 0)
            continue;
        size_t after = i + sizeof(noise) - 1;
        seen++;
        if (after + sizeof(end) - 1 <= size && memcmp(buf + after, end, sizeof(end) - 1) != 0)
            broken++;
    }
    free(buf);
    bench_print("stream_noise_pieces", (double)seen, "pieces");
    bench_print("stream_noise_without_line_end", (double)broken, "pieces");
    return seen == 0 ? 1 : broken;
}
