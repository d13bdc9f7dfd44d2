/* pu-peer-id.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-peer-id.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pu-base58.h"
#include "pu-error.h"

/* identity multihash (0x00, length 36) of protobuf PublicKey{Type=Ed25519, Data=<32>} */
static const guint8 ed25519_prefix[] = { 0x00, 0x24, 0x08, 0x01, 0x12, 0x20 };
#define MULTIHASH_LEN (sizeof ed25519_prefix + PU_PUBKEY_LEN)

/* CIDv1 (0x01) with multicodec libp2p-key (0x72) */
static const guint8 cid_prefix[] = { 0x01, 0x72 };
#define CID_MAX_LEN 64

static gboolean
invalid (GError     **error,
         const char  *reason)
{
  g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
               _("Invalid peer ID: %s (expected 12D3KooW… as printed by `peerup whoami`)"),
               reason);
  return FALSE;
}

void
pu_peer_id_from_pubkey (const guint8  pubkey[PU_PUBKEY_LEN],
                        PuPeerId     *out)
{
  g_return_if_fail (pubkey != NULL);
  g_return_if_fail (out != NULL);

  memcpy (out->pubkey, pubkey, PU_PUBKEY_LEN);
}

static gboolean
from_multihash (const guint8  *data,
                gsize          len,
                PuPeerId      *out,
                GError       **error)
{
  if (len >= 2 && data[0] == 0x12 && data[1] == 0x20)
    return invalid (error, "it names a hashed (RSA or ECDSA) key; Peer Up peers use Ed25519 keys");
  if (len != MULTIHASH_LEN || memcmp (data, ed25519_prefix, sizeof ed25519_prefix) != 0)
    return invalid (error, "it is not an Ed25519 identity multihash");

  memcpy (out->pubkey, data + sizeof ed25519_prefix, PU_PUBKEY_LEN);
  return TRUE;
}

/* RFC 4648 base32, lowercase, no padding: multibase 'b' */
static GByteArray *
base32_decode (const char *text,
               gsize       max_out)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  guint64 acc = 0;
  guint bits = 0;

  for (const char *p = text; *p != '\0'; p++)
    {
      guint v;

      if (*p >= 'a' && *p <= 'z')
        v = (guint) (*p - 'a');
      else if (*p >= '2' && *p <= '7')
        v = (guint) (*p - '2') + 26;
      else
        return NULL;

      acc = (acc << 5) | v;
      bits += 5;
      if (bits >= 8)
        {
          guint8 b = (acc >> (bits - 8)) & 0xff;

          bits -= 8;
          if (out->len >= max_out)
            return NULL;
          g_byte_array_append (out, &b, 1);
        }
    }

  /* Leftover bits must be zero padding of less than a byte. */
  if (bits >= 5 || (acc & ((1u << bits) - 1)) != 0)
    return NULL;

  return g_steal_pointer (&out);
}

gboolean
pu_peer_id_parse (const char  *text,
                  PuPeerId    *out,
                  GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  const guint8 *data;
  gsize len;

  g_return_val_if_fail (out != NULL, FALSE);

  if (text == NULL || *text == '\0')
    return invalid (error, "it is empty");
  if (strnlen (text, PU_PEER_ID_MAX_TEXT + 1) > PU_PEER_ID_MAX_TEXT)
    return invalid (error, "it is too long");

  if (text[0] == 'b')
    {
      g_autoptr(GByteArray) cid = base32_decode (text + 1, CID_MAX_LEN);

      if (cid == NULL)
        return invalid (error, "it is not valid base32");
      if (cid->len < sizeof cid_prefix || memcmp (cid->data, cid_prefix, sizeof cid_prefix) != 0)
        return invalid (error, "it is not a libp2p-key CID");
      return from_multihash (cid->data + sizeof cid_prefix, cid->len - sizeof cid_prefix,
                             out, error);
    }

  bytes = pu_base58_decode (text, CID_MAX_LEN, &local_error);
  if (bytes == NULL)
    return invalid (error, local_error->message);

  data = g_bytes_get_data (bytes, &len);
  return from_multihash (data, len, out, error);
}

char *
pu_peer_id_to_string (const PuPeerId *id)
{
  guint8 mh[MULTIHASH_LEN];

  g_return_val_if_fail (id != NULL, NULL);

  memcpy (mh, ed25519_prefix, sizeof ed25519_prefix);
  memcpy (mh + sizeof ed25519_prefix, id->pubkey, PU_PUBKEY_LEN);
  return pu_base58_encode (mh, sizeof mh);
}

char *
pu_peer_id_to_short (const PuPeerId *id)
{
  g_autofree char *full = pu_peer_id_to_string (id);
  gsize len = strlen (full);

  /* Every Ed25519 ID starts with "12D3KooW"; the tail is what tells them apart. */
  return g_strdup_printf ("%.8s…%s", full, full + len - 6);
}

gboolean
pu_peer_id_equal (const PuPeerId *a,
                  const PuPeerId *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return memcmp (a->pubkey, b->pubkey, PU_PUBKEY_LEN) == 0;
}

guint
pu_peer_id_hash (const PuPeerId *id)
{
  guint h;

  g_return_val_if_fail (id != NULL, 0);

  /* Public keys are uniformly distributed already. */
  memcpy (&h, id->pubkey, sizeof h);
  return h;
}
