/* fuzz-signal.c — ICE signaling message decoder
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>
#include <string.h>

#include "pu-signal.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  PuSignal msg, again;
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *raw;
  gsize len;

  if (!pu_signal_decode (data, size, &msg, NULL))
    return 0;

  /* Whatever decodes must encode again and decode to the same values. */
  bytes = pu_signal_encode (&msg, NULL);
  g_assert_nonnull (bytes);
  raw = g_bytes_get_data (bytes, &len);
  g_assert_cmpuint (len, <=, size);
  g_assert_true (pu_signal_decode (raw, len, &again, NULL));
  g_assert_cmpint (again.type, ==, msg.type);
  g_assert_cmpuint (again.session, ==, msg.session);
  g_assert_cmpuint (again.generation, ==, msg.generation);
  g_assert_cmpstr (again.ufrag, ==, msg.ufrag);
  g_assert_cmpstr (again.pwd, ==, msg.pwd);
  g_assert_cmpuint (again.n_candidates, ==, msg.n_candidates);
  for (guint i = 0; i < msg.n_candidates; i++)
    g_assert_cmpstr (again.candidates[i], ==, msg.candidates[i]);
  return 0;
}
