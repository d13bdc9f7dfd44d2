/* pu-time.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-time.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pu-error.h"

#define MINUTE 60
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)
#define WEEK (7 * DAY)
/* 100 Julian years */
#define DURATION_MAX ((gint64) 36525 * DAY)
/* "1000000000s" is long enough for any duration we accept; room for spaced parts. */
#define DURATION_TEXT_MAX 64
/* "9999-12-31T23:59:59.123456789+00:00" plus room for longer fractions. */
#define TIME_TEXT_MAX 64

/* The range GDateTime can represent: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59Z. */
#define TIME_MIN G_GINT64_CONSTANT (-62135596800)
#define TIME_MAX G_GINT64_CONSTANT (253402300799)

static gboolean
bad_duration (GError     **error,
              const char  *reason)
{
  g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
               _("Invalid duration: %s (use e.g. 90s, 10m, 1h30m, 7d or 2w)"), reason);
  return FALSE;
}

/* The unit at @p in milliseconds, and its length; 0 when unknown or when
 * "ms" is not allowed. */
static gint64
unit_ms (const char *p,
         gboolean    allow_ms,
         guint      *len)
{
  *len = 1;
  if (p[0] == 'm' && p[1] == 's')
    {
      *len = 2;
      return allow_ms ? 1 : 0;
    }
  switch (p[0])
    {
    case 's': return 1000;
    case 'm': return (gint64) MINUTE * 1000;
    case 'h': return (gint64) HOUR * 1000;
    case 'd': return (gint64) DAY * 1000;
    case 'w': return (gint64) WEEK * 1000;
    default: return 0;
    }
}

static gboolean
duration_parse (const char  *text,
                gboolean     allow_ms,
                gint64      *ms,
                GError     **error)
{
  const gint64 max = DURATION_MAX * 1000;
  gint64 total = 0;
  const char *p = text;

  if (text == NULL || *text == '\0')
    return bad_duration (error, _("it is empty"));
  if (strnlen (text, DURATION_TEXT_MAX + 1) > DURATION_TEXT_MAX)
    return bad_duration (error, _("it is too long"));

  while (*p != '\0')
    {
      gint64 n = 0;
      gint64 unit;
      guint unit_len;

      if (!g_ascii_isdigit (*p))
        return bad_duration (error, _("each unit needs a number before it"));
      /* Stop accumulating past the maximum: n * 10 + 9 never overflows. */
      for (; g_ascii_isdigit (*p); p++)
        {
          n = n * 10 + (*p - '0');
          if (n > max)
            return bad_duration (error, _("it is longer than 100 years"));
        }

      if (!g_ascii_isalpha (*p))
        return bad_duration (error, _("each number needs a unit (s, m, h, d or w) right after it"));
      unit = unit_ms (p, allow_ms, &unit_len);
      if (unit == 0)
        return bad_duration (error, allow_ms ? _("unknown unit (use ms, s, m, h, d or w)")
                                             : _("unknown unit (use s, m, h, d or w)"));
      p += unit_len;

      if (n > (max - total) / unit)
        return bad_duration (error, _("it is longer than 100 years"));
      total += n * unit;

      /* Parts may be separated by spaces, as pu_duration_format() writes them. */
      while (*p == ' ' && p[1] != '\0')
        p++;
    }

  if (total <= 0)
    return bad_duration (error, _("it must be longer than zero"));

  *ms = total;
  return TRUE;
}

gboolean
pu_duration_parse (const char  *text,
                   gint64      *seconds,
                   GError     **error)
{
  gint64 ms;

  g_return_val_if_fail (seconds != NULL, FALSE);

  if (!duration_parse (text, FALSE, &ms, error))
    return FALSE;
  *seconds = ms / 1000;
  return TRUE;
}

gboolean
pu_duration_parse_ms (const char  *text,
                      gint64      *ms,
                      GError     **error)
{
  g_return_val_if_fail (ms != NULL, FALSE);

  return duration_parse (text, TRUE, ms, error);
}

char *
pu_duration_format (gint64 seconds)
{
  static const struct { gint64 size; char unit; } units[] = {
    { DAY, 'd' }, { HOUR, 'h' }, { MINUTE, 'm' }, { 1, 's' },
  };

  if (seconds <= 0)
    return g_strdup ("0s");

  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    {
      gint64 major = seconds / units[i].size;
      gint64 minor;

      if (major == 0)
        continue;
      if (i + 1 == G_N_ELEMENTS (units))
        break;
      minor = (seconds % units[i].size) / units[i + 1].size;
      if (minor == 0)
        return g_strdup_printf ("%" G_GINT64_FORMAT "%c", major, units[i].unit);
      return g_strdup_printf ("%" G_GINT64_FORMAT "%c %" G_GINT64_FORMAT "%c",
                              major, units[i].unit, minor, units[i + 1].unit);
    }

  return g_strdup_printf ("%" G_GINT64_FORMAT "s", seconds);
}

static gboolean
bad_time (GError     **error,
          const char  *reason)
{
  g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
               _("Invalid time: %s (use RFC 3339, e.g. 2026-11-25T05:47:31Z)"), reason);
  return FALSE;
}

/* Reads exactly @digits decimal digits at *@p. */
static gboolean
read_number (const char **p,
             guint        digits,
             int         *out)
{
  int n = 0;

  for (guint i = 0; i < digits; i++)
    {
      if (!g_ascii_isdigit ((*p)[i]))
        return FALSE;
      n = n * 10 + ((*p)[i] - '0');
    }
  *p += digits;
  *out = n;
  return TRUE;
}

static gboolean
expect (const char **p,
        char         c)
{
  if (g_ascii_toupper (**p) != c)
    return FALSE;
  (*p)++;
  return TRUE;
}

gboolean
pu_time_parse_rfc3339 (const char  *text,
                       gint64      *unix_time,
                       GError     **error)
{
  g_autoptr(GDateTime) dt = NULL;
  const char *p = text;
  int year, month, day, hour, minute, second;
  int off_hour = 0, off_minute = 0, sign = 0;
  gint64 t;

  g_return_val_if_fail (unix_time != NULL, FALSE);

  if (text == NULL || *text == '\0')
    return bad_time (error, _("it is empty"));
  if (strnlen (text, TIME_TEXT_MAX + 1) > TIME_TEXT_MAX)
    return bad_time (error, _("it is too long"));

  if (!read_number (&p, 4, &year) || !expect (&p, '-')
      || !read_number (&p, 2, &month) || !expect (&p, '-')
      || !read_number (&p, 2, &day) || !expect (&p, 'T')
      || !read_number (&p, 2, &hour) || !expect (&p, ':')
      || !read_number (&p, 2, &minute) || !expect (&p, ':')
      || !read_number (&p, 2, &second))
    return bad_time (error, _("it is not in the form YYYY-MM-DDTHH:MM:SS"));

  /* Fractions of a second are allowed and dropped. */
  if (*p == '.')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        return bad_time (error, _("a digit must follow the decimal point"));
      while (g_ascii_isdigit (*p))
        p++;
    }

  if (expect (&p, 'Z'))
    ;
  else if (*p == '+' || *p == '-')
    {
      sign = *p == '+' ? 1 : -1;
      p++;
      if (!read_number (&p, 2, &off_hour) || !expect (&p, ':')
          || !read_number (&p, 2, &off_minute))
        return bad_time (error, _("the zone offset must be ±hh:mm"));
      if (off_hour > 23 || off_minute > 59)
        return bad_time (error, _("the zone offset is out of range"));
    }
  else
    return bad_time (error, _("it needs a zone: Z or ±hh:mm"));

  if (*p != '\0')
    return bad_time (error, _("there is text after the zone"));

  if (year == 0)
    return bad_time (error, _("the year must be 0001 or later"));
  if (month < 1 || month > 12)
    return bad_time (error, _("the month is out of range"));
  if (day < 1 || day > g_date_get_days_in_month ((GDateMonth) month, (GDateYear) year))
    return bad_time (error, _("the day is out of range for that month"));
  /* Unix time has no leap seconds, so :60 cannot be represented. */
  if (hour > 23 || minute > 59 || second > 59)
    return bad_time (error, _("the time of day is out of range"));

  dt = g_date_time_new_utc (year, month, day, hour, minute, second);
  g_assert (dt != NULL);
  t = g_date_time_to_unix (dt) - sign * ((gint64) off_hour * HOUR + off_minute * MINUTE);
  if (t < TIME_MIN || t > TIME_MAX)
    return bad_time (error, _("it is outside the years 0001 to 9999 in UTC"));

  *unix_time = t;
  return TRUE;
}

char *
pu_time_format_rfc3339 (gint64 unix_time)
{
  g_autoptr(GDateTime) dt = NULL;
  int year, month, day;

  g_return_val_if_fail (unix_time >= TIME_MIN && unix_time <= TIME_MAX, NULL);

  /* Not g_date_time_format(): its %Y does not pad years before 1000. */
  dt = g_date_time_new_from_unix_utc (unix_time);
  g_date_time_get_ymd (dt, &year, &month, &day);
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ", year, month, day,
                          g_date_time_get_hour (dt), g_date_time_get_minute (dt),
                          g_date_time_get_second (dt));
}

gboolean
pu_expiry_parse (const char  *text,
                 gint64       now,
                 gint64      *expires,
                 GError     **error)
{
  gint64 t;

  g_return_val_if_fail (expires != NULL, FALSE);

  /* A time starts with a four-digit year and a dash; anything else is a duration. */
  if (text != NULL && g_ascii_isdigit (text[0]) && g_ascii_isdigit (text[1])
      && g_ascii_isdigit (text[2]) && g_ascii_isdigit (text[3]) && text[4] == '-')
    {
      g_autofree char *shown = NULL;

      if (!pu_time_parse_rfc3339 (text, &t, error))
        return FALSE;
      if (t <= now)
        {
          shown = pu_time_format_rfc3339 (t);
          g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                       _("The expiry time %s is in the past; give a later time or a duration "
                         "such as 30d"), shown);
          return FALSE;
        }
      *expires = t;
      return TRUE;
    }

  if (!pu_duration_parse (text, &t, error))
    return FALSE;
  if (now > TIME_MAX - t)
    return bad_time (error, _("it ends after the year 9999"));
  *expires = now + t;
  return TRUE;
}
