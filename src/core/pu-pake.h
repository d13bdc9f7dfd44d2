/* pu-pake.h — the password-authenticated key exchange of pairing
 *
 * CPace over ristretto255 (libsodium). Both sides know the code's secret and
 * both peer IDs; the joiner picks a random session ID. With
 *
 *   G   = ristretto255_from_hash (SHA-512 ("peerup-cpace-v1" || lv(secret) ||
 *                                 lv(inviter key) || lv(joiner key) || lv(sid)))
 *   Ya  = a·G (joiner),  Yb = b·G (inviter),  K = a·Yb = b·Ya
 *   ISK = SHA-512 ("peerup-cpace-isk" || sid || Ya || Yb || K)
 *
 * (lv = one length byte, then the bytes) the messages are
 *
 *   1 joiner → inviter   sid (16) || Ya (32)
 *   2 inviter → joiner   Yb (32) || Tb (32)
 *   3 joiner → inviter   Ta (32)
 *
 * Ta and Tb are keyed BLAKE2b tags of the transcript, one key per direction,
 * checked in constant time: a side whose check fails knows by itself that
 * the code did not match. The joiner always sends Ta, also after its own
 * check failed, so that both sides fail. Once confirmed, pu_pake_seal() and
 * pu_pake_open() carry messages with XChaCha20-Poly1305, one key and one
 * counter nonce per direction; a message that was changed, replayed or
 * reordered is refused. An object runs one exchange: one guess per attempt.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "pu-peer-id.h"

G_BEGIN_DECLS

#define PU_PAKE_SID_LEN 16
#define PU_PAKE_ELEMENT_LEN 32
#define PU_PAKE_TAG_LEN 32
#define PU_PAKE_MSG1_LEN (PU_PAKE_SID_LEN + PU_PAKE_ELEMENT_LEN)
#define PU_PAKE_MSG2_LEN (PU_PAKE_ELEMENT_LEN + PU_PAKE_TAG_LEN)
#define PU_PAKE_MSG3_LEN PU_PAKE_TAG_LEN
#define PU_PAKE_SECRET_MAX 64
/* Largest plaintext pu_pake_seal() takes and pu_pake_open() returns. */
#define PU_PAKE_PLAINTEXT_MAX (64 * 1024)

typedef enum {
  PU_PAKE_ROLE_INVITER,
  PU_PAKE_ROLE_JOINER,
} PuPakeRole;

#define PU_TYPE_PAKE (pu_pake_get_type ())
G_DECLARE_FINAL_TYPE (PuPake, pu_pake, PU, PAKE, GObject)

/* @secret: the code's secret (1–PU_PAKE_SECRET_MAX bytes). */
PuPake   *pu_pake_new             (PuPakeRole      role,
                                   const guint8   *secret,
                                   gsize           secret_len,
                                   const PuPeerId *inviter,
                                   const PuPeerId *joiner);
/* Joiner: message 1. */
GBytes   *pu_pake_joiner_start    (PuPake         *self);
/* Inviter: message 1 in, message 2 out. */
GBytes   *pu_pake_inviter_respond (PuPake         *self,
                                   GBytes         *msg1,
                                   GError        **error);
/* Joiner: message 2 in. Returns message 3, to send whatever the outcome;
 * @confirmed tells whether the inviter's tag checked (when not, @error says
 * the code did not match). NULL only for a malformed message. */
GBytes   *pu_pake_joiner_finish   (PuPake         *self,
                                   GBytes         *msg2,
                                   gboolean       *confirmed,
                                   GError        **error);
/* Inviter: message 3 in; FALSE when the code did not match. */
gboolean  pu_pake_inviter_finish  (PuPake         *self,
                                   GBytes         *msg3,
                                   GError        **error);
gboolean  pu_pake_is_confirmed    (PuPake         *self);
/* After confirmation: seal to the other side, open what it sealed. */
GBytes   *pu_pake_seal            (PuPake         *self,
                                   GBytes         *plaintext);
GBytes   *pu_pake_open            (PuPake         *self,
                                   GBytes         *sealed,
                                   GError        **error);

G_END_DECLS
