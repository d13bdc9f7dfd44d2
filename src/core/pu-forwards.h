/* pu-forwards.h — the local forwards a node keeps open
 *
 * A forward is a PuProxy: a port on 127.0.0.1 that leads to a service on a
 * peer. PuForwards owns the forwards of one node (the daemon's or the app's),
 * opens and closes them by port, and is a GListModel of its PuProxy items in
 * the order they were opened, so a list view (or the control API's
 * ForwardsChanged) follows it through ::items-changed.
 *
 * Signals:
 *   ::forward-failed (PuProxy *forward, GError *error)  a connection through
 *                    the forward could not be carried (the peer's reason when
 *                    it refused); the forward stays open
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pu-node.h"
#include "pu-proxy.h"

G_BEGIN_DECLS

/* Forwards open at once on one node. */
#define PU_FORWARDS_MAX 256

#define PU_TYPE_FORWARDS (pu_forwards_get_type ())
G_DECLARE_FINAL_TYPE (PuForwards, pu_forwards, PU, FORWARDS, GObject)

PuForwards *pu_forwards_new    (PuNode          *node);
PuNode     *pu_forwards_get_node (PuForwards    *self);
/* Opens 127.0.0.1:@port (0 picks a free port) to @service on @peer
 * (transfer none: @self owns it until it is closed). PU_ERROR_INVALID_ARGUMENT
 * for a bad service name, PU_ERROR_EXISTS when the port is in use,
 * PU_ERROR_TOO_LARGE past PU_FORWARDS_MAX. */
PuProxy    *pu_forwards_open   (PuForwards      *self,
                                const PuPeerId  *peer,
                                const char      *service,
                                guint16          port,
                                GError         **error);
/* The forward on @port, or NULL (transfer none). */
PuProxy    *pu_forwards_lookup (PuForwards      *self,
                                guint16          port);
/* Stops the forward on @port (connections through it end);
 * PU_ERROR_NOT_FOUND when there is none. */
gboolean    pu_forwards_close  (PuForwards      *self,
                                guint16          port,
                                GError         **error);
/* Stops every forward. */
void        pu_forwards_close_all (PuForwards   *self);

G_END_DECLS
