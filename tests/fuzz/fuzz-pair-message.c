/* fuzz-pair-message.c — pairing messages and their (opened) payloads
 *
 * The input is one SIGNAL payload; it is also tried as an opened payload.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <string.h>

#include "pu-pair-message.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autofree char *name = NULL;
  g_autoptr(GPtrArray) relays = NULL;
  PuPairMessage msg;
  PuPeerId peer;

  if (pu_pair_message_decode (data, size, &msg, NULL))
    {
      g_autoptr(GBytes) again = pu_pair_message_encode (msg.type, msg.attempt, msg.body,
                                                        msg.body_len);

      /* What decodes encodes to the same bytes. */
      g_assert_cmpmem (g_bytes_get_data (again, NULL), g_bytes_get_size (again), data, size);
      g_assert_true (pu_pair_message_is_pairing (data, size));
    }

  if (pu_pair_payload_decode (bytes, &peer, &name, &relays, NULL))
    {
      g_autoptr(GBytes) again = pu_pair_payload_encode (&peer, name, relays);
      g_autoptr(GPtrArray) relays2 = NULL;
      g_autofree char *name2 = NULL;
      PuPeerId peer2;

      g_assert_true (pu_pair_payload_decode (again, &peer2, &name2, &relays2, NULL));
      g_assert_true (pu_peer_id_equal (&peer, &peer2));
      g_assert_cmpstr (name, ==, name2);
      g_assert_cmpuint (relays->len, ==, relays2->len);
      for (guint i = 0; i < relays->len; i++)
        g_assert_true (pu_relay_addr_equal (relays->pdata[i], relays2->pdata[i]));
    }
  return 0;
}
