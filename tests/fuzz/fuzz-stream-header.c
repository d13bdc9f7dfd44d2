/* fuzz-stream-header.c — stream header and status decoders
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <string.h>

#include "pu-stream-header.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  PuStreamHeader header;
  PuStreamReply reply;
  gsize consumed = 0;

  /* Whatever decodes must encode again and decode to the same values. */
  if (pu_stream_header_decode (data, size, &header, &consumed, NULL) == PU_STREAM_DECODE_OK)
    {
      g_autoptr(GBytes) again = pu_stream_header_encode (header.kind, header.service, NULL);
      PuStreamHeader header2;
      gsize len, consumed2;
      const guint8 *raw = g_bytes_get_data (again, &len);

      g_assert_cmpuint (consumed, <=, size);
      g_assert_cmpint (pu_stream_header_decode (raw, len, &header2, &consumed2, NULL), ==,
                       PU_STREAM_DECODE_OK);
      g_assert_cmpuint (consumed2, ==, len);
      g_assert_cmpint (header2.kind, ==, header.kind);
      g_assert_cmpstr (header2.service, ==, header.service);
    }

  if (pu_stream_reply_decode (data, size, &reply, &consumed, NULL) == PU_STREAM_DECODE_OK)
    {
      g_autoptr(GBytes) again = pu_stream_reply_encode (reply.status, reply.message, NULL);
      PuStreamReply reply2;
      gsize len, consumed2;
      const guint8 *raw = g_bytes_get_data (again, &len);

      g_assert_cmpuint (consumed, <=, size);
      g_assert_cmpint (pu_stream_reply_decode (raw, len, &reply2, &consumed2, NULL), ==,
                       PU_STREAM_DECODE_OK);
      g_assert_cmpint (reply2.status, ==, reply.status);
      g_assert_cmpstr (reply2.message, ==, reply.message);
    }
  return 0;
}
