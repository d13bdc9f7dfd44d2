/* pu-ice-path.h — a direct packet path to one peer, found with ICE
 *
 * One libnice agent (non-reliable, RFC 5245, one stream of one UDP
 * component, trickle ICE, consent freshness) on the thread-default main
 * context of its creator. The dialer's side controls. Server-reflexive
 * candidates come from the relay's STUN responder (UDP, the relay's port);
 * a TURN server adds a relay candidate.
 *
 * What ICE needs from the peer travels as PuSignal messages: the path emits
 * ::send-signal with each encoded message and takes the peer's with
 * pu_ice_path_handle_signal().
 *
 * Both ends send a tiny heartbeat every PU_ICE_PATH_HEARTBEAT_MS over the
 * selected pair (4 bytes, shorter than any QUIC packet), telling the
 * other whether they hear it. The path is CONNECTED while the peer's packets
 * arrive and the peer hears ours, LOST after PU_ICE_PATH_DEAD_MS without
 * either, and CONNECTED again when both come back. Heartbeats also keep NAT
 * mappings open.
 *
 * Signals:
 *   ::send-signal   (GBytes *message)  deliver to the peer through the relay
 *   ::state-changed ()
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pu-connection.h"
#include "pu-path.h"
#include "pu-signal.h"

G_BEGIN_DECLS

#define PU_ICE_PATH_HEARTBEAT_MS 250
#define PU_ICE_PATH_DEAD_MS 2000
/* Remote candidates taken per generation; more are ignored. */
#define PU_ICE_PATH_MAX_REMOTE_CANDIDATES 32

typedef enum {
  PU_ICE_PATH_CONNECTING, /* gathering candidates and checking pairs */
  PU_ICE_PATH_CONNECTED,  /* a pair is selected and packets flow both ways */
  PU_ICE_PATH_LOST,       /* was connected; nothing flows for now */
  PU_ICE_PATH_FAILED,     /* no pair works, or consent was lost: start anew */
} PuIcePathState;

#define PU_TYPE_ICE_PATH (pu_ice_path_get_type ())
G_DECLARE_FINAL_TYPE (PuIcePath, pu_ice_path, PU, ICE_PATH, GObject)

PuIcePath      *pu_ice_path_new                (gboolean         controlling,
                                                guint64          session,
                                                guint32          generation);
/* Before pu_ice_path_start(): a TURN server (an IP literal) for a relay
 * candidate. */
void            pu_ice_path_set_turn           (PuIcePath       *self,
                                                const char      *host,
                                                guint16          port,
                                                const char      *username,
                                                const char      *password);
/* Sends our credentials and starts gathering (trickled as they come).
 * @stun_host (an IP literal or a name, resolved here) is the relay's; with
 * @include_loopback loopback addresses are candidates too (when the relay
 * runs on this machine, so may the peer). */
void            pu_ice_path_start              (PuIcePath       *self,
                                                const char      *stun_host,
                                                guint16          stun_port,
                                                gboolean         include_loopback);
/* A message of this path's session and generation from the peer. */
void            pu_ice_path_handle_signal      (PuIcePath       *self,
                                                const PuSignal  *msg);
/* What arrives goes to @connection (not owned; NULL to stop). */
void            pu_ice_path_set_receiver       (PuIcePath       *self,
                                                PuConnection    *connection);
/* Stops the agent (asynchronously releasing what it holds on a TURN
 * server); the path drops what it is given from then on. */
void            pu_ice_path_close              (PuIcePath       *self);

PuIcePathState  pu_ice_path_get_state          (PuIcePath       *self);
gboolean        pu_ice_path_is_controlling     (PuIcePath       *self);
guint64         pu_ice_path_get_session        (PuIcePath       *self);
guint32         pu_ice_path_get_generation     (PuIcePath       *self);
/* Microseconds from pu_ice_path_start() to the first CONNECTED; 0 before. */
gint64          pu_ice_path_get_connect_time   (PuIcePath       *self);
/* Datagrams read in batches from our own socket (not one by one through
 * libnice): where the fast way in works, nearly all after the first few. */
guint64         pu_ice_path_get_batched_datagrams (PuIcePath    *self);
/* Of the selected pair: "host", "srflx", "prflx", "relay"; NULL before. */
const char     *pu_ice_path_get_local_type     (PuIcePath       *self);
const char     *pu_ice_path_get_remote_type    (PuIcePath       *self);
/* 4 or 6; 0 before a pair is selected. */
guint           pu_ice_path_get_ip_version     (PuIcePath       *self);

/* coturn's shared-secret scheme (use-auth-secret): @username is
 * "EXPIRY:PEER" (EXPIRY in seconds since the epoch), @password
 * base64 (HMAC-SHA1 (@secret, @username)). */
void            pu_ice_path_turn_credentials   (const char      *secret,
                                                const char      *peer,
                                                gint64           expiry,
                                                char           **username,
                                                char           **password);

/* For tests: drop every datagram in both directions, as a cut network
 * would (ICE's own checks still pass), until unblocked. */
void            pu_ice_path_set_blocked        (PuIcePath       *self,
                                                gboolean         blocked);

const char     *pu_ice_path_state_to_string    (PuIcePathState   state);

G_END_DECLS
