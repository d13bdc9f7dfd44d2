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
  return 0;
}
