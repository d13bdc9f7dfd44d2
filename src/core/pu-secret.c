/* pu-secret.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-secret.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <sodium.h>
#include <string.h>

#include "pu-error.h"

/* A key is 68 bytes (92 in base64); anything longer is not decoded. */
#define SECRET_MAX_LEN 512

static const SecretSchema identity_schema = {
  PU_SECRET_SCHEMA_NAME, SECRET_SCHEMA_NONE,
  {
    { "peer-id", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  },
  0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

static gboolean
keyring_failed (GError     **error,
                GError      *cause)
{
  g_set_error (error, PU_ERROR, PU_ERROR_IO,
               _("The keyring did not answer: %s (unlock it by logging in to the desktop; "
                 "to use the key without one, run `peerup identity export-file` there)"),
               cause->message);
  g_error_free (cause);
  return FALSE;
}

gboolean
pu_secret_is_available (void)
{
  g_autoptr(SecretService) service = NULL;
  g_autoptr(SecretCollection) collection = NULL;
  g_autoptr(GError) error = NULL;

  service = secret_service_get_sync (SECRET_SERVICE_NONE, NULL, &error);
  if (service == NULL)
    {
      g_debug ("No Secret Service: %s", error->message);
      return FALSE;
    }
  collection = secret_collection_for_alias_sync (service, SECRET_COLLECTION_DEFAULT,
                                                 SECRET_COLLECTION_NONE, NULL, &error);
  if (collection == NULL)
    g_debug ("The Secret Service has no default collection: %s",
             error != NULL ? error->message : "none set");
  return collection != NULL;
}

gboolean
pu_secret_store_identity (PuIdentity  *identity,
                          GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  g_autofree char *label = NULL;
  GError *local_error = NULL;
  const char *id;
  char *encoded;
  gboolean ok;

  g_return_val_if_fail (PU_IS_IDENTITY (identity), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  id = pu_identity_get_peer_id_string (identity);
  bytes = pu_identity_to_bytes (identity);
  encoded = g_base64_encode (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  /* Translators: the name of the key in the keyring (Passwords and Keys). */
  label = g_strdup_printf (_("Peer Up identity key (%s)"), id);
  ok = secret_password_store_sync (&identity_schema, SECRET_COLLECTION_DEFAULT, label, encoded,
                                   NULL, &local_error, "peer-id", id, NULL);
  sodium_memzero (encoded, strlen (encoded));
  g_free (encoded);
  if (!ok)
    return keyring_failed (error, local_error);
  return TRUE;
}

PuIdentity *
pu_secret_load_identity (const PuPeerId  *peer,
                         GError         **error)
{
  g_autofree char *id = NULL;
  g_autoptr(PuIdentity) identity = NULL;
  GError *local_error = NULL;
  guint8 *decoded = NULL;
  gsize len = 0;
  char *encoded;

  g_return_val_if_fail (peer != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  id = pu_peer_id_to_string (peer);
  encoded = secret_password_lookup_sync (&identity_schema, NULL, &local_error,
                                         "peer-id", id, NULL);
  if (local_error != NULL)
    {
      keyring_failed (error, local_error);
      return NULL;
    }
  if (encoded == NULL)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_NOT_FOUND,
                   _("The keyring has no identity key for %s; restore the keyring, or move "
                     "identity.keyring aside and run `peerup init` for a new identity"), id);
      return NULL;
    }

  if (strlen (encoded) <= SECRET_MAX_LEN)
    decoded = g_base64_decode (encoded, &len);
  secret_password_free (encoded);
  if (decoded != NULL)
    {
      identity = pu_identity_new_from_bytes (decoded, len, error);
      sodium_memzero (decoded, len);
      g_free (decoded);
    }
  else
    g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                 _("The keyring's identity key for %s is damaged; restore the keyring"), id);
  if (identity == NULL)
    return NULL;

  if (!pu_peer_id_equal (pu_identity_get_peer_id (identity), peer))
    {
      g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                   _("The keyring's identity key for %s belongs to %s; restore the keyring"),
                   id, pu_identity_get_peer_id_string (identity));
      return NULL;
    }
  return g_steal_pointer (&identity);
}

gboolean
pu_secret_clear_identity (const PuPeerId  *peer,
                          GError         **error)
{
  g_autofree char *id = NULL;
  GError *local_error = NULL;

  g_return_val_if_fail (peer != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  id = pu_peer_id_to_string (peer);
  secret_password_clear_sync (&identity_schema, NULL, &local_error, "peer-id", id, NULL);
  if (local_error != NULL)
    return keyring_failed (error, local_error);
  return TRUE;
}
