/* What a build of the library chooses at compile time, in one place: the size limits the
 * session's buffers derive from, and the parts a firmware may leave out. Each is a
 * compile definition (CMake: -DDFOTA_URL_MAX=255 and the like, see README "Build
 * options"); what is not defined takes the default below, which is what every family
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

/* 1: the host-side upload of a package into the module's file system (upload.c). A
 * firmware whose module downloads its package itself builds with 0. */
#ifndef DFOTA_WITH_UPLOAD
#define DFOTA_WITH_UPLOAD 1
#endif

/* 1: each family's `source` (where its facts come from, dfota_family_get()) is kept;
 * 0: it reads "" and its text stays out of the image. */
#ifndef DFOTA_WITH_FAMILY_SOURCES
#define DFOTA_WITH_FAMILY_SOURCES 1
#endif

#endif
