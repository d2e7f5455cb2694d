/* The families, as data. Each row says where its facts come from (see QUECTEL-DFOTA.md,
 * "Families"); where a value has no public source the row says "inferred" and keeps the
 * value of the nearest family that has one. Rows are tried in order: a model matching
 * two rows' patterns takes the first, so the narrower patterns come first (EC200U before
 * EC2x's "EC2*", EG06xK before EP06's "EG06*"). Like a quirk file, a row names only
 * what differs from the protocol's defaults: a field left out is zero, and zero is the
 * default (a plain URL form, local paths under a prefix, RESTORE as a rollback, no setup
 * commands, no codes of its own, the application note's codes too). */
#include "compiler.h"
#include "build_config.h"
#include "family/family.h"

/* Where the facts come from: documentation, shown by `dfota families`; a firmware
 * build leaves the texts out (DFOTA_WITH_TEXTS=0). */
#if DFOTA_WITH_TEXTS
#define SOURCE(text) text
#else
#define SOURCE(text) ""
#endif
#define PATTERNS(...) ((const char *const[]){__VA_ARGS__, NULL})
#define PIDS(...) ((const uint16_t[]){__VA_ARGS__, 0})
/* A family's own code meanings; a build without the texts (DFOTA_WITH_TEXTS=0)
 * leaves them out. */
#if DFOTA_WITH_TEXTS
#define CODES(...) ((const struct family_code[]){__VA_ARGS__, {FAMILY_AT_UPDATE, 0, 0, NULL}})
#else
#define CODES(...) NULL
#endif

/* Local prefixes some rows share: unused in a build without those rows
 * (build_config.h, DFOTA_FAMILY_*), which is no mistake. */
DFOTA_MAYBE_UNUSED static const char *const family_rows_ufs_usrdata[] = {"/usrdata/cache/ufs/",
                                                                         NULL};
DFOTA_MAYBE_UNUSED static const char *const family_rows_ufs_cache[] = {"/cache/ufs/",
                                                                       "/usrdata/cache/ufs/", NULL};
static const char *const family_rows_ufs_generic[] = {"/usrdata/cache/ufs/", "/cache/ufs/",
                                                      "/data/ufs/", "UFS:", NULL};
DFOTA_MAYBE_UNUSED static const char *const family_rows_efs_bg96[] = {"/fota/update.zip", NULL};
DFOTA_MAYBE_UNUSED static const char *const family_rows_ufs_unisoc[] = {"UFS:", NULL};

const struct family family_table[] = {
#if DFOTA_FAMILY_EM060K
    {
        .name = "em060k",
        .title = "EG06xK/Ex120K/EM060K",
        .models = PATTERNS("EG06?K*", "EM120K*", "EG120K*", "EM060K*"),
        .usb_pids = PIDS(0x030b),
        .url_max = 100,
        .ftp_part_max = 50,
        .local_max = 100,
        .local_prefixes = family_rows_ufs_usrdata,
        .source = SOURCE("EG06xK&Ex120K&EM060K DFOTA Application Note v1.0.0"),
    },
#endif
#if DFOTA_FAMILY_EC200U
    {
        .name = "ec200u",
        .title = "EC200U",
        .models = PATTERNS("EC200U*"),
        .usb_pids = PIDS(0x0901),
        .url_max = 255,
        .local_max = 255,
        .local_prefixes = family_rows_ufs_unisoc,
        .url_form = FAMILY_URL_SUFFIX,
        .url_suffix = ",1,50,100",
        .local_form = FAMILY_LOCAL_QCFG,
        .setup = {{"AT+QCFG=\"fota/cid\",%u", FAMILY_VALUE_CID, false}},
        .no_note_codes = true,
        .source = SOURCE("EC200U DFOTA how-to (,1,50,100, fota/cid, UFS: paths, DOWNLOADING); "
                         "codes 608/570/420 without published meanings; URL limit inferred"),
    },
#endif
#if DFOTA_FAMILY_EG915U
    {
        .name = "eg915u",
        .title = "EG915U",
        .models = PATTERNS("EG915U*"),
        .usb_pids = PIDS(0x0901),
        .url_max = 255,
        .local_max = 255,
        .local_prefixes = family_rows_ufs_unisoc,
        .url_form = FAMILY_URL_SUFFIX,
        .url_suffix = ",1,100,100",
        .local_form = FAMILY_LOCAL_QCFG,
        .setup = {{"AT+QCFG=\"fota/cid\",%u", FAMILY_VALUE_CID, false}},
        .no_note_codes = true,
        .source = SOURCE("EG915U DFOTA how-to (,1,100,100); otherwise as EC200U"),
    },
#endif
#if DFOTA_FAMILY_EC800K
    {
        .name = "ec800k",
        .title = "EC800K/EG800K",
        .models = PATTERNS("EC800K*", "EG800K*"),
        .url_max = 700,
        .local_max = 255,
        .local_prefixes = family_rows_ufs_generic,
        .url_form = FAMILY_URL_MODE_TIMEOUT,
        .codes = CODES({FAMILY_AT_UPDATE, 504, 504, "upgrade failed"},
                       {FAMILY_AT_UPDATE, 505, 505, "package checksum wrong"},
                       {FAMILY_AT_UPDATE, 506, 506, "package MD5 wrong"},
                       {FAMILY_AT_UPDATE, 507, 507, "package version wrong"}),
        .no_note_codes = true,
        .source =
            SOURCE("ASR DFOTA guide (,<mode>,<timeout>, 700-byte URL, no START, reboot inside "
                   "UPDATING, its own 50x meanings; 552, 553 without meanings); local prefixes "
                   "inferred"),
    },
#endif
#if DFOTA_FAMILY_EP06
    {
        .name = "ep06",
        .title = "EP06/EG06/EM06",
        .models = PATTERNS("EP06*", "EG06*", "EM06*"),
        .usb_pids = PIDS(0x0306),
        .url_max = 255,
        .local_max = 255,
        .local_prefixes = family_rows_ufs_usrdata,
        .source = SOURCE("EP06&EG06&EM06 DFOTA User Guide (URL 255 bytes); local prefix inferred"),
    },
#endif
#if DFOTA_FAMILY_EC2X
    {
        .name = "ec2x",
        .title = "EC2x/EG25-G/EG9x/EM05",
        .models = PATTERNS("EC2*", "EG25*", "EG9*", "EM05*"),
        .usb_pids = PIDS(0x0121, 0x0125, 0x0191, 0x0195, 0x030a),
        .url_max = 255,
        .local_max = 255,
        .local_prefixes = family_rows_ufs_usrdata,
        .source = SOURCE("EC2x&EG9x&EM05 DFOTA User Guide, QuecOpen guide (codes 1, 501 without "
                         "meanings); URL limit and local prefix inferred"),
    },
#endif
#if DFOTA_FAMILY_EG18
    {
        .name = "eg18",
        .title = "EG12/EM12/EG18",
        .models = PATTERNS("EG12*", "EM12*", "EG18*"),
        .usb_pids = PIDS(0x0512),
        .url_max = 255,
        .local_max = 255,
        .local_prefixes = family_rows_ufs_cache,
        .source = SOURCE("public EG18 transcript (119-byte HTTPS URL, HTTPSSTART/HTTPSEND); "
                         "255-byte limit as EP06"),
    },
#endif
#if DFOTA_FAMILY_RM500Q
    {
        .name = "rm500q",
        .title = "RM500Q/RG500Q/RM520N",
        .models = PATTERNS("RM50?Q*", "RG50?Q*", "RM520N*", "RG520N*"),
        .usb_pids = PIDS(0x0800, 0x0801),
        .url_max = 255,
        .local_max = 255,
        .local_prefixes = family_rows_ufs_cache,
        .setup = {{"AT+QFOTAPID=%u", FAMILY_VALUE_PID, true}},
        .timing = {0, 300000, 300000, 300000},
        .source = SOURCE("Quectel's public 5G test scripts (/cache/ufs/, AT+QFOTAPID, START may be "
                         "lost, 300 s per phase); URL limit inferred"),
    },
#endif
#if DFOTA_FAMILY_BG96
    {
        .name = "bg96",
        .title = "BG95/BG96",
        .models = PATTERNS("BG95*", "BG96*"),
        .usb_pids = PIDS(0x0296),
        .url_max = 255,
        .local_max = 16,
        .local_prefixes = family_rows_efs_bg96,
        .local_form = FAMILY_LOCAL_FIXED,
        .restore = FAMILY_RESTORE_INSTALL,
        .source =
            SOURCE("BG96 FOTA user guide and forum transcripts (255-byte URL, AT+QFOTADL=1 for "
                   "/fota/update.zip, RESTORE then END,0)"),
    },
#endif
    {
        .name = "generic",
        .title = "any other Quectel module",
        .models = PATTERNS("*"),
        .url_max = 700,
        .local_max = 700,
        .local_prefixes = family_rows_ufs_generic,
        .source = SOURCE("the loosest limits seen on any family; the application note's codes"),
    },
};

const size_t family_count = sizeof(family_table) / sizeof(family_table[0]);
