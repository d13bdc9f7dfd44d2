/* pu-identity.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-identity.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <sodium.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "pu-error.h"
#include "pu-file.h"

/* protobuf PrivateKey{Type=Ed25519 (field 1), Data=<64 bytes> (field 2)} */
static const guint8 key_prefix[] = { 0x08, 0x01, 0x12, 0x40 };

/* Old go-libp2p wrote Data as seed || public key || public key (96 bytes);
 * libp2p still loads such files, and so do we. */
static const guint8 legacy_prefix[] = { 0x08, 0x01, 0x12, 0x60 };
#define LEGACY_KEY_LEN (sizeof legacy_prefix + crypto_sign_SECRETKEYBYTES + PU_PUBKEY_LEN)

/* A key file is 68 bytes; anything beyond this is refused without being read. */
#define KEY_FILE_MAX_LEN 4096

G_STATIC_ASSERT (sizeof key_prefix + crypto_sign_SECRETKEYBYTES == PU_IDENTITY_KEY_FILE_LEN);
G_STATIC_ASSERT (crypto_sign_PUBLICKEYBYTES == PU_PUBKEY_LEN);
G_STATIC_ASSERT (crypto_sign_BYTES == PU_SIGNATURE_LEN);

struct _PuIdentity
{
  GObject parent_instance;

  /* libsodium's secret key is seed || public key, the protobuf's Data field. */
  guint8 secret_key[crypto_sign_SECRETKEYBYTES];
  PuPeerId peer_id;
  char *peer_id_string;
};

G_DEFINE_FINAL_TYPE (PuIdentity, pu_identity, G_TYPE_OBJECT)

static void
ensure_sodium (void)
{
  /* Idempotent and thread-safe; without it no key can be trusted. */
  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised; Peer Up cannot use its keys");
}

static void
pu_identity_finalize (GObject *object)
{
  PuIdentity *self = PU_IDENTITY (object);

  sodium_memzero (self->secret_key, sizeof self->secret_key);
  g_free (self->peer_id_string);

  G_OBJECT_CLASS (pu_identity_parent_class)->finalize (object);
}

static void
pu_identity_class_init (PuIdentityClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  ensure_sodium ();
  object_class->finalize = pu_identity_finalize;
}

static void
pu_identity_init (PuIdentity *self)
{
}

/* Derives the key pair from @seed; @seed may be NULL for a fresh random key. */
static PuIdentity *
identity_new (const guint8 *seed)
{
  PuIdentity *self = g_object_new (PU_TYPE_IDENTITY, NULL);
  guint8 pubkey[crypto_sign_PUBLICKEYBYTES];

  if (seed != NULL)
    crypto_sign_seed_keypair (pubkey, self->secret_key, seed);
  else
    crypto_sign_keypair (pubkey, self->secret_key);

  pu_peer_id_from_pubkey (pubkey, &self->peer_id);
  self->peer_id_string = pu_peer_id_to_string (&self->peer_id);
  return self;
}

static const char *
key_type_name (guint8 type)
{
  /* libp2p KeyType enum */
  switch (type)
    {
    case 0:
      return "an RSA";
    case 2:
      return "a secp256k1";
    case 3:
      return "an ECDSA";
    default:
      return NULL;
    }
}

static PuIdentity *
corrupted (const char  *what,
           GError     **error)
{
  g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
               _("%s is corrupted: its public key does not match its private key; "
               "restore it from a backup"), what);
  return NULL;
}

/* @what names the key in messages: its file path, or a description. */
static PuIdentity *
parse_key (const guint8  *data,
           gsize          len,
           const char    *what,
           GError       **error)
{
  g_autoptr(PuIdentity) self = NULL;
  gsize head = MIN (len, sizeof key_prefix);

  if (len == LEGACY_KEY_LEN && memcmp (data, legacy_prefix, sizeof legacy_prefix) == 0)
    {
      guint8 modern[PU_IDENTITY_KEY_FILE_LEN];
      const guint8 *body = data + sizeof legacy_prefix;
      PuIdentity *identity = NULL;

      if (memcmp (body + crypto_sign_SEEDBYTES, body + crypto_sign_SECRETKEYBYTES,
                  PU_PUBKEY_LEN) != 0)
        return corrupted (what, error);

      memcpy (modern, key_prefix, sizeof key_prefix);
      memcpy (modern + sizeof key_prefix, body, crypto_sign_SECRETKEYBYTES);
      identity = parse_key (modern, sizeof modern, what, error);
      sodium_memzero (modern, sizeof modern);
      return identity;
    }

  if (len >= 2 && data[0] == key_prefix[0] && key_type_name (data[1]) != NULL)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                   _("%s is %s key; Peer Up needs an Ed25519 key (move it aside to create one)"),
                   what, key_type_name (data[1]));
      return NULL;
    }

  /* Only the bytes present: a short file with the right start is "truncated". */
  if (head > 0 && memcmp (data, key_prefix, head) != 0)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                   _("%s is not a libp2p Ed25519 private key (its header is wrong); "
                   "restore it from a backup or move it aside to create a new identity"), what);
      return NULL;
    }

  if (len < PU_IDENTITY_KEY_FILE_LEN)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                   _("%s is truncated (%zu bytes, expected %d); "
                   "restore it from a backup"), what, len, PU_IDENTITY_KEY_FILE_LEN);
      return NULL;
    }

  if (len > PU_IDENTITY_KEY_FILE_LEN)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                   _("%s has trailing bytes (%zu bytes, expected %d); "
                   "restore it from a backup"), what, len, PU_IDENTITY_KEY_FILE_LEN);
      return NULL;
    }

  self = identity_new (data + sizeof key_prefix);
  if (memcmp (self->peer_id.pubkey, data + sizeof key_prefix + crypto_sign_SEEDBYTES,
              PU_PUBKEY_LEN) != 0)
    return corrupted (what, error);

  return g_steal_pointer (&self);
}

PuIdentity *
pu_identity_generate (void)
{
  return identity_new (NULL);
}

PuIdentity *
pu_identity_new_from_bytes (const guint8  *data,
                            gsize          len,
                            GError       **error)
{
  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return parse_key (data, len, "The identity key", error);
}

PuIdentity *
pu_identity_load (const char  *path,
                  GError     **error)
{
  g_autofree char *contents = NULL;
  PuIdentity *self;
  gsize len = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!pu_file_check_private (path, error))
    return NULL;
  if (!pu_file_read_bounded (path, KEY_FILE_MAX_LEN, &contents, &len, error))
    return NULL;

  self = parse_key ((const guint8 *) contents, len, path, error);
  sodium_memzero (contents, len);
  return self;
}

gboolean
pu_identity_save (PuIdentity  *self,
                  const char  *path,
                  GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *dir = NULL;
  GStatBuf st;

  g_return_val_if_fail (PU_IS_IDENTITY (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  dir = g_path_get_dirname (path);
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, PU_ERROR, PU_ERROR_NOT_FOUND,
                   _("Could not save the identity to %s: the directory %s does not exist"),
                   path, dir);
      return FALSE;
    }

  /* lstat: a dangling symlink still names someone's file. The atomic write
   * cannot be exclusive (rename replaces); a file appearing between this
   * check and the rename can only be another identity created at the same
   * moment, so no key that existed before is ever lost. */
  if (g_lstat (path, &st) == 0)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_EXISTS,
                   _("%s already exists; Peer Up never overwrites an identity "
                   "(move it aside first if you really want a new one)"), path);
      return FALSE;
    }
  if (errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, PU_ERROR, PU_ERROR_IO, _("Could not check %s: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }

  bytes = pu_identity_to_bytes (self);
  return pu_file_write_atomic (path, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                               0600, error);
}

static void
free_secret (gpointer data)
{
  sodium_memzero (data, PU_IDENTITY_KEY_FILE_LEN);
  g_free (data);
}

GBytes *
pu_identity_to_bytes (PuIdentity *self)
{
  guint8 *buf;

  g_return_val_if_fail (PU_IS_IDENTITY (self), NULL);

  buf = g_malloc (PU_IDENTITY_KEY_FILE_LEN);
  memcpy (buf, key_prefix, sizeof key_prefix);
  memcpy (buf + sizeof key_prefix, self->secret_key, sizeof self->secret_key);

  /* Wiped when the last reference goes. */
  return g_bytes_new_with_free_func (buf, PU_IDENTITY_KEY_FILE_LEN, free_secret, buf);
}

const PuPeerId *
pu_identity_get_peer_id (PuIdentity *self)
{
  g_return_val_if_fail (PU_IS_IDENTITY (self), NULL);

  return &self->peer_id;
}

const char *
pu_identity_get_peer_id_string (PuIdentity *self)
{
  g_return_val_if_fail (PU_IS_IDENTITY (self), NULL);

  return self->peer_id_string;
}

void
pu_identity_sign (PuIdentity   *self,
                  const guint8 *data,
                  gsize         len,
                  guint8        signature[PU_SIGNATURE_LEN])
{
  g_return_if_fail (PU_IS_IDENTITY (self));
  g_return_if_fail (data != NULL || len == 0);
  g_return_if_fail (signature != NULL);

  crypto_sign_detached (signature, NULL, data, len, self->secret_key);
}

gboolean
pu_identity_verify (const PuPeerId *peer,
                    const guint8   *data,
                    gsize           len,
                    const guint8    signature[PU_SIGNATURE_LEN])
{
  g_return_val_if_fail (peer != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (signature != NULL, FALSE);

  /* Callable before any identity exists (e.g. checking a relay's challenge). */
  ensure_sodium ();
  return crypto_sign_verify_detached (signature, data, len, peer->pubkey) == 0;
}
