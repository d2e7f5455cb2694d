/* Shared between fota.c (the upgrade) and fota_prepare.c (the AT dialogue around it). */
#ifndef DFOTA_FOTA_INTERNAL_H
#define DFOTA_FOTA_INTERNAL_H

#include "fota.h"

void fota_emit(struct fota *m, enum dfota_event_type type, int percent, int code, const char *text);
void fota_send(struct fota *m, const char *text, enum at_resp resp, uint32_t timeout_ms);
void fota_enter(struct fota *m, enum fota_state state, uint64_t deadline);
/* Opens the first-URC window; rebooting: the module is on its way down (the phase says
 * so until the port returns or the module speaks). */
void fota_window(struct fota *m, uint64_t now, bool rebooting);
void fota_finish(struct fota *m, int result, int code, const char *text);

/* Sends AT (again). */
void fota_sync(struct fota *m);
/* After END,0 and the final reboot: read the version again. */
void fota_begin_verify(struct fota *m, uint64_t now);
/* Success; version_read says whether the new version is known. */
void fota_finish_upgraded(struct fota *m, bool version_read);

/* The meaning of a module error code, never NULL. */
const char *fota_code_text(int code);

#endif
