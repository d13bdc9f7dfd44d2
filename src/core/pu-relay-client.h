/* pu-relay-client.h — a node's connection to one relay
 *
 * Keeps one TLS WebSocket to the relay, accepting only a certificate that
 * carries the pinned relay key, proves this device's peer ID by signing the
 * relay's challenge, and reconnects with capped, jittered exponential backoff
 * until stopped. Each client has its own random instance ID, so several
 * processes with one identity are told apart by the relay.
 *
 * Signals:
 *   ::connected    ()
 *   ::disconnected (const GError *error)  a connection ended or an attempt
 *                  failed, and why; NULL after pu_relay_client_stop()
 *   ::packets      (const PuPeerId *peer, guint64 instance, const PuDatagram *datagrams,
 *                  guint n_datagrams)  datagrams from one peer, valid during the emission
 *   ::signal       (const PuPeerId *peer, guint64 instance, GBytes *payload)
 *   ::sponsored    (const PuPeerId *joiner, guint status)  the relay's answer
 *                  to pu_relay_client_sponsor(), a PuRelaySponsorStatus
 *   ::members      (guint status, const PuRelayMember *members, guint n)
 *                  the answer to pu_relay_client_join_group() (status
 *                  JOINED or FAILED), or the other members of this
 *                  device's relay pairing groups (INTRODUCED)
 *   ::nameplate    (guint number, const PuPeerId *inviter, guint64 instance)
 *                  the answer to a claim (the number, 0 when none was free)
 *                  or an open (@inviter NULL when the number leads nowhere)
 *   ::absent       (const PuPeerId *peer, guint64 instance)  what this device
 *                  sent to @peer (@instance as it named it) has nobody to go
 *                  to: no such peer is on the relay now
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pu-identity.h"
#include "pu-path.h"
#include "pu-relay-addr.h"

G_BEGIN_DECLS

#define PU_RELAY_CONNECT_TIMEOUT_SECONDS 20
#define PU_RELAY_BACKOFF_MIN_MS 500
/* Low enough that every node is back within a few seconds of a relay
 * restart; a refused attempt costs the relay one TLS handshake. */
#define PU_RELAY_BACKOFF_MAX_MS 8000
/* Measured round trips waiting for their PONG at once. */
#define PU_RELAY_MAX_PENDING_PINGS 16

#define PU_TYPE_RELAY_CLIENT (pu_relay_client_get_type ())
G_DECLARE_FINAL_TYPE (PuRelayClient, pu_relay_client, PU, RELAY_CLIENT, GObject)

/* @address must pin the relay's peer ID. @serving tells the relay to send
 * new connections (instance 0) for this identity here. The client works in
 * the thread-default main context of the caller. */
PuRelayClient  *pu_relay_client_new          (PuIdentity         *identity,
                                              const PuRelayAddr  *address,
                                              gboolean            serving,
                                              GError            **error);
/* A client that asks for a pairing-only session when this device is not
 * authorized. @address may lack the relay's peer ID: then the first key
 * the relay presents is kept (pu_relay_client_get_peer_id()), for the
 * pairing to confirm. */
PuRelayClient  *pu_relay_client_new_for_pairing (PuIdentity      *identity,
                                                 const PuRelayAddr *address,
                                                 GError         **error);
/* Nameplates of short invite codes (see pu-relay-frame.h): a number for
 * @ttl seconds, or the inviter behind one; the answer comes as ::nameplate. */
gboolean        pu_relay_client_claim_nameplate (PuRelayClient  *self,
                                                 guint           ttl,
                                                 GError        **error);
gboolean        pu_relay_client_open_nameplate  (PuRelayClient  *self,
                                                 guint           nameplate,
                                                 GError        **error);
/* Presents a relay pairing group's token (PU_RELAY_GROUP_TOKEN_LEN bytes)
 * with the name this device goes by (a label); the answer comes as
 * ::members. */
gboolean        pu_relay_client_join_group   (PuRelayClient      *self,
                                              const guint8       *token,
                                              const char         *name,
                                              GError            **error);
/* Asks the relay to authorize @joiner, a device this one just paired with
 * (signed, timestamped); the answer comes as ::sponsored. */
gboolean        pu_relay_client_sponsor      (PuRelayClient      *self,
                                              const PuPeerId     *joiner,
                                              GError            **error);
void            pu_relay_client_start        (PuRelayClient      *self);
void            pu_relay_client_stop         (PuRelayClient      *self);
gboolean        pu_relay_client_is_running   (PuRelayClient      *self);
gboolean        pu_relay_client_is_connected (PuRelayClient      *self);
guint64         pu_relay_client_get_instance (PuRelayClient      *self);
/* The relay's pinned peer ID. */
const PuPeerId *pu_relay_client_get_peer_id  (PuRelayClient      *self);
/* The last PING/PONG round trip on this connection in microseconds (at
 * least 1): measured on connecting, then every keepalive; 0 before. */
gint64          pu_relay_client_get_rtt      (PuRelayClient      *self);
/* The TURN server (an IP literal) the relay offered with credentials for
 * this device, valid for a day from when they came; FALSE when it offered
 * none. The strings live until the next offer or connection. */
gboolean        pu_relay_client_get_turn     (PuRelayClient      *self,
                                              const char        **host,
                                              guint16            *port,
                                              const char        **username,
                                              const char        **password);
/* "203.0.113.5:7777", "[2001:db8::1]:7777" */
const char     *pu_relay_client_get_address  (PuRelayClient      *self);
/* Where the relay is; its STUN responder listens on the same port (UDP). */
const PuRelayAddr *pu_relay_client_get_relay_addr (PuRelayClient  *self);
/* Never block: FALSE (PU_ERROR_FAILED) when not connected or when the
 * connection is congested and the message was dropped; PU_ERROR_TOO_LARGE
 * over PU_RELAY_PAYLOAD_MAX. @instance 0 lets the relay choose. */
gboolean        pu_relay_client_send_packet  (PuRelayClient      *self,
                                              const PuPeerId     *peer,
                                              guint64             instance,
                                              const guint8       *data,
                                              gsize               len,
                                              GError            **error);
/* Sends datagrams for one peer, several to a frame when the relay takes
 * PACKETS frames; congested, too large or empty ones are dropped. */
void            pu_relay_client_send_packets (PuRelayClient      *self,
                                              const PuPeerId     *peer,
                                              guint64             instance,
                                              const PuDatagram   *datagrams,
                                              guint               n_datagrams);
gboolean        pu_relay_client_send_signal  (PuRelayClient      *self,
                                              const PuPeerId     *peer,
                                              guint64             instance,
                                              const guint8       *data,
                                              gsize               len,
                                              GError            **error);

/* One PING/PONG round trip to the relay itself, in microseconds: the first
 * hop of a relayed path. Fails at once when not connected or when
 * PU_RELAY_MAX_PENDING_PINGS are already waiting, and when the connection
 * ends before the answer. */
void            pu_relay_client_ping_async   (PuRelayClient      *self,
                                              GCancellable       *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer            user_data);
gint64          pu_relay_client_ping_finish  (PuRelayClient      *self,
                                              GAsyncResult       *result,
                                              GError            **error);

G_END_DECLS
