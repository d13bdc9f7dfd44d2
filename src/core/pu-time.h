/* pu-time.h — durations ("200ms", "90s", "10m", "1h30m", "7d", "2w") and RFC 3339 times
 *
 * All times are Unix seconds (UTC). Every parser is bounded and total.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One or more <number><unit> parts, units s m h d w; > 0 and at most 100 years. */
gboolean  pu_duration_parse      (const char  *text,
                                  gint64      *seconds,
                                  GError     **error);
/* The same, in milliseconds, with the unit ms as well ("200ms", "1s500ms"). */
gboolean  pu_duration_parse_ms   (const char  *text,
                                  gint64      *ms,
                                  GError     **error);
/* "2d 3h", "10m", "45s": the two largest units, for people. */
char     *pu_duration_format     (gint64       seconds);
/* RFC 3339 with a zone ("Z" or ±hh:mm), fractional seconds allowed. */
gboolean  pu_time_parse_rfc3339  (const char  *text,
                                  gint64      *unix_time,
                                  GError     **error);
/* "2026-11-25T05:47:31Z" */
char     *pu_time_format_rfc3339 (gint64       unix_time);
/* An expiry given as a duration from @now or as an RFC 3339 time; a time in
 * the past is refused. */
gboolean  pu_expiry_parse        (const char  *text,
                                  gint64       now,
                                  gint64      *expires,
                                  GError     **error);

G_END_DECLS
