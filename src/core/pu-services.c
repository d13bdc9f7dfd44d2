/* pu-services.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-services.h"

static gboolean
check_allowed (PuConfig            *config,
               const char * const  *allowed,
               GError             **error)
{
  for (guint i = 0; allowed != NULL && allowed[i] != NULL; i++)
    {
      PuPeerId peer;

      if (!pu_config_resolve_peer (config, allowed[i], &peer, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
pu_services_add (PuConfig            *config,
                 const char          *name,
                 const char          *address,
                 const char * const  *allowed,
                 GError             **error)
{
  g_return_val_if_fail (PU_IS_CONFIG (config), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  return check_allowed (config, allowed, error) &&
         pu_config_add_service (config, name, address, error) &&
         (allowed == NULL || allowed[0] == NULL ||
          pu_config_set_service_allowed (config, name, allowed, error)) &&
         pu_config_save (config, error);
}

gboolean
pu_services_remove (PuConfig    *config,
                    const char  *name,
                    GError     **error)
{
  g_return_val_if_fail (PU_IS_CONFIG (config), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  return pu_config_remove_service (config, name, error) && pu_config_save (config, error);
}

gboolean
pu_services_set_enabled (PuConfig    *config,
                         const char  *name,
                         gboolean     enabled,
                         GError     **error)
{
  g_return_val_if_fail (PU_IS_CONFIG (config), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  return pu_config_set_service_enabled (config, name, enabled, error) &&
         pu_config_save (config, error);
}

gboolean
pu_services_set_allowed (PuConfig            *config,
                         const char          *name,
                         const char * const  *allowed,
                         GError             **error)
{
  g_return_val_if_fail (PU_IS_CONFIG (config), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  return check_allowed (config, allowed, error) &&
         pu_config_set_service_allowed (config, name, allowed, error) &&
         pu_config_save (config, error);
}
