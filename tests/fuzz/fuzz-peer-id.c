/* fuzz-peer-id.c — peer ID and base58 parsers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <string.h>

#include "pu-base58.h"
#include "pu-peer-id.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GBytes) bytes = NULL;
  PuPeerId id;

  if (pu_peer_id_parse (text, &id, NULL))
    {
      g_autofree char *again = pu_peer_id_to_string (&id);
      PuPeerId id2;

      /* Whatever parses must print and parse back to the same key. */
      g_assert_true (pu_peer_id_parse (again, &id2, NULL));
      g_assert_true (pu_peer_id_equal (&id, &id2));
    }

  bytes = pu_base58_decode (text, 256, NULL);
  if (bytes != NULL && g_bytes_get_size (bytes) > 0)
    {
      gsize len;
      const guint8 *raw = g_bytes_get_data (bytes, &len);
      g_autofree char *enc = pu_base58_encode (raw, len);

      g_assert_cmpstr (enc, ==, text);
    }
  return 0;
}
