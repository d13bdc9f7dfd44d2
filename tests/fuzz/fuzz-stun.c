/* fuzz-stun.c — STUN Binding request and response parsers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <string.h>

#include "pu-stun.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GInetAddress) ip = g_inet_address_new_from_string ("2001:db8::7");
  g_autoptr(GSocketAddress) from = g_inet_socket_address_new (ip, 40000);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GInetSocketAddress) mapped = NULL;

  answer = pu_stun_answer (data, size, G_INET_SOCKET_ADDRESS (from), NULL);
  if (answer != NULL)
    {
      gsize len;
      const guint8 *raw = g_bytes_get_data (answer, &len);

      /* Answers are well-formed, for the same transaction, and small. */
      g_assert_cmpuint (len, <=, PU_STUN_MAX_MESSAGE);
      g_assert_cmpmem (raw + 8, PU_STUN_TXID_LEN, data + 8, PU_STUN_TXID_LEN);
      mapped = pu_stun_parse_binding_response (raw, len, data + 8, NULL);
      if (mapped != NULL)
        g_assert_cmpuint (g_inet_socket_address_get_port (mapped), ==, 40000);
      g_clear_object (&mapped);
    }

  if (size >= 20)
    mapped = pu_stun_parse_binding_response (data, size, data + 8, NULL);
  return 0;
}
