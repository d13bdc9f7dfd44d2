/* pu-control-socket.h — where a running core's control API listens, and
 * connecting to it
 *
 * A core listens on a private socket that only its own user can reach:
 * $XDG_RUNTIME_DIR/peerup/bus for the default config, bus-<hash> beside it
 * for any other config.ini (so that devices run from `--config` files do not
 * meet). Without XDG_RUNTIME_DIR (a system service, cron) the directory is
 * $TMPDIR/peerup-<uid>, which must be a 0700 directory of the user's own.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pu-control-dbus.h"

G_BEGIN_DECLS

#define PU_CONTROL_OBJECT_PATH "/dev/peerup/PeerUp"
/* Not the app's ID (dev.peerup.PeerUp): GApplication hands a second launch to
 * whoever owns that name, and a headless core cannot show a window. */
#define PU_CONTROL_BUS_NAME "dev.peerup.PeerUp.Daemon"
/* A core that accepts but does not answer is given up on after this. */
#define PU_CONTROL_TIMEOUT_SECONDS 5

/* The socket of the core running the device of @config_path (NULL: the
 * default config). */
char      *pu_control_socket_path          (const char          *config_path);
/* The directory holding the sockets, made 0700 if missing; PU_ERROR_PERMISSIONS
 * when it is not a directory owned by this user. */
gboolean   pu_control_socket_ensure_dir    (const char          *socket_path,
                                            GError             **error);

/* A proxy for the core listening on @socket_path. G_IO_ERROR_NOT_FOUND when
 * no core runs, G_IO_ERROR_TIMED_OUT when one does not answer. */
void       pu_control_socket_connect_async  (const char          *socket_path,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
PuPeerUp1 *pu_control_socket_connect_finish (GAsyncResult        *result,
                                             GError             **error);

G_END_DECLS
