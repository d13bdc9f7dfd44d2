/* pu-pake.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-pake.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "pu-error.h"

#define CONTEXT_GENERATOR "peerup-cpace-v1"
#define CONTEXT_ISK "peerup-cpace-isk"
#define KEY_LEN 32
#define SEAL_OVERHEAD crypto_aead_xchacha20poly1305_ietf_ABYTES

typedef enum {
  STATE_NEW,
  STATE_STARTED,   /* joiner sent message 1 */
  STATE_RESPONDED, /* inviter sent message 2 */
  STATE_CONFIRMED,
  STATE_FAILED,
} State;

struct _PuPake
{
  GObject     parent_instance;

  PuPakeRole  role;
  State       state;
  guint8      secret[PU_PAKE_SECRET_MAX];
  gsize       secret_len;
  PuPeerId    inviter;
  PuPeerId    joiner;
  guint8      sid[PU_PAKE_SID_LEN];
  guint8      scalar[crypto_core_ristretto255_SCALARBYTES];
  guint8      joiner_element[PU_PAKE_ELEMENT_LEN];
  guint8      inviter_element[PU_PAKE_ELEMENT_LEN];
  guint8      joiner_tag[PU_PAKE_TAG_LEN];
  guint8      inviter_tag[PU_PAKE_TAG_LEN];
  guint8      send_key[KEY_LEN];
  guint8      receive_key[KEY_LEN];
  guint64     send_counter;
  guint64     receive_counter;
};

G_DEFINE_FINAL_TYPE (PuPake, pu_pake, G_TYPE_OBJECT)

static void
pu_pake_finalize (GObject *object)
{
  PuPake *self = PU_PAKE (object);
  gsize offset = G_STRUCT_OFFSET (PuPake, role);

  /* Everything but the GObject header may be a secret. */
  sodium_memzero ((guint8 *) self + offset, sizeof *self - offset);
  G_OBJECT_CLASS (pu_pake_parent_class)->finalize (object);
}

static void
pu_pake_class_init (PuPakeClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pu_pake_finalize;
}

static void
pu_pake_init (PuPake *self)
{
}

PuPake *
pu_pake_new (PuPakeRole      role,
             const guint8   *secret,
             gsize           secret_len,
             const PuPeerId *inviter,
             const PuPeerId *joiner)
{
  PuPake *self;

  g_return_val_if_fail (secret != NULL, NULL);
  g_return_val_if_fail (secret_len > 0 && secret_len <= PU_PAKE_SECRET_MAX, NULL);
  g_return_val_if_fail (inviter != NULL && joiner != NULL, NULL);

  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised; Peer Up cannot pair");

  self = g_object_new (PU_TYPE_PAKE, NULL);
  self->role = role;
  memcpy (self->secret, secret, secret_len);
  self->secret_len = secret_len;
  self->inviter = *inviter;
  self->joiner = *joiner;
  return self;
}

static void
hash_lv (crypto_hash_sha512_state *state,
         const guint8             *data,
         gsize                     len)
{
  guint8 byte = (guint8) len;

  g_assert (len <= G_MAXUINT8);
  crypto_hash_sha512_update (state, &byte, 1);
  crypto_hash_sha512_update (state, data, len);
}

/* G from the secret, both peers and the session ID; then our element. */
static void
make_element (PuPake *self,
              guint8  element[PU_PAKE_ELEMENT_LEN])
{
  crypto_hash_sha512_state state;
  guint8 hash[crypto_core_ristretto255_HASHBYTES];
  guint8 generator[crypto_core_ristretto255_BYTES];

  crypto_hash_sha512_init (&state);
  crypto_hash_sha512_update (&state, (const guint8 *) CONTEXT_GENERATOR,
                             strlen (CONTEXT_GENERATOR));
  hash_lv (&state, self->secret, self->secret_len);
  hash_lv (&state, self->inviter.pubkey, PU_PUBKEY_LEN);
  hash_lv (&state, self->joiner.pubkey, PU_PUBKEY_LEN);
  hash_lv (&state, self->sid, PU_PAKE_SID_LEN);
  crypto_hash_sha512_final (&state, hash);
  crypto_core_ristretto255_from_hash (generator, hash);

  /* A zero scalar (the only way to get the identity) is drawn again. */
  do
    crypto_core_ristretto255_scalar_random (self->scalar);
  while (crypto_scalarmult_ristretto255 (element, self->scalar, generator) != 0);

  sodium_memzero (hash, sizeof hash);
  sodium_memzero (generator, sizeof generator);
  sodium_memzero (&state, sizeof state);
}

static void
derive_key (const guint8  isk[crypto_hash_sha512_BYTES],
            const char   *label,
            guint8        key[KEY_LEN])
{
  crypto_generichash (key, KEY_LEN, (const guint8 *) label, strlen (label), isk,
                      crypto_hash_sha512_BYTES);
}

static void
make_tag (const guint8  key[KEY_LEN],
          PuPake       *self,
          guint8        tag[PU_PAKE_TAG_LEN])
{
  crypto_generichash_state state;

  crypto_generichash_init (&state, key, KEY_LEN, PU_PAKE_TAG_LEN);
  crypto_generichash_update (&state, self->sid, PU_PAKE_SID_LEN);
  crypto_generichash_update (&state, self->joiner_element, PU_PAKE_ELEMENT_LEN);
  crypto_generichash_update (&state, self->inviter_element, PU_PAKE_ELEMENT_LEN);
  crypto_generichash_final (&state, tag, PU_PAKE_TAG_LEN);
}

/* K from our scalar and the other element, then the session keys and both
 * tags. FALSE when the element is not a valid point other than identity. */
static gboolean
derive (PuPake       *self,
        const guint8  peer_element[PU_PAKE_ELEMENT_LEN])
{
  crypto_hash_sha512_state state;
  guint8 shared[crypto_scalarmult_ristretto255_BYTES];
  guint8 isk[crypto_hash_sha512_BYTES];
  guint8 joiner_confirm[KEY_LEN];
  guint8 inviter_confirm[KEY_LEN];
  gboolean joiner = self->role == PU_PAKE_ROLE_JOINER;

  if (!crypto_core_ristretto255_is_valid_point (peer_element) ||
      crypto_scalarmult_ristretto255 (shared, self->scalar, peer_element) != 0)
    return FALSE;

  crypto_hash_sha512_init (&state);
  crypto_hash_sha512_update (&state, (const guint8 *) CONTEXT_ISK, strlen (CONTEXT_ISK));
  crypto_hash_sha512_update (&state, self->sid, PU_PAKE_SID_LEN);
  crypto_hash_sha512_update (&state, self->joiner_element, PU_PAKE_ELEMENT_LEN);
  crypto_hash_sha512_update (&state, self->inviter_element, PU_PAKE_ELEMENT_LEN);
  crypto_hash_sha512_update (&state, shared, sizeof shared);
  crypto_hash_sha512_final (&state, isk);

  derive_key (isk, "confirm joiner", joiner_confirm);
  derive_key (isk, "confirm inviter", inviter_confirm);
  derive_key (isk, joiner ? "seal joiner" : "seal inviter", self->send_key);
  derive_key (isk, joiner ? "seal inviter" : "seal joiner", self->receive_key);
  make_tag (joiner_confirm, self, self->joiner_tag);
  make_tag (inviter_confirm, self, self->inviter_tag);

  sodium_memzero (shared, sizeof shared);
  sodium_memzero (isk, sizeof isk);
  sodium_memzero (joiner_confirm, sizeof joiner_confirm);
  sodium_memzero (inviter_confirm, sizeof inviter_confirm);
  sodium_memzero (self->scalar, sizeof self->scalar);
  sodium_memzero (&state, sizeof state);
  return TRUE;
}

static gboolean
malformed (PuPake  *self,
           GError **error)
{
  self->state = STATE_FAILED;
  g_set_error_literal (error, PU_ERROR, PU_ERROR_PARSE,
                       _("The other device sent a malformed pairing message; make sure both "
                         "run the same Peer Up version and pair again"));
  return FALSE;
}

static gboolean
mismatch (PuPake  *self,
          GError **error)
{
  self->state = STATE_FAILED;
  g_set_error_literal (error, PU_ERROR, PU_ERROR_PAIRING,
                       _("The code did not match; check it with the other device and try "
                         "again"));
  return FALSE;
}

GBytes *
pu_pake_joiner_start (PuPake *self)
{
  guint8 msg[PU_PAKE_MSG1_LEN];

  g_return_val_if_fail (PU_IS_PAKE (self), NULL);
  g_return_val_if_fail (self->role == PU_PAKE_ROLE_JOINER, NULL);
  g_return_val_if_fail (self->state == STATE_NEW, NULL);

  randombytes_buf (self->sid, PU_PAKE_SID_LEN);
  make_element (self, self->joiner_element);
  memcpy (msg, self->sid, PU_PAKE_SID_LEN);
  memcpy (msg + PU_PAKE_SID_LEN, self->joiner_element, PU_PAKE_ELEMENT_LEN);
  self->state = STATE_STARTED;
  return g_bytes_new (msg, sizeof msg);
}

GBytes *
pu_pake_inviter_respond (PuPake  *self,
                         GBytes  *msg1,
                         GError **error)
{
  guint8 msg[PU_PAKE_MSG2_LEN];
  const guint8 *data;
  gsize len;

  g_return_val_if_fail (PU_IS_PAKE (self), NULL);
  g_return_val_if_fail (self->role == PU_PAKE_ROLE_INVITER, NULL);
  g_return_val_if_fail (self->state == STATE_NEW, NULL);
  g_return_val_if_fail (msg1 != NULL, NULL);

  data = g_bytes_get_data (msg1, &len);
  if (len != PU_PAKE_MSG1_LEN)
    return malformed (self, error), NULL;
  memcpy (self->sid, data, PU_PAKE_SID_LEN);
  memcpy (self->joiner_element, data + PU_PAKE_SID_LEN, PU_PAKE_ELEMENT_LEN);
  make_element (self, self->inviter_element);
  if (!derive (self, self->joiner_element))
    return malformed (self, error), NULL;

  memcpy (msg, self->inviter_element, PU_PAKE_ELEMENT_LEN);
  memcpy (msg + PU_PAKE_ELEMENT_LEN, self->inviter_tag, PU_PAKE_TAG_LEN);
  self->state = STATE_RESPONDED;
  return g_bytes_new (msg, sizeof msg);
}

GBytes *
pu_pake_joiner_finish (PuPake    *self,
                       GBytes    *msg2,
                       gboolean  *confirmed,
                       GError   **error)
{
  const guint8 *data;
  gsize len;

  g_return_val_if_fail (PU_IS_PAKE (self), NULL);
  g_return_val_if_fail (self->role == PU_PAKE_ROLE_JOINER, NULL);
  g_return_val_if_fail (self->state == STATE_STARTED, NULL);
  g_return_val_if_fail (msg2 != NULL && confirmed != NULL, NULL);

  *confirmed = FALSE;
  data = g_bytes_get_data (msg2, &len);
  if (len != PU_PAKE_MSG2_LEN)
    return malformed (self, error), NULL;
  memcpy (self->inviter_element, data, PU_PAKE_ELEMENT_LEN);
  if (!derive (self, self->inviter_element))
    return malformed (self, error), NULL;

  if (crypto_verify_32 (self->inviter_tag, data + PU_PAKE_ELEMENT_LEN) == 0)
    {
      self->state = STATE_CONFIRMED;
      *confirmed = TRUE;
    }
  else
    {
      mismatch (self, error);
    }
  return g_bytes_new (self->joiner_tag, PU_PAKE_TAG_LEN);
}

gboolean
pu_pake_inviter_finish (PuPake  *self,
                        GBytes  *msg3,
                        GError **error)
{
  const guint8 *data;
  gsize len;

  g_return_val_if_fail (PU_IS_PAKE (self), FALSE);
  g_return_val_if_fail (self->role == PU_PAKE_ROLE_INVITER, FALSE);
  g_return_val_if_fail (self->state == STATE_RESPONDED, FALSE);
  g_return_val_if_fail (msg3 != NULL, FALSE);

  data = g_bytes_get_data (msg3, &len);
  if (len != PU_PAKE_MSG3_LEN)
    return malformed (self, error);
  if (crypto_verify_32 (self->joiner_tag, data) != 0)
    return mismatch (self, error);
  self->state = STATE_CONFIRMED;
  return TRUE;
}

gboolean
pu_pake_is_confirmed (PuPake *self)
{
  g_return_val_if_fail (PU_IS_PAKE (self), FALSE);

  return self->state == STATE_CONFIRMED;
}

static void
make_nonce (guint64 counter,
            guint8  nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES])
{
  memset (nonce, 0, crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
  for (guint i = 0; i < 8; i++)
    nonce[i] = (guint8) (counter >> (8 * i));
}

GBytes *
pu_pake_seal (PuPake *self,
              GBytes *plaintext)
{
  guint8 nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
  const guint8 *data;
  gsize len;
  guint8 *out;
  unsigned long long out_len = 0;

  g_return_val_if_fail (PU_IS_PAKE (self), NULL);
  g_return_val_if_fail (self->state == STATE_CONFIRMED, NULL);
  g_return_val_if_fail (plaintext != NULL, NULL);

  data = g_bytes_get_data (plaintext, &len);
  g_return_val_if_fail (len <= PU_PAKE_PLAINTEXT_MAX, NULL);

  make_nonce (self->send_counter++, nonce);
  out = g_malloc (len + SEAL_OVERHEAD);
  crypto_aead_xchacha20poly1305_ietf_encrypt (out, &out_len, data, len, NULL, 0, NULL, nonce,
                                              self->send_key);
  return g_bytes_new_take (out, (gsize) out_len);
}

GBytes *
pu_pake_open (PuPake  *self,
              GBytes  *sealed,
              GError **error)
{
  guint8 nonce[crypto_aead_xchacha20poly1305_ietf_NPUBBYTES];
  const guint8 *data;
  gsize len;
  g_autofree guint8 *out = NULL;
  unsigned long long out_len = 0;

  g_return_val_if_fail (PU_IS_PAKE (self), NULL);
  g_return_val_if_fail (self->state == STATE_CONFIRMED, NULL);
  g_return_val_if_fail (sealed != NULL, NULL);

  data = g_bytes_get_data (sealed, &len);
  if (len < SEAL_OVERHEAD || len > PU_PAKE_PLAINTEXT_MAX + SEAL_OVERHEAD)
    {
      g_set_error_literal (error, PU_ERROR, PU_ERROR_PARSE,
                           _("The other device sent a malformed pairing message; pair again"));
      return NULL;
    }

  make_nonce (self->receive_counter, nonce);
  out = g_malloc (len - SEAL_OVERHEAD + 1);
  if (crypto_aead_xchacha20poly1305_ietf_decrypt (out, &out_len, NULL, data, len, NULL, 0,
                                                  nonce, self->receive_key) != 0)
    {
      g_set_error_literal (error, PU_ERROR, PU_ERROR_PAIRING,
                           _("A sealed pairing message was changed on the way; pair again"));
      return NULL;
    }
  self->receive_counter++;
  return g_bytes_new_take (g_steal_pointer (&out), (gsize) out_len);
}
