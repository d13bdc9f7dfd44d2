/* pu-peer-id.h — libp2p-compatible peer IDs (Ed25519 only)
 *
 * A peer ID is the base58btc encoding of the identity multihash (0x00 0x24)
 * of the protobuf-encoded Ed25519 public key (08 01 12 20 + 32 bytes), the
 * familiar "12D3KooW…". The CIDv1 form (multibase 'b', codec libp2p-key) is
 * accepted when parsing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PU_PUBKEY_LEN 32
/* Longest text accepted by pu_peer_id_parse(); anything longer is refused before decoding. */
#define PU_PEER_ID_MAX_TEXT 128

typedef struct {
  guint8 pubkey[PU_PUBKEY_LEN];
} PuPeerId;

void      pu_peer_id_from_pubkey (const guint8  pubkey[PU_PUBKEY_LEN],
                                  PuPeerId     *out);
/* Total: every failure is PU_ERROR_INVALID_ARGUMENT with a one-line reason. */
gboolean  pu_peer_id_parse       (const char    *text,
                                  PuPeerId      *out,
                                  GError       **error);
char     *pu_peer_id_to_string   (const PuPeerId *id);
/* "12D3KooW…XyZ9" style abbreviation for narrow displays. */
char     *pu_peer_id_to_short    (const PuPeerId *id);
gboolean  pu_peer_id_equal       (const PuPeerId *a,
                                  const PuPeerId *b);
guint     pu_peer_id_hash        (const PuPeerId *id);

G_END_DECLS
