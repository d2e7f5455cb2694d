/* What a build of the library chooses at compile time, in one place: the size limits the
 * session's buffers derive from, and the parts a firmware may leave out. Each is a
 * compile definition (CMake: -DDFOTA_URL_MAX=255 and the like, see cmake/README.md
 * "Build options"); what is not defined takes the default below, which is what every family
 * needs. Library and users of the private headers (the tests) must see the same values:
 * the build passes them to both. */
#ifndef DFOTA_BUILD_CONFIG_H
#define DFOTA_BUILD_CONFIG_H

/* The longest target (URL or local path) the session takes, in bytes. The default is the
 * longest any family takes (ASR's and the generic family's 700); a firmware that talks to
 * one family sets that family's limit (e.g. 255 for the Unisoc and most Qualcomm
 * families) and saves three buffers of the difference: the target, the command line
 * built from it and the AT engine's copy of the command. A target over it is refused as
 * invalid, saying so. */
#ifndef DFOTA_URL_MAX
#define DFOTA_URL_MAX 700
#endif
#if DFOTA_URL_MAX < 100 || DFOTA_URL_MAX > 4000
#error "DFOTA_URL_MAX must be 100..4000 (100: the smallest family limit, EM060K's)"
#endif

/* A build chooses the URL limit above, the parts below and the family rows further down
 * (cmake/README.md "Build options"). Every other part is always in. */

/* 1: the host-side upload of a package into the module's file system (upload/), and
 * with it targets already in that file system (/usrdata/cache/ufs/pkg.zip, UFS:pkg.zip)
 * and the AT engine's raw transfers; 0: a firmware whose module downloads its package
 * itself from a URL: a local target is refused, saying so. */
#ifndef DFOTA_WITH_UPLOAD
#define DFOTA_WITH_UPLOAD 1
#endif
/* The raw transfers (bytes after CONNECT, acknowledged in blocks) go with the upload. */
#define DFOTA_WITH_AT_RAW DFOTA_WITH_UPLOAD

/* 1: ftp:// targets, with the module's FTP rules (user and password, each part's
 * limit); 0: an ftp:// target is refused, saying so, and http:// and https:// remain. */
#ifndef DFOTA_WITH_FTP
#define DFOTA_WITH_FTP 1
#endif

/* 1: the checks before AT+QFOTADL (SIM, network, signal, where URCs go, the package;
 * fsm/phase_preflight.c), and the cleanup that puts the URC port back. A firmware that
 * runs the module itself knows its SIM and network and routes the URCs to its own port
 * before it asks for an upgrade; it may build with 0: the upgrade then goes without the
 * checks, as with dfota_config's no_preflight, no CHECK event comes, and set_urcport is
 * refused. */
#ifndef DFOTA_WITH_PREFLIGHT
#define DFOTA_WITH_PREFLIGHT 1
#endif

/* 1: the texts for a person: lines for dfota_config's on_log (the dialogue, warnings,
 * repeats counted), the meanings of the modules' error codes (dfota_code_meaning()) and
 * each family's source (dfota_family_get()); 0: on_log is never called, a result says
 * "code 505", dfota_code_meaning() gives NULL and a family's source reads "": a firmware
 * reports codes to its backend, where a person looks their meanings up. What the
 * session has to say still goes into its events, its result text and dfota_open_msg(). */
#ifndef DFOTA_WITH_TEXTS
#define DFOTA_WITH_TEXTS 1
#endif

/* The family rows built in (family_rows.c), each 1 unless the build says 0 (CMake:
 * DFOTA_FAMILIES=em060k;ec2x keeps those two). A firmware keeps its board's module; the
 * generic row, the fallback for any other model, is always there. */
#ifndef DFOTA_FAMILY_EM060K
#define DFOTA_FAMILY_EM060K 1
#endif
#ifndef DFOTA_FAMILY_EC200U
#define DFOTA_FAMILY_EC200U 1
#endif
#ifndef DFOTA_FAMILY_EG915U
#define DFOTA_FAMILY_EG915U 1
#endif
#ifndef DFOTA_FAMILY_EC800K
#define DFOTA_FAMILY_EC800K 1
#endif
#ifndef DFOTA_FAMILY_EP06
#define DFOTA_FAMILY_EP06 1
#endif
#ifndef DFOTA_FAMILY_EC2X
#define DFOTA_FAMILY_EC2X 1
#endif
#ifndef DFOTA_FAMILY_EG18
#define DFOTA_FAMILY_EG18 1
#endif
#ifndef DFOTA_FAMILY_RM500Q
#define DFOTA_FAMILY_RM500Q 1
#endif
#ifndef DFOTA_FAMILY_BG96
#define DFOTA_FAMILY_BG96 1
#endif
/* 1 when every row is built in: a name none of them has is no family at all. */
#define DFOTA_ALL_FAMILIES                                                                         \
    (DFOTA_FAMILY_EM060K && DFOTA_FAMILY_EC200U && DFOTA_FAMILY_EG915U && DFOTA_FAMILY_EC800K &&   \
     DFOTA_FAMILY_EP06 && DFOTA_FAMILY_EC2X && DFOTA_FAMILY_EG18 && DFOTA_FAMILY_RM500Q &&         \
     DFOTA_FAMILY_BG96)

#endif
