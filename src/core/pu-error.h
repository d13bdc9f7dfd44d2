/* pu-error.h — the project error domain
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PU_ERROR (pu_error_quark ())
/* Over D-Bus: dev.peerup.PeerUp1.Error.NotFound and so on. */
#define PU_ERROR_DBUS_PREFIX "dev.peerup.PeerUp1.Error."

/* Codes a user (or a caller) can act on; messages are one line and say what to do. */
typedef enum {
  PU_ERROR_FAILED,
  PU_ERROR_INVALID_ARGUMENT, /* bad user input (peer ID, name, address, duration…) */
  PU_ERROR_PARSE,            /* malformed file or wire content */
  PU_ERROR_PERMISSIONS,      /* a secret or private file is readable by others */
  PU_ERROR_NOT_FOUND,        /* no such peer, service, name, relay, file */
  PU_ERROR_EXISTS,           /* duplicate peer, service, name, relay; identity exists */
  PU_ERROR_VERSION,          /* written by a newer Peer Up: please upgrade */
  PU_ERROR_IO,               /* reading or writing a file failed */
  PU_ERROR_TOO_LARGE,        /* input over a documented bound */
  PU_ERROR_PAIRING,          /* the pairing code did not match, expired or was used */
  /* Add new codes here and to the D-Bus names in pu-error.c. */
} PuError;

GQuark pu_error_quark (void);

G_END_DECLS
