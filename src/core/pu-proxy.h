/* pu-proxy.h — a local TCP port that leads to a peer's service
 *
 * Listens on a local address; each accepted TCP connection becomes one stream
 * to the service on the peer, spliced both ways with half-close.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pu-node.h"

G_BEGIN_DECLS

/* Accepted TCP connections served at once; more wait in the listen backlog. */
#define PU_PROXY_MAX_ACTIVE 1024

#define PU_TYPE_PROXY (pu_proxy_get_type ())
G_DECLARE_FINAL_TYPE (PuProxy, pu_proxy, PU, PROXY, GObject)

/* Binds @listen (port 0 picks a free port) and starts accepting.
 * ::stream-failed (GError) tells why a connection could not be carried — the
 * peer's reason when it refused. */
PuProxy  *pu_proxy_new             (PuNode             *node,
                                    const PuPeerId     *peer,
                                    const char         *service,
                                    GInetSocketAddress *listen,
                                    GError            **error);
guint16   pu_proxy_get_port        (PuProxy            *self);
const PuPeerId *pu_proxy_get_peer  (PuProxy            *self);
const char *pu_proxy_get_service   (PuProxy            *self);
guint     pu_proxy_get_n_active    (PuProxy            *self);
/* Connections carried to the end. */
guint64   pu_proxy_get_n_completed (PuProxy            *self);
void      pu_proxy_stop            (PuProxy            *self);

G_END_DECLS
