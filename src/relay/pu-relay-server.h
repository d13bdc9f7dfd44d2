/* pu-relay-server.h — the self-hosted relay
 *
 * HTTPS on one TCP port with the relay identity's certificate: WebSocket
 * endpoint PU_RELAY_WEBSOCKET_PATH for nodes, /healthz for monitoring, and a
 * STUN Binding responder on the same UDP port. A node proves its peer ID by
 * signing the relay's challenge; only peers in the relay's authorized_keys
 * stay. The relay forwards PACKET and SIGNAL frames by destination peer and
 * instance and never looks inside them.
 *
 * A device that is not authorized but asks for it (AUTH flag "pairing") gets
 * a pairing-only session: its first SIGNAL must be a pairing message
 * (pu-pair-message.h) to a connected authorized peer, and from then on it
 * may send pairing messages to that peer and instance only, and hear only
 * from it; anything else ends the session. An authorized peer that paired
 * with it sends SPONSOR; when the relay's policy lets that peer invite, the
 * device is added to authorized_keys ("sponsored by NAME/ID") and its
 * sessions become ordinary ones at once.
 *
 * Short invite codes start with a nameplate: an authorized peer CLAIMs a
 * free number, which lasts as long as it asked (and its connection) and
 * leads at most PU_RELAY_NAMEPLATE_ATTEMPTS OPENs (one per pairing-only
 * session) to it.
 *
 * Relay pairing groups (pu-relay-groups.h): a device that presents a
 * group's token in GROUP_JOIN is authorized and introduced to the group's
 * other members, and they to it, now and whenever each connects.
 *
 * With a TURN server in its limits, the relay sends every authorized
 * session that asks for it credentials for that server (TURN frame), valid
 * PU_RELAY_TURN_LIFETIME_SECONDS and sent again halfway through.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pu-config.h"
#include "pu-identity.h"
#include "pu-relay-frame.h"
#include "pu-trust-store.h"

G_BEGIN_DECLS

typedef struct {
  /* Connections at once, authenticated or not; more are refused ("full"). */
  guint    max_peers;
  /* Per-peer outgoing queue: the socket send buffer. Frames for a peer whose
   * queue is full are dropped, so a slow reader costs only its own traffic. */
  guint    peer_queue_bytes;
  /* Bytes a connection may send through the relay, and how long it may stay;
   * then it is closed and the node reconnects. 0 = no limit. */
  guint64  session_bytes;
  guint    session_seconds;
  /* A connection that has not authenticated by then is closed. */
  guint    auth_timeout_seconds;
  /* /healthz answers only loopback clients unless this is set. */
  gboolean health_public;
  /* Pairing-only sessions of devices not (yet) authorized: at most this many
   * at once (0 = none), each for at most pairing_seconds, and at most
   * pairing_per_ip started per source IP per minute. */
  guint    pairing_max;
  guint    pairing_seconds;
  guint    pairing_per_ip;
  /* [policy] invite=admin: only peers marked admin=true in authorized_keys
   * may sponsor new devices; by default every authorized peer may. */
  gboolean invite_admin_only;
  /* [turn] url=turn:IP[:PORT] and secret: a TURN server (coturn with
   * use-auth-secret and that static-auth-secret) the relay hands its
   * authorized peers credentials for; turn_host empty: none. */
  char     turn_host[PU_RELAY_TURN_TEXT_MAX + 1];
  guint16  turn_port;
  char     turn_secret[PU_TURN_SECRET_MAX + 1];
} PuRelayLimits;

#define PU_RELAY_TURN_LIFETIME_SECONDS (24 * 3600)
#define PU_RELAY_DEFAULT_MAX_PEERS 1024
#define PU_RELAY_DEFAULT_PEER_QUEUE_BYTES (1024 * 1024)
#define PU_RELAY_DEFAULT_SESSION_BYTES (G_GUINT64_CONSTANT (64) * 1024 * 1024 * 1024)
#define PU_RELAY_DEFAULT_SESSION_SECONDS (24 * 3600)
#define PU_RELAY_DEFAULT_AUTH_TIMEOUT_SECONDS 10
#define PU_RELAY_DEFAULT_PAIRING_MAX 32
#define PU_RELAY_DEFAULT_PAIRING_SECONDS 120
#define PU_RELAY_DEFAULT_PAIRING_PER_IP 10
/* Source IPs whose pairing sessions the relay counts at once. */
#define PU_RELAY_PAIRING_IPS_MAX 4096
/* Nameplates of short invite codes: numbers 1..MAX, at most TTL_MAX seconds
 * each, a few per connection; each opens ATTEMPTS times, then is burned. */
#define PU_RELAY_NAMEPLATE_MAX 999
#define PU_RELAY_NAMEPLATE_TTL_MAX (24 * 3600)
#define PU_RELAY_NAMEPLATES_PER_SESSION 4
#define PU_RELAY_NAMEPLATE_ATTEMPTS 3

#define PU_TYPE_RELAY_SERVER (pu_relay_server_get_type ())
G_DECLARE_FINAL_TYPE (PuRelayServer, pu_relay_server, PU, RELAY_SERVER, GObject)

void           pu_relay_limits_init_default   (PuRelayLimits       *limits);

/* @trust is the relay's own authorized_keys; it is consulted at every
 * authentication, and peers it stops authorizing are disconnected. */
PuRelayServer *pu_relay_server_new             (PuIdentity          *identity,
                                                PuTrustStore        *trust,
                                                GError             **error);
/* Call before listening. */
void           pu_relay_server_set_limits      (PuRelayServer       *self,
                                                const PuRelayLimits *limits);
/* The pairing groups file (pu-relay-groups.h), read at each use; NULL: none. */
void           pu_relay_server_set_groups_path (PuRelayServer       *self,
                                                const char          *path);
/* TLS on TCP and STUN on UDP, both on @address; port 0 picks a free port. */
gboolean       pu_relay_server_listen          (PuRelayServer       *self,
                                                GInetSocketAddress  *address,
                                                GError             **error);
guint16        pu_relay_server_get_port        (PuRelayServer       *self);
const PuPeerId *pu_relay_server_get_peer_id    (PuRelayServer       *self);
/* Authenticated connections. */
guint          pu_relay_server_get_n_peers     (PuRelayServer       *self);
/* Of those, pairing-only sessions. */
guint          pu_relay_server_get_n_pairing   (PuRelayServer       *self);
/* Frames dropped because the destination's queue was full. */
guint64        pu_relay_server_get_n_dropped   (PuRelayServer       *self);
/* Closes every WebSocket with "going away" and stops listening. */
void           pu_relay_server_stop            (PuRelayServer       *self);

G_END_DECLS
