/* pu-pair-message.h — the messages of pairing, carried in relay SIGNAL frames
 *
 * The joiner of a full invite code sends to the inviter's peer ID and relay
 * instance (both in the code); the inviter answers the instance the relay
 * says the message came from. One message per frame, integers big-endian:
 *
 *   magic (1, 'P') | version (1, = 1) | type (1) | attempt (8) | body
 *
 *   HELLO    joiner → inviter   PAKE message 1
 *   REPLY    inviter → joiner   PAKE message 2
 *   CONFIRM  joiner → inviter   PAKE message 3, then the joiner's sealed
 *                               payload (absent when its own check failed)
 *   WELCOME  inviter → joiner   the inviter's sealed payload
 *   DONE     joiner → inviter   (empty) the joiner has stored the pairing
 *   FAIL     either way         reason (1)
 *
 * The magic byte keeps these apart from ICE signaling (pu-signal.h, whose
 * first byte is its version, 1) on the same frames. @attempt is drawn by
 * the joiner for each try and names the exchange. A payload is JSON,
 * {"peer_id": "12D3KooW…", "name": "laptop", "relays": ["/ip4/…/p2p/…"]},
 * sealed with pu_pake_seal(); "relays" (the sender's relays with their peer
 * IDs, at most PU_PAIR_RELAYS_MAX) may be absent.
 *
 * Bounded and total: every body length is checked against its type, a
 * message is at most PU_PAIR_MESSAGE_MAX bytes, another version is refused
 * with PU_ERROR_VERSION.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "pu-peer-id.h"
#include "pu-relay-addr.h"

G_BEGIN_DECLS

#define PU_PAIR_MESSAGE_MAGIC 'P'
#define PU_PAIR_MESSAGE_VERSION 1
#define PU_PAIR_MESSAGE_HEADER_LEN (3 + 8)
/* A payload as JSON, before sealing. */
#define PU_PAIR_PAYLOAD_MAX 4096
#define PU_PAIR_RELAYS_MAX 4
#define PU_PAIR_MESSAGE_MAX (PU_PAIR_MESSAGE_HEADER_LEN + 32 + PU_PAIR_PAYLOAD_MAX + 16)

typedef enum {
  PU_PAIR_HELLO = 1,
  PU_PAIR_REPLY,
  PU_PAIR_CONFIRM,
  PU_PAIR_WELCOME,
  PU_PAIR_DONE,
  PU_PAIR_FAIL,
} PuPairMessageType;

typedef enum {
  PU_PAIR_FAIL_BUSY = 1,   /* the inviter is pairing with another device */
  PU_PAIR_FAIL_CLOSED,     /* the code expired, was used or was burned */
} PuPairFailure;

typedef struct {
  PuPairMessageType  type;
  guint64            attempt;
  const guint8      *body;     /* into the decoded data */
  gsize              body_len;
  PuPairFailure      reason;   /* FAIL only */
} PuPairMessage;

/* Whether a SIGNAL payload is a pairing message (by its first byte). */
gboolean  pu_pair_message_is_pairing (const guint8      *data,
                                      gsize              len);
GBytes   *pu_pair_message_encode     (PuPairMessageType  type,
                                      guint64            attempt,
                                      const guint8      *body,
                                      gsize              body_len);
gboolean  pu_pair_message_decode     (const guint8      *data,
                                      gsize              len,
                                      PuPairMessage     *msg,
                                      GError           **error);

/* The payload: who the sender is, the name it goes by (a label) and its
 * relays (PuRelayAddr with peer IDs; nullable, only the first
 * PU_PAIR_RELAYS_MAX pinned ones are sent). @relays receives a new array. */
GBytes   *pu_pair_payload_encode     (const PuPeerId    *peer,
                                      const char        *name,
                                      GPtrArray         *relays);
gboolean  pu_pair_payload_decode     (GBytes            *payload,
                                      PuPeerId          *peer,
                                      char             **name,
                                      GPtrArray        **relays,
                                      GError           **error);

G_END_DECLS
