/* fuzz-websocket.c — WebSocket frame headers, one after another
 *
 * The first byte picks the receiving role; the rest is a stream of frames as
 * a peer would send them.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <string.h>

#include "pu-websocket.h"

#define MAX_PAYLOAD (16 * 1024)

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  PuWebsocketRole role;
  g_autofree guint8 *copy = NULL;
  gsize done = 0;

  if (size < 1)
    return 0;
  role = data[0] & 1 ? PU_WEBSOCKET_SERVER : PU_WEBSOCKET_CLIENT;
  copy = g_memdup2 (data + 1, size - 1);
  size -= 1;

  while (done < size)
    {
      PuWebsocketFrame frame;
      int ret = pu_websocket_frame_parse (copy + done, size - done, role, MAX_PAYLOAD, &frame,
                                          NULL);

      if (ret <= 0)
        break;
      g_assert_cmpuint (frame.header_len, >=, 2);
      g_assert_cmpuint (frame.header_len, <=, PU_WEBSOCKET_HEADER_MAX);
      g_assert_cmpuint (frame.payload_len, <=, MAX_PAYLOAD);
      g_assert_true (frame.masked == (role == PU_WEBSOCKET_SERVER));
      if (size - done - frame.header_len < frame.payload_len)
        break;
      /* Unmasking touches exactly the payload. */
      if (frame.masked)
        pu_websocket_mask (copy + done + frame.header_len, frame.payload_len, frame.mask);
      done += frame.header_len + frame.payload_len;
    }
  return 0;
}
