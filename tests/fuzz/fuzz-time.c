/* fuzz-time.c — duration (seconds and milliseconds), RFC 3339 and expiry parsers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdint.h>

#include "pu-time.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  gint64 value;

  if (pu_duration_parse (text, &value, NULL))
    {
      g_autofree char *shown = pu_duration_format (value);
      gint64 again;

      /* Two units at most, so the text read back is never longer. */
      g_assert_true (value > 0 && value <= (gint64) 36525 * 86400);
      g_assert_true (pu_duration_parse (shown, &again, NULL));
      g_assert_cmpint (again, <=, value);
    }

  if (pu_duration_parse_ms (text, &value, NULL))
    g_assert_true (value > 0 && value <= (gint64) 36525 * 86400 * 1000);

  if (pu_time_parse_rfc3339 (text, &value, NULL))
    {
      g_autofree char *shown = pu_time_format_rfc3339 (value);
      gint64 again;

      g_assert_true (pu_time_parse_rfc3339 (shown, &again, NULL));
      g_assert_cmpint (again, ==, value);
    }

  if (pu_expiry_parse (text, 1795585651, &value, NULL))
    g_assert_cmpint (value, >, 1795585651);

  return 0;
}
