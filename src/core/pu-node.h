/* pu-node.h — this device on the network
 *
 * A node keeps a connection to every configured relay, one QUIC connection
 * per remote peer (reused by every stream to it), serves its enabled
 * services to authorized peers and opens streams to other peers' services.
 * The daemon, the app and one-shot commands (proxy, ping) each run one.
 *
 * Signals:
 *   ::relay-changed (PuRelayClient *relay)  it connected or disconnected
 *   ::peer-changed  (const PuPeerId *peer)  a connection with the peer (either
 *                   direction) completed its handshake, moved between the
 *                   relay and a direct path, or closed; not emitted by
 *                   pu_node_stop()
 *
 * Once a connection is up through a relay, both ends look for a direct path
 * with ICE (the dialer controls, signaling goes through the relay) and the
 * connection moves onto it without closing. When the direct path stops
 * carrying packets the connection is back on the relay within
 * PU_ICE_PATH_DEAD_MS plus a heartbeat, and returns to the direct path when
 * it recovers; ICE starts over later (with backoff) or when the network
 * changes.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pu-connection.h"
#include "pu-profile.h"
#include "pu-stream-header.h"

G_BEGIN_DECLS

/* How long a dial waits for a relay and then for the peer's answer. */
#define PU_NODE_RELAY_WAIT_SECONDS 10
#define PU_NODE_DIAL_SECONDS 10
/* How long a dial still waits once the relay said the peer is not there:
 * the peer may be reconnecting to it. */
#define PU_NODE_ABSENT_GRACE_SECONDS 2
/* Incoming connections being set up or open at once. */
#define PU_NODE_MAX_SERVED_CONNECTIONS 256

/* A peer's open connections with this node, as they are now. */
typedef struct {
  PuPeerId   peer;
  guint      n_connections; /* handshake done, not closed; either direction */
  /* Of the best connection: direct before relayed, then the shorter trip. */
  PuPathKind path;
  gint64     rtt;           /* smoothed round trip (µs); 0 until measured */
  /* On a direct path: the selected ICE pair's candidate types ("host",
   * "srflx", "prflx", "relay") and IP version; NULL and 0 on the relay. */
  const char *local_candidate;
  const char *remote_candidate;
  guint      ip_version;
} PuNodePeerState;

/* What ICE achieved since the node was made, for export. */
typedef struct {
  guint      attempts;      /* ICE runs started */
  guint      successes;     /* runs that reached a working direct path */
  guint      failures;      /* runs that ended without one */
  guint      fallbacks;     /* direct paths lost, traffic back on the relay */
  gint64     last_time_to_direct; /* µs from first contact to direct, last success */
} PuNodeIceMetrics;

#define PU_TYPE_NODE (pu_node_get_type ())
G_DECLARE_FINAL_TYPE (PuNode, pu_node, PU, NODE, GObject)

/* @serving: accept connections and serve the config's enabled services (a
 * daemon or the app); one-shot commands only dial. */
PuNode       *pu_node_new                   (PuProfile            *profile,
                                             gboolean              serving,
                                             GError              **error);
/* Connects to every configured relay (reconnecting with backoff). */
void          pu_node_start                 (PuNode               *self);
/* Closes connections and relays. */
void          pu_node_stop                  (PuNode               *self);
PuProfile    *pu_node_get_profile           (PuNode               *self);
guint         pu_node_get_n_relays          (PuNode               *self);
guint         pu_node_get_n_relays_connected (PuNode              *self);
/* The relays in use (element-type PuRelayClient) (transfer none): configured
 * relays without a pinned key are left out. */
GPtrArray    *pu_node_get_relays            (PuNode               *self);

/* The connection to @peer, dialed if there is none yet. */
void          pu_node_connect_async         (PuNode               *self,
                                             const PuPeerId       *peer,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
PuConnection *pu_node_connect_finish        (PuNode               *self,
                                             GAsyncResult         *result,
                                             GError              **error);

/* A stream of @kind (to @service for PROXY) that the peer accepted. A
 * refusal is a PU_ERROR with the peer's reason ("service ssh is not exposed
 * by home"). */
void          pu_node_open_stream_async     (PuNode               *self,
                                             const PuPeerId       *peer,
                                             PuStreamKind          kind,
                                             const char           *service,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
PuStream     *pu_node_open_stream_finish    (PuNode               *self,
                                             GAsyncResult         *result,
                                             GError              **error);

/* One round trip over a PING stream to @peer, in microseconds. */
void          pu_node_ping_async            (PuNode               *self,
                                             const PuPeerId       *peer,
                                             GCancellable         *cancellable,
                                             GAsyncReadyCallback   callback,
                                             gpointer              user_data);
gint64        pu_node_ping_finish           (PuNode               *self,
                                             GAsyncResult         *result,
                                             GError              **error);

/* Fills @state; FALSE (n_connections 0) when no connection with @peer is
 * open. */
gboolean      pu_node_get_peer_state        (PuNode               *self,
                                             const PuPeerId       *peer,
                                             PuNodePeerState      *state);
/* (element-type PuNodePeerState) (transfer full): every peer with an open
 * connection. */
GArray       *pu_node_list_peers            (PuNode               *self);

/* Direct paths are on by default; off, every connection stays on the relay
 * (peers learn none of this device's addresses). */
void          pu_node_set_direct_paths      (PuNode               *self,
                                             gboolean              enabled);
void          pu_node_get_ice_metrics       (PuNode               *self,
                                             PuNodeIceMetrics     *metrics);

/* The peer's display name: its name from config.ini or its short ID. */
char         *pu_node_dup_peer_label        (PuNode               *self,
                                             const PuPeerId       *peer);

G_END_DECLS
