/* fuzz-authorized-keys.c — the authorized_keys file and line parsers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <string.h>

#include "pu-trust-store.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
check_line (const char *line)
{
  g_autoptr(PuTrustEntry) entry = pu_trust_entry_parse (line, NULL);
  g_autoptr(PuTrustEntry) again = NULL;
  g_autofree char *printed = NULL;
  g_autofree char *printed_again = NULL;

  if (entry == NULL)
    return;

  /* Whatever parses prints as one line that parses to the same entry. */
  printed = pu_trust_entry_to_line (entry);
  g_assert_null (strchr (printed, '\n'));
  g_assert_cmpuint (strlen (printed), <=, PU_TRUST_LINE_MAX);
  again = pu_trust_entry_parse (printed, NULL);
  g_assert_nonnull (again);
  g_assert_true (pu_peer_id_equal (&entry->peer_id, &again->peer_id));
  g_assert_cmpint (entry->expires, ==, again->expires);
  g_assert_cmpstr (entry->verified, ==, again->verified);
  g_assert_cmpstr (entry->comment, ==, again->comment);
  g_assert_cmpuint (entry->attrs->len, ==, again->attrs->len);
  for (guint i = 0; i < entry->attrs->len; i++)
    g_assert_cmpstr (entry->attrs->pdata[i], ==, again->attrs->pdata[i]);
  printed_again = pu_trust_entry_to_line (again);
  g_assert_cmpstr (printed, ==, printed_again);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) problems = pu_trust_store_validate_data ((const char *) data, size);
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_auto(GStrv) lines = NULL;

  for (guint i = 0; i < problems->len; i++)
    g_assert_true (g_str_has_prefix (problems->pdata[i], "line ")
                   || g_str_has_prefix (problems->pdata[i], "the file"));

  /* Up to the first NUL, as a C caller would see it. */
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    check_line (lines[i]);

  return 0;
}
