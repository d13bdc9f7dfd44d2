/* pu-relay-host.h — a relay hosted by the app, for the devices of one
 * household or team
 *
 * Its files live beside the device's, in relay/ of the config directory:
 * identity.key (its own key, made on first use), authorized_keys (the
 * devices it serves: this one from the start, then the ones this device
 * pairs with, which it sponsors) and relay.ini (limits). It listens on
 * every IPv4 address at PU_RELAY_DEFAULT_PORT (TLS on TCP, STUN on UDP);
 * other networks reach it once that port is forwarded to this computer.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "pu-profile.h"

G_BEGIN_DECLS

#define PU_TYPE_RELAY_HOST (pu_relay_host_get_type ())
G_DECLARE_FINAL_TYPE (PuRelayHost, pu_relay_host, PU, RELAY_HOST, GObject)

/* Serves until dropped. Starts serving on @port (0: a free one, for tests) and adds the relay,
 * at this computer's first network address, to @profile's relays. */
PuRelayHost *pu_relay_host_start    (PuProfile    *profile,
                                     guint16       port,
                                     GError      **error);
/* "/ip4/192.168.1.5/tcp/7777/p2p/12D3KooW…" */
const char  *pu_relay_host_get_addr (PuRelayHost  *self);

G_END_DECLS
