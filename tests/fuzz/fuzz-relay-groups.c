/* fuzz-relay-groups.c — the relay's pairing-groups.ini
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <string.h>

#include "pu-relay-groups.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) groups = pu_relay_groups_parse ("pairing-groups.ini",
                                                       (const char *) data, size, NULL);
  static const guint8 token[PU_RELAY_GROUP_TOKEN_LEN];

  if (groups == NULL)
    return 0;
  /* Whatever parses is bounded and usable. */
  g_assert_cmpuint (groups->len, <=, PU_RELAY_GROUPS_MAX);
  for (guint i = 0; i < groups->len; i++)
    {
      const PuRelayGroup *group = g_ptr_array_index (groups, i);

      g_assert_cmpuint (strlen (group->id), ==, PU_RELAY_GROUP_ID_LEN);
      g_assert_cmpuint (group->tokens->len, >=, 1);
      g_assert_cmpuint (group->tokens->len, <=, PU_RELAY_GROUP_MAX);
    }
  pu_relay_groups_find (groups, token, 0, NULL);
  return 0;
}
