/* pu-relay-addr.h — where a relay is, and which key it must present
 *
 * Accepted forms: "IP", "IP:PORT", "[IPv6]:PORT", "host:PORT" (only with a
 * pinned relay peer ID), "/ip4/A/tcp/P[/p2p/ID]", "/ip6/A/tcp/P[/p2p/ID]",
 * "/dns|dns4|dns6/H/tcp/P/p2p/ID". Default port 7777.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "pu-peer-id.h"

G_BEGIN_DECLS

#define PU_RELAY_DEFAULT_PORT 7777
#define PU_RELAY_ADDR_MAX_TEXT 512

#define PU_TYPE_RELAY_ADDR (pu_relay_addr_get_type ())

typedef struct {
  char     *host;        /* IP literal (no brackets) or DNS name */
  guint16   port;
  gboolean  has_peer_id;
  PuPeerId  peer_id;
} PuRelayAddr;

GType        pu_relay_addr_get_type     (void) G_GNUC_CONST;
/* @peer_id (nullable) is a separate --peer-id; it must agree with one in a multiaddr. */
PuRelayAddr *pu_relay_addr_parse        (const char        *text,
                                         const char        *peer_id,
                                         GError           **error);
PuRelayAddr *pu_relay_addr_copy         (const PuRelayAddr *addr);
void         pu_relay_addr_free         (PuRelayAddr       *addr);
/* "203.0.113.5:7777", "[2001:db8::1]:7777", "relay.example.org:7777" */
char        *pu_relay_addr_to_string    (const PuRelayAddr *addr);
/* "/ip4/203.0.113.5/tcp/7777/p2p/12D3KooW…" (without /p2p when unpinned) */
char        *pu_relay_addr_to_multiaddr (const PuRelayAddr *addr);
/* Same host and port. */
gboolean     pu_relay_addr_equal        (const PuRelayAddr *a,
                                         const PuRelayAddr *b);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PuRelayAddr, pu_relay_addr_free)

G_END_DECLS
