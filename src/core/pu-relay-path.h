/* pu-relay-path.h — a packet path to one remote peer process through a relay
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "pu-path.h"
#include "pu-relay-client.h"
#include "pu-relay-frame.h"

G_BEGIN_DECLS

/* The datagrams a relay path carries: as large as one TLS record allows
 * (16 KiB of plaintext) after the relay's header and the WebSocket header
 * (8 bytes at this size, with the client's mask), so each packet costs one
 * record, one write and one message at every hop. */
#define PU_RELAY_PATH_DATAGRAM_MAX (16384 - 8 - PU_RELAY_FRAME_ADDR_LEN)

#define PU_TYPE_RELAY_PATH (pu_relay_path_get_type ())
G_DECLARE_FINAL_TYPE (PuRelayPath, pu_relay_path, PU, RELAY_PATH, GObject)

/* @instance 0 reaches whichever process of @peer the relay picks (the one
 * serving, else the newest); replies name the instance to use from then on. */
PuRelayPath    *pu_relay_path_new          (PuRelayClient  *client,
                                            const PuPeerId *peer,
                                            guint64         instance);
const PuPeerId *pu_relay_path_get_peer     (PuRelayPath    *self);
/* The relay the packets go through. */
PuRelayClient  *pu_relay_path_get_client   (PuRelayPath    *self);
guint64         pu_relay_path_get_instance (PuRelayPath    *self);
void            pu_relay_path_set_instance (PuRelayPath    *self,
                                            guint64         instance);

G_END_DECLS
