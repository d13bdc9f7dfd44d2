/* pu-edit.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-edit.h"

#include <glib/gi18n-lib.h>

#include "pu-error.h"
#include "pu-services.h"

gboolean
pu_edit_config (PuProfile   *profile,
                PuEditFunc   edit,
                gpointer     data,
                GError     **error)
{
  g_autoptr(PuConfig) config = NULL;

  g_return_val_if_fail (PU_IS_PROFILE (profile), FALSE);
  g_return_val_if_fail (edit != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  config = pu_config_load (pu_config_get_path (pu_profile_get_config (profile)), error);
  return config != NULL && edit (config, data, error) &&
         pu_profile_reload_config (profile, error);
}

/* Removes every name of *@data. */
static gboolean
remove_names (PuConfig  *config,
              gpointer   data,
              GError   **error)
{
  const PuPeerId *peer = data;
  const char *name;

  while ((name = pu_config_name_for_peer (config, peer)) != NULL)
    {
      g_autofree char *copy = g_strdup (name);

      if (!pu_config_remove_name (config, copy, error))
        return FALSE;
    }
  return pu_config_save (config, error);
}

gboolean
pu_edit_forget_peer (PuProfile      *profile,
                     const PuPeerId *peer,
                     GError        **error)
{
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (PU_IS_PROFILE (profile), FALSE);
  g_return_val_if_fail (peer != NULL, FALSE);

  /* Gone already is fine: the names still go. */
  if (!pu_trust_store_remove (pu_profile_get_trust_store (profile), peer, &local_error) &&
      !g_error_matches (local_error, PU_ERROR, PU_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return pu_edit_config (profile, remove_names, (gpointer) peer, error);
}

typedef struct {
  const PuPeerId *peer;
  const char     *name;
} Rename;

static gboolean
rename_peer (PuConfig  *config,
             gpointer   data,
             GError   **error)
{
  Rename *rename = data;
  const char *owner = pu_config_lookup_name (config, rename->name);
  PuPeerId other;

  /* Another device's name is not taken over. */
  if (owner != NULL && pu_peer_id_parse (owner, &other, NULL) &&
      !pu_peer_id_equal (&other, rename->peer))
    {
      g_set_error (error, PU_ERROR, PU_ERROR_EXISTS,
                   _("Another device is called %s already; choose another name"),
                   rename->name);
      return FALSE;
    }
  return remove_names (config, (gpointer) rename->peer, error) &&
         pu_config_set_name (config, rename->name, rename->peer, error) &&
         pu_config_save (config, error);
}

gboolean
pu_edit_rename_peer (PuProfile      *profile,
                     const PuPeerId *peer,
                     const char     *name,
                     GError        **error)
{
  Rename rename = { peer, name };

  return pu_edit_config (profile, rename_peer, &rename, error);
}

typedef struct {
  const char         *service;
  const char         *address;
  gboolean            enabled;
  const char * const *allowed;
} Service;

static gboolean
set_service_enabled (PuConfig  *config,
                     gpointer   data,
                     GError   **error)
{
  Service *service = data;

  return pu_services_set_enabled (config, service->service, service->enabled, error);
}

gboolean
pu_edit_set_service_enabled (PuProfile   *profile,
                             const char  *service,
                             gboolean     enabled,
                             GError     **error)
{
  Service edit = { .service = service, .enabled = enabled };

  return pu_edit_config (profile, set_service_enabled, &edit, error);
}

static gboolean
add_service (PuConfig  *config,
             gpointer   data,
             GError   **error)
{
  Service *service = data;

  return pu_services_add (config, service->service, service->address, NULL, error);
}

gboolean
pu_edit_add_service (PuProfile   *profile,
                     const char  *service,
                     const char  *address,
                     GError     **error)
{
  Service edit = { .service = service, .address = address };

  return pu_edit_config (profile, add_service, &edit, error);
}

static gboolean
set_service_allowed (PuConfig  *config,
                     gpointer   data,
                     GError   **error)
{
  Service *service = data;

  return pu_services_set_allowed (config, service->service, service->allowed, error);
}

gboolean
pu_edit_set_service_allowed (PuProfile          *profile,
                             const char         *service,
                             const char * const *allowed,
                             GError            **error)
{
  Service edit = { .service = service, .allowed = allowed };

  return pu_edit_config (profile, set_service_allowed, &edit, error);
}

static gboolean
remove_service (PuConfig  *config,
                gpointer   data,
                GError   **error)
{
  return pu_services_remove (config, data, error);
}

gboolean
pu_edit_remove_service (PuProfile   *profile,
                        const char  *service,
                        GError     **error)
{
  return pu_edit_config (profile, remove_service, (gpointer) service, error);
}

static gboolean
set_device_name (PuConfig  *config,
                 gpointer   data,
                 GError   **error)
{
  return pu_config_set_device_name (config, data, error) && pu_config_save (config, error);
}

gboolean
pu_edit_set_device_name (PuProfile   *profile,
                         const char  *name,
                         GError     **error)
{
  return pu_edit_config (profile, set_device_name, (gpointer) name, error);
}

static gboolean
add_relay (PuConfig  *config,
           gpointer   data,
           GError   **error)
{
  return pu_config_add_relay (config, data, error) && pu_config_save (config, error);
}

gboolean
pu_edit_add_relay (PuProfile   *profile,
                   const char  *address,
                   GError     **error)
{
  g_autoptr(PuRelayAddr) relay = pu_relay_addr_parse (address, NULL, error);

  if (relay == NULL)
    return FALSE;
  if (!relay->has_peer_id)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                   _("Give the relay's address with its peer ID, as “peerup relay info” "
                     "prints it on the relay"));
      return FALSE;
    }
  return pu_edit_config (profile, add_relay, relay, error);
}
