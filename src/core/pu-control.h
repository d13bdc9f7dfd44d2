/* pu-control.h — the control API of a running node (dev.peerup.PeerUp1)
 *
 * Exports a node's state — relays, peers with their path and round trip,
 * services, forwards — and signals when relays, peer connections, services,
 * trust and forwards change, and the operations on them (each a thin adapter
 * over a core call the desktop app makes in-process: pu_services_*(),
 * PuForwards, PuPairSession, PuTrustStore, pu_node_ping_async()), at
 * PU_CONTROL_OBJECT_PATH: on a private socket only this user can reach (see
 * pu-control-socket.h), on the session bus as PU_CONTROL_BUS_NAME when there
 * is one, and on any other connection it is given (the desktop app's).
 * Errors travel as named D-Bus errors (dev.peerup.PeerUp1.Error.*). Calls to
 * methods that change trust or exposure are logged with their caller.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pu-control-socket.h"
#include "pu-forwards.h"
#include "pu-node.h"

G_BEGIN_DECLS

/* Clients of the private socket at once. */
#define PU_CONTROL_MAX_CLIENTS 64
/* Pairings started through the API and running at once. */
#define PU_CONTROL_MAX_PAIRINGS 8

#define PU_TYPE_CONTROL (pu_control_get_type ())
G_DECLARE_FINAL_TYPE (PuControl, pu_control, PU, CONTROL, GObject)

PuControl  *pu_control_new                 (PuNode           *node);
PuNode     *pu_control_get_node            (PuControl        *self);
/* The node's forwards that Connect opens and ListForwards lists: the desktop
 * app opens its own forwards here too, so API clients see them. */
PuForwards *pu_control_get_forwards        (PuControl        *self);

/* Listens on @socket_path (directory 0700, socket 0600, this user's
 * processes only). One core per socket: PU_ERROR_EXISTS, naming its pid,
 * while another one runs; a socket left by a core that died is replaced.
 * The socket is removed when @self goes away. */
gboolean    pu_control_listen              (PuControl        *self,
                                            const char       *socket_path,
                                            GError          **error);
/* NULL until listening. */
const char *pu_control_get_socket_path     (PuControl        *self);
/* Exports on @connection too. */
gboolean    pu_control_export              (PuControl        *self,
                                            GDBusConnection  *connection,
                                            GError          **error);
/* Takes PU_CONTROL_BUS_NAME on the session bus when there is one (never
 * starting a bus); says so in the log when another core holds it. */
void        pu_control_own_bus_name        (PuControl        *self);

/* The check every client of the private socket passes: credentials of this
 * very user. */
gboolean    pu_control_credentials_allowed (GCredentials     *credentials);

G_END_DECLS
