/* The module's own download of the delta package, done for real with libcurl. The bytes
 * are counted and dropped: the simulated upgrade only needs to know they arrived. */
#ifndef _DEFAULT_SOURCE
#define _DEFAULT_SOURCE
#endif

#include "sim.h"

#include <strings.h>

#include <curl/curl.h>

#define DOWNLOAD_TIMEOUT_S 30L
#define CONNECT_TIMEOUT_S 10L

void sim_download_global(bool init)
{
    if (init)
        (void)curl_global_init(CURL_GLOBAL_DEFAULT);
    else
        curl_global_cleanup();
}

static size_t count_bytes(char *data, size_t size, size_t nmemb, void *user)
{
    (void)data;
    size_t *total = user;
    *total += size * nmemb;
    return size * nmemb;
}

static void download_setup(CURL *c, const char *url, size_t *total)
{
    (void)curl_easy_setopt(c, CURLOPT_URL, url);
    (void)curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, count_bytes);
    (void)curl_easy_setopt(c, CURLOPT_WRITEDATA, total);
    (void)curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    (void)curl_easy_setopt(c, CURLOPT_TIMEOUT, DOWNLOAD_TIMEOUT_S);
    (void)curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
    (void)curl_easy_setopt(c, CURLOPT_FAILONERROR, 1L);
    /* Test servers use self-signed certificates. */
    (void)curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, 0L);
    (void)curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, 0L);
}

int sim_download(struct sim *s, const char *url)
{
    int failure = strncasecmp(url, "ftp", 3) == 0 ? 601 : 701;
    char shown[SIM_LINE_MAX + 16];
    size_t total = 0;
    CURL *c = curl_easy_init();
    sim_redact(url, shown, sizeof shown);
    if (!c) {
        sim_log(s, "download %s: curl_easy_init failed", shown);
        return failure;
    }
    download_setup(c, url, &total);
    sim_log(s, "download %s: begins", shown);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    (void)curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    if (rc != CURLE_OK) {
        sim_log(s, "download %s: failed: %s (status %ld)", shown, curl_easy_strerror(rc), status);
        return failure;
    }
    if (total == 0) {
        sim_log(s, "download %s: empty file (status %ld)", shown, status);
        return failure;
    }
    sim_log(s, "download %s: %zu bytes (status %ld)", shown, total, status);
    return 0;
}
