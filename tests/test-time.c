/* test-time.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "pu-error.h"
#include "pu-time.h"

#define DAY (24 * 3600)

static void
test_duration_parse (void)
{
  static const struct { const char *text; gint64 seconds; } good[] = {
    { "90s", 90 },
    { "10m", 600 },
    { "1h30m", 5400 },
    { "7d", 7 * DAY },
    { "2w", 14 * DAY },
    { "2d 3h", 2 * DAY + 3 * 3600 },
    { "1h1h", 7200 },
    { "0h5s", 5 },
    { "00001s", 1 },
    { "36525d", 36525LL * DAY },
    { "5217w6d", 36525LL * DAY },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 seconds = -1;

      g_test_message ("%s", good[i].text);
      g_assert_true (pu_duration_parse (good[i].text, &seconds, &error));
      g_assert_no_error (error);
      g_assert_cmpint (seconds, ==, good[i].seconds);
    }
}

static void
test_duration_bad (void)
{
  static const struct { const char *text; const char *reason; } bad[] = {
    { "", "empty" },
    { "0s", "longer than zero" },
    { "0d0h", "longer than zero" },
    { "10", "needs a unit" },
    { "h", "needs a number" },
    { "-5m", "needs a number" },
    { "+5m", "needs a number" },
    { " 5m", "needs a number" },
    { "5m ", "needs a number" },
    { "5 m", "needs a unit" },
    { "5x", "unknown unit" },
    { "5M", "unknown unit" },
    { "1.5h", "needs a unit" },
    { "36526d", "100 years" },
    { "36525d1s", "100 years" },
    { "5218w", "100 years" },
    { "99999999999999999999999999s", "100 years" },
    { "9223372036854775807s", "100 years" },
    { "3155760000s1s", "100 years" },
    { "1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s1s", "too long" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 seconds = -1;

      g_test_message ("%s", bad[i].text);
      g_assert_false (pu_duration_parse (bad[i].text, &seconds, &error));
      g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, bad[i].reason));
      g_assert_cmpint (seconds, ==, -1);
    }
}

static void
test_duration_ms (void)
{
  static const struct { const char *text; gint64 ms; } good[] = {
    { "200ms", 200 },
    { "1ms", 1 },
    { "1s", 1000 },
    { "1s500ms", 1500 },
    { "2m", 120000 },
    { "1m 30s", 90000 },
    { "36525d", 36525LL * DAY * 1000 },
  };
  static const struct { const char *text; const char *reason; } bad[] = {
    { "", "empty" },
    { "0ms", "longer than zero" },
    { "5", "needs a unit" },
    { "ms", "needs a number" },
    { "5mss", "needs a number" },
    { "5us", "unknown unit (use ms, s" },
    { "36525d1ms", "100 years" },
    { "9223372036854775807ms", "100 years" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 ms = -1;

      g_test_message ("%s", good[i].text);
      g_assert_true (pu_duration_parse_ms (good[i].text, &ms, &error));
      g_assert_no_error (error);
      g_assert_cmpint (ms, ==, good[i].ms);
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 ms = -1;

      g_test_message ("%s", bad[i].text);
      g_assert_false (pu_duration_parse_ms (bad[i].text, &ms, &error));
      g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, bad[i].reason));
      g_assert_cmpint (ms, ==, -1);
    }

  /* Durations in whole seconds (expiries) have no millisecond unit. */
  {
    g_autoptr(GError) error = NULL;
    gint64 seconds = -1;

    g_assert_false (pu_duration_parse ("500ms", &seconds, &error));
    g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
    g_assert_nonnull (strstr (error->message, "unknown unit (use s, m"));
  }
}

static void
test_duration_format (void)
{
  static const struct { gint64 seconds; const char *text; } cases[] = {
    { -5, "0s" },
    { 0, "0s" },
    { 45, "45s" },
    { 90, "1m 30s" },
    { 600, "10m" },
    { 3601, "1h" },
    { 5400, "1h 30m" },
    { 2 * DAY + 3 * 3600 + 59, "2d 3h" },
    { 14 * DAY, "14d" },
    { 36525LL * DAY, "36525d" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = pu_duration_format (cases[i].seconds);

      g_assert_cmpstr (text, ==, cases[i].text);
    }

  /* What it prints for whole units, it reads back. */
  for (guint i = 2; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = pu_duration_format (cases[i].seconds);
      gint64 back = 0;

      g_assert_true (pu_duration_parse (text, &back, NULL));
      g_assert_cmpint (back, <=, cases[i].seconds);
    }
}

static void
test_rfc3339_parse (void)
{
  static const struct { const char *text; gint64 unix_time; } good[] = {
    { "1970-01-01T00:00:00Z", 0 },
    { "2026-11-25T05:47:31Z", 1795585651 },
    { "2026-11-25t05:47:31z", 1795585651 },
    { "2026-11-25T05:47:31.999999999Z", 1795585651 },
    { "2026-11-25T07:47:31+02:00", 1795585651 },
    { "2026-11-24T23:17:31-06:30", 1795585651 },
    { "2026-11-25T05:47:31-00:00", 1795585651 },
    { "2024-02-29T12:00:00Z", 1709208000 },
    { "2000-02-29T00:00:00Z", 951782400 },
    { "1969-12-31T23:59:59Z", -1 },
    { "0001-01-01T00:00:00Z", G_GINT64_CONSTANT (-62135596800) },
    { "9999-12-31T23:59:59Z", G_GINT64_CONSTANT (253402300799) },
  };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 t = 42;

      g_test_message ("%s", good[i].text);
      g_assert_true (pu_time_parse_rfc3339 (good[i].text, &t, &error));
      g_assert_no_error (error);
      g_assert_cmpint (t, ==, good[i].unix_time);
    }
}

static void
test_rfc3339_bad (void)
{
  static const struct { const char *text; const char *reason; } bad[] = {
    { "", "empty" },
    { "2026-11-25", "in the form" },
    { "2026-11-25 05:47:31Z", "in the form" },
    { "26-11-25T05:47:31Z", "in the form" },
    { "2026-1-25T05:47:31Z", "in the form" },
    { "2026-11-25T05:47Z", "in the form" },
    { "2026-11-25T05:47:31", "needs a zone" },
    { "2026-11-25T05:47:31+0200", "±hh:mm" },
    { "2026-11-25T05:47:31+02", "±hh:mm" },
    { "2026-11-25T05:47:31+24:00", "offset is out of range" },
    { "2026-11-25T05:47:31+02:60", "offset is out of range" },
    { "2026-11-25T05:47:31.Z", "digit must follow" },
    { "2026-11-25T05:47:31Zjunk", "after the zone" },
    { "2026-11-25T05:47:31Z ", "after the zone" },
    { "0000-01-01T00:00:00Z", "0001 or later" },
    { "0001-01-01T00:00:00+00:01", "0001 to 9999" },
    { "9999-12-31T23:59:59-00:01", "0001 to 9999" },
    { "2026-00-10T00:00:00Z", "month" },
    { "2026-13-10T00:00:00Z", "month" },
    { "2026-01-00T00:00:00Z", "day" },
    { "2026-01-32T00:00:00Z", "day" },
    { "2026-04-31T00:00:00Z", "day" },
    { "2026-02-29T00:00:00Z", "day" },
    { "1900-02-29T00:00:00Z", "day" },
    { "2026-01-01T24:00:00Z", "time of day" },
    { "2026-01-01T23:60:00Z", "time of day" },
    { "2026-12-31T23:59:60Z", "time of day" },
    { "2026-11-25T05:47:31.00000000000000000000000000000000000000000000Z", "too long" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 t = 42;

      g_test_message ("%s", bad[i].text);
      g_assert_false (pu_time_parse_rfc3339 (bad[i].text, &t, &error));
      g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, bad[i].reason));
      g_assert_cmpint (t, ==, 42);
    }
}

static void
test_rfc3339_format (void)
{
  static const gint64 times[] = {
    0, 1795585651, -1, 951782400, G_GINT64_CONSTANT (-62135596800),
    G_GINT64_CONSTANT (253402300799),
  };
  g_autofree char *text = pu_time_format_rfc3339 (1795585651);

  g_assert_cmpstr (text, ==, "2026-11-25T05:47:31Z");

  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    {
      g_autofree char *again = pu_time_format_rfc3339 (times[i]);
      gint64 t = 0;

      g_assert_true (pu_time_parse_rfc3339 (again, &t, NULL));
      g_assert_cmpint (t, ==, times[i]);
    }
}

static void
test_expiry (void)
{
  const gint64 now = 1795585651;
  g_autoptr(GError) error = NULL;
  gint64 expires = 0;

  g_assert_true (pu_expiry_parse ("30d", now, &expires, &error));
  g_assert_no_error (error);
  g_assert_cmpint (expires, ==, now + 30 * DAY);

  g_assert_true (pu_expiry_parse ("2026-11-25T05:47:32Z", now, &expires, &error));
  g_assert_cmpint (expires, ==, now + 1);

  /* Now or earlier is refused, and says so. */
  expires = 7;
  g_assert_false (pu_expiry_parse ("2026-11-25T05:47:31Z", now, &expires, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==,
                   "The expiry time 2026-11-25T05:47:31Z is in the past; give a later time or "
                   "a duration such as 30d");
  g_clear_error (&error);
  g_assert_false (pu_expiry_parse ("2020-01-01T00:00:00+01:00", now, &expires, &error));
  g_assert_nonnull (strstr (error->message, "2019-12-31T23:00:00Z is in the past"));
  g_clear_error (&error);

  /* A date is read as a time, so its errors are about times. */
  g_assert_false (pu_expiry_parse ("2026-02-30T00:00:00Z", now, &expires, &error));
  g_assert_nonnull (strstr (error->message, "Invalid time"));
  g_clear_error (&error);
  g_assert_false (pu_expiry_parse ("tomorrow", now, &expires, &error));
  g_assert_nonnull (strstr (error->message, "Invalid duration"));
  g_clear_error (&error);
  g_assert_false (pu_expiry_parse ("", now, &expires, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (pu_expiry_parse (NULL, now, &expires, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* No overflow past the last representable time. */
  g_assert_false (pu_expiry_parse ("1d", G_GINT64_CONSTANT (253402300799), &expires, &error));
  g_assert_nonnull (strstr (error->message, "after the year 9999"));
  g_assert_cmpint (expires, ==, 7);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/time/duration/parse", test_duration_parse);
  g_test_add_func ("/time/duration/bad", test_duration_bad);
  g_test_add_func ("/time/duration/format", test_duration_format);
  g_test_add_func ("/time/duration/ms", test_duration_ms);
  g_test_add_func ("/time/rfc3339/parse", test_rfc3339_parse);
  g_test_add_func ("/time/rfc3339/bad", test_rfc3339_bad);
  g_test_add_func ("/time/rfc3339/format", test_rfc3339_format);
  g_test_add_func ("/time/expiry", test_expiry);

  return g_test_run ();
}
