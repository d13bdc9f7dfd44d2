/* fuzz-invite-code.c — full and short invite codes
 *
 * The input is the text a user types or pastes. Every code that parses
 * prints back to a text that parses to the same code.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <string.h>

#include "pu-invite-code.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(PuInviteCode) code = pu_invite_code_parse (text, NULL);
  g_autoptr(PuInviteCode) again = NULL;
  g_autofree char *printed = NULL;

  if (code == NULL)
    return 0;

  printed = pu_invite_code_to_string (code);
  again = pu_invite_code_parse (printed, NULL);
  g_assert_nonnull (again);
  g_assert_cmpint (again->kind, ==, code->kind);
  g_assert_cmpmem (again->secret, again->secret_len, code->secret, code->secret_len);
  if (code->kind == PU_INVITE_CODE_SHORT)
    {
      g_assert_cmpuint (again->nameplate, ==, code->nameplate);
    }
  else
    {
      g_autofree char *uri = pu_invite_code_to_uri (code);
      g_autoptr(PuInviteCode) from_uri = pu_invite_code_parse (uri, NULL);

      g_assert_nonnull (from_uri);
      g_assert_true (pu_peer_id_equal (&again->inviter, &code->inviter));
      g_assert_cmpuint (again->instance, ==, code->instance);
      g_assert_cmpint (again->expires, ==, code->expires);
      g_assert_cmpstr (again->network, ==, code->network);
      g_assert_true (pu_relay_addr_equal (again->relay, code->relay));
      g_assert_true (pu_peer_id_equal (&again->relay->peer_id, &code->relay->peer_id));
      g_assert_true (pu_relay_addr_equal (from_uri->relay, code->relay));
    }
  return 0;
}
