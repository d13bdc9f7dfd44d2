/* fuzz-relay-frame.c — relay frame decoder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <string.h>

#include "pu-relay-frame.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) again = NULL;
  PuRelayFrame frame;

  if (!pu_relay_frame_decode (data, size, &frame, NULL))
    return 0;

  /* Whatever decodes must encode back to the same bytes. */
  again = pu_relay_frame_encode (&frame, NULL);
  g_assert_nonnull (again);
  g_assert_cmpmem (g_bytes_get_data (again, NULL), g_bytes_get_size (again), data, size);

  /* A batch's datagrams fill its payload exactly, none empty. */
  if (frame.type == PU_RELAY_FRAME_PACKETS)
    {
      const guint8 *datagram;
      gsize offset = 0, len, total = 0;

      while (pu_relay_frame_batch_next (&frame, &offset, &datagram, &len))
        {
          g_assert_cmpuint (len, >, 0);
          g_assert_true (datagram + len <= frame.payload + frame.payload_len);
          total += PU_RELAY_BATCH_ENTRY_HEAD + len;
        }
      g_assert_cmpuint (total, ==, frame.payload_len);
    }
  return 0;
}
