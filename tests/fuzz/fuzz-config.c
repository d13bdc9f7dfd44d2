/* fuzz-config.c — config.ini loader
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <string.h>

#include "pu-config.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(PuConfig) config = NULL;
  g_autoptr(PuConfig) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *text2 = NULL;
  g_auto(GStrv) names = NULL;
  gsize len, len2;

  config = pu_config_load_from_data ("fuzz/config.ini", (const char *) data, size, NULL);
  if (config == NULL)
    return 0;

  /* Whatever loads is written out in a form that loads to the same thing. */
  text = pu_config_to_data (config, &len);
  again = pu_config_load_from_data ("fuzz/config.ini", text, len, &error);
  g_assert_no_error (error);
  text2 = pu_config_to_data (again, &len2);
  g_assert_cmpuint (len, ==, len2);
  g_assert_cmpmem (text, len, text2, len2);

  g_assert_cmpstr (pu_config_get_device_name (config), ==, pu_config_get_device_name (again));
  g_assert_cmpuint (pu_config_get_relays (config)->len, ==, pu_config_get_relays (again)->len);
  g_assert_cmpuint (pu_config_get_services (config)->len, ==,
                    pu_config_get_services (again)->len);

  names = pu_config_get_names (again);
  for (guint i = 0; names[i] != NULL; i++)
    {
      PuPeerId id;

      g_assert_true (pu_config_resolve_peer (again, names[i], &id, NULL));
      g_assert_nonnull (pu_config_name_for_peer (again, &id));
    }
  return 0;
}
