/* pu-services.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-services.h"

#include <glib/gi18n-lib.h>

#include "pu-error.h"

typedef enum {
  EDIT_ADD,
  EDIT_REMOVE,
  EDIT_SET_ENABLED,
  EDIT_SET_ALLOWED,
} EditKind;

typedef struct {
  EditKind            kind;
  const char         *name;
  const char         *address;
  const char * const *allowed;
  gboolean            enabled;
} Edit;

static gboolean
check_allowed (PuConfig            *config,
               const char * const  *allowed,
               GError             **error)
{
  if (allowed != NULL && g_strv_length ((char **) allowed) > PU_SERVICES_MAX_ALLOWED)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_TOO_LARGE,
                   _("A service may name at most %u peers; leave the list empty to allow "
                     "every authorized peer"), PU_SERVICES_MAX_ALLOWED);
      return FALSE;
    }
  for (guint i = 0; allowed != NULL && allowed[i] != NULL; i++)
    {
      PuPeerId peer;

      if (!pu_config_resolve_peer (config, allowed[i], &peer, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
edit_config (PuConfig    *config,
             const Edit  *edit,
             GError     **error)
{
  switch (edit->kind)
    {
    case EDIT_ADD:
      return pu_config_add_service (config, edit->name, edit->address, error) &&
             (edit->allowed == NULL || edit->allowed[0] == NULL ||
              pu_config_set_service_allowed (config, edit->name, edit->allowed, error));
    case EDIT_REMOVE:
      return pu_config_remove_service (config, edit->name, error);
    case EDIT_SET_ENABLED:
      return pu_config_set_service_enabled (config, edit->name, edit->enabled, error);
    case EDIT_SET_ALLOWED:
      return pu_config_set_service_allowed (config, edit->name, edit->allowed, error);
    default:
      g_assert_not_reached ();
    }
}

/* Makes the change on a copy and saves that first: @config (what a serving
 * node goes by) changes only once config.ini has. */
static gboolean
apply (PuConfig    *config,
       const Edit  *edit,
       GError     **error)
{
  g_autofree char *data = NULL;
  g_autoptr(PuConfig) copy = NULL;
  gsize len;

  if (edit->allowed != NULL && !check_allowed (config, edit->allowed, error))
    return FALSE;
  data = pu_config_to_data (config, &len);
  copy = pu_config_load_from_data (pu_config_get_path (config), data, len, error);
  if (copy == NULL || !edit_config (copy, edit, error) || !pu_config_save (copy, error))
    return FALSE;
  return edit_config (config, edit, error);
}

gboolean
pu_services_add (PuConfig            *config,
                 const char          *name,
                 const char          *address,
                 const char * const  *allowed,
                 GError             **error)
{
  const Edit edit = { EDIT_ADD, name, address, allowed, TRUE };

  g_return_val_if_fail (PU_IS_CONFIG (config), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  return apply (config, &edit, error);
}

gboolean
pu_services_remove (PuConfig    *config,
                    const char  *name,
                    GError     **error)
{
  const Edit edit = { EDIT_REMOVE, name, NULL, NULL, FALSE };

  g_return_val_if_fail (PU_IS_CONFIG (config), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  return apply (config, &edit, error);
}

gboolean
pu_services_set_enabled (PuConfig    *config,
                         const char  *name,
                         gboolean     enabled,
                         GError     **error)
{
  const Edit edit = { EDIT_SET_ENABLED, name, NULL, NULL, enabled };

  g_return_val_if_fail (PU_IS_CONFIG (config), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  return apply (config, &edit, error);
}

gboolean
pu_services_set_allowed (PuConfig            *config,
                         const char          *name,
                         const char * const  *allowed,
                         GError             **error)
{
  const char * const none[] = { NULL };
  const Edit edit = { EDIT_SET_ALLOWED, name, NULL, allowed != NULL ? allowed : none, FALSE };

  g_return_val_if_fail (PU_IS_CONFIG (config), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  return apply (config, &edit, error);
}
