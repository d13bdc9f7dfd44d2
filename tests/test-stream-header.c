/* test-stream-header.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "pu-error.h"
#include "pu-stream-header.h"

static void
test_header_round_trip (void)
{
  static const struct {
    PuStreamKind kind;
    const char  *service;
  } cases[] = {
    { PU_STREAM_KIND_PROXY, "ssh" },
    { PU_STREAM_KIND_PROXY, "a" },
    { PU_STREAM_KIND_PROXY, "ollama-0" },
    { PU_STREAM_KIND_PROXY, "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0" },
    { PU_STREAM_KIND_PING, NULL },
    { PU_STREAM_KIND_CONTROL, "" },
    { PU_STREAM_KIND_FILE, "inbox" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = pu_stream_header_encode (cases[i].kind, cases[i].service, &error);
      g_autofree guint8 *buf = NULL;
      PuStreamHeader header;
      gsize len, consumed = 0;
      const guint8 *data;

      g_assert_no_error (error);
      data = g_bytes_get_data (bytes, &len);
      g_assert_cmpuint (len, <=, PU_STREAM_HEADER_MAX_LEN);

      /* Every proper prefix asks for more; the whole message decodes. */
      for (gsize n = 0; n < len; n++)
        {
          g_assert_cmpint (pu_stream_header_decode (data, n, &header, &consumed, &error), ==,
                           PU_STREAM_DECODE_NEED_MORE);
          g_assert_no_error (error);
        }

      /* Payload that follows the header is left for the stream. */
      buf = g_malloc (len + 4);
      memcpy (buf, data, len);
      memcpy (buf + len, "DATA", 4);
      g_assert_cmpint (pu_stream_header_decode (buf, len + 4, &header, &consumed, &error), ==,
                       PU_STREAM_DECODE_OK);
      g_assert_no_error (error);
      g_assert_cmpuint (consumed, ==, len);
      g_assert_cmpint (header.kind, ==, cases[i].kind);
      g_assert_cmpstr (header.service, ==, cases[i].service ? cases[i].service : "");
    }
}

static void
test_header_wire_form (void)
{
  static const guint8 expected[] = { 0x01, 0x00, 0x05, 0x01, 0x03, 's', 's', 'h' };
  g_autoptr(GBytes) bytes = pu_stream_header_encode (PU_STREAM_KIND_PROXY, "ssh", NULL);
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  g_assert_cmpmem (data, len, expected, sizeof expected);
}

static void
test_header_encode_refuses (void)
{
  static const char *bad[] = {
    "SSH", "-ssh", "ssh-", "ss h", "ssh.local", "ssh\n", "é",
    "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz01",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = pu_stream_header_encode (PU_STREAM_KIND_PROXY, bad[i], &error);

      g_assert_null (bytes);
      g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, "service name"));
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) bytes = pu_stream_header_encode (PU_STREAM_KIND_PROXY, NULL, &error);

    g_assert_null (bytes);
    g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  }
}

static void
test_header_malformed (void)
{
  static const struct {
    const char *hex;
    gsize       len;
    gint        code;
  } cases[] = {
    /* version 0 and version 2: refused from the first byte */
    { "\x00", 1, PU_ERROR_PARSE },
    { "\x02\x00\x05", 3, PU_ERROR_VERSION },
    /* body shorter than kind + length, and over the cap (0x0201 = 513) */
    { "\x01\x00\x01\x01", 4, PU_ERROR_PARSE },
    { "\x01\x02\x01", 3, PU_ERROR_PARSE },
    { "\x01\xff\xff", 3, PU_ERROR_PARSE },
    /* name length runs past the body */
    { "\x01\x00\x03\x01\x02s", 6, PU_ERROR_PARSE },
    /* unknown kinds */
    { "\x01\x00\x02\x00\x00", 5, PU_ERROR_PARSE },
    { "\x01\x00\x02\x09\x00", 5, PU_ERROR_PARSE },
    /* proxy without a name; names that are not labels */
    { "\x01\x00\x02\x01\x00", 5, PU_ERROR_PARSE },
    { "\x01\x00\x05\x01\x03SSH", 8, PU_ERROR_PARSE },
    { "\x01\x00\x05\x01\x03-ss", 8, PU_ERROR_PARSE },
    { "\x01\x00\x05\x01\x03s\x00h", 8, PU_ERROR_PARSE },
    { "\x01\x00\x04\x02\x02\xc3\xa9", 7, PU_ERROR_PARSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      PuStreamHeader header = { 0, "untouched" };
      gsize consumed = 0;

      g_assert_cmpint (pu_stream_header_decode ((const guint8 *) cases[i].hex, cases[i].len,
                                                &header, &consumed, &error), ==,
                       PU_STREAM_DECODE_MALFORMED);
      g_assert_error (error, PU_ERROR, cases[i].code);
      g_assert_cmpstr (header.service, ==, "untouched");
      g_assert_cmpuint (consumed, ==, 0);
    }
}

static void
test_header_extension_ignored (void)
{
  /* A later sender appended two bytes to the body: still decodes, all consumed. */
  static const guint8 data[] = { 0x01, 0x00, 0x06, 0x02, 0x02, 'h', 'i', 0xaa, 0xbb, 'X' };
  PuStreamHeader header;
  gsize consumed;

  g_assert_cmpint (pu_stream_header_decode (data, sizeof data, &header, &consumed, NULL), ==,
                   PU_STREAM_DECODE_OK);
  g_assert_cmpint (header.kind, ==, PU_STREAM_KIND_PING);
  g_assert_cmpstr (header.service, ==, "hi");
  g_assert_cmpuint (consumed, ==, 9);
}

static void
test_reply_round_trip (void)
{
  g_autofree char *longest = g_strnfill (PU_STREAM_STATUS_MESSAGE_MAX, 'x');
  const struct {
    PuStreamStatus status;
    const char    *message;
  } cases[] = {
    { PU_STREAM_STATUS_OK, NULL },
    { PU_STREAM_STATUS_DENIED, "you are not allowed to use “ssh”" },
    { PU_STREAM_STATUS_NO_SUCH_SERVICE, "no service “jellyfin” here" },
    { PU_STREAM_STATUS_UNREACHABLE, "127.0.0.1:22: connection refused" },
    { PU_STREAM_STATUS_UNREACHABLE, longest },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = pu_stream_reply_encode (cases[i].status, cases[i].message, &error);
      PuStreamReply reply;
      gsize len, consumed = 0;
      const guint8 *data;

      g_assert_no_error (error);
      data = g_bytes_get_data (bytes, &len);
      for (gsize n = 0; n < len; n++)
        g_assert_cmpint (pu_stream_reply_decode (data, n, &reply, &consumed, NULL), ==,
                         PU_STREAM_DECODE_NEED_MORE);
      g_assert_cmpint (pu_stream_reply_decode (data, len, &reply, &consumed, &error), ==,
                       PU_STREAM_DECODE_OK);
      g_assert_no_error (error);
      g_assert_cmpuint (consumed, ==, len);
      g_assert_cmpint (reply.status, ==, cases[i].status);
      g_assert_cmpstr (reply.message, ==, cases[i].message ? cases[i].message : "");
    }
}

static void
test_reply_refuses (void)
{
  g_autofree char *too_long = g_strnfill (PU_STREAM_STATUS_MESSAGE_MAX + 1, 'x');
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) a = pu_stream_reply_encode (PU_STREAM_STATUS_DENIED, too_long, &error);
  g_autoptr(GBytes) b = NULL;
  g_autoptr(GBytes) c = NULL;

  g_assert_null (a);
  g_assert_error (error, PU_ERROR, PU_ERROR_TOO_LARGE);
  g_clear_error (&error);

  b = pu_stream_reply_encode (PU_STREAM_STATUS_DENIED, "two\nlines", &error);
  g_assert_null (b);
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  c = pu_stream_reply_encode (PU_STREAM_STATUS_DENIED, "bad \xff utf-8", &error);
  g_assert_null (c);
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
}

static void
test_reply_malformed (void)
{
  static const struct {
    const char *hex;
    gsize       len;
  } cases[] = {
    { "\x03", 1 },
    { "\x01\x00\x00", 3 },
    { "\x01\x00\x02\x04\x00", 5 },                 /* unknown status */
    { "\x01\x00\x03\x01\x05x", 6 },                /* message overruns the body */
    { "\x01\x00\x04\x01\x02\x1b[", 7 },            /* control character */
    { "\x01\x00\x04\x01\x02\xc3\x28", 7 },         /* invalid UTF-8 */
    { "\x01\x00\x03\x01\x01\x00", 6 },             /* NUL */
  };
  g_autofree guint8 *long_message = g_malloc0 (3 + 2 + 201);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      PuStreamReply reply;
      gsize consumed;

      g_assert_cmpint (pu_stream_reply_decode ((const guint8 *) cases[i].hex, cases[i].len,
                                               &reply, &consumed, &error), ==,
                       PU_STREAM_DECODE_MALFORMED);
      g_assert_nonnull (error);
      g_assert_true (error->domain == PU_ERROR);
    }

  /* 201 printable bytes: one over the message cap, though within the body cap. */
  {
    g_autoptr(GError) error = NULL;
    PuStreamReply reply;
    gsize consumed;

    long_message[0] = 0x01;
    long_message[1] = 0x00;
    long_message[2] = 2 + 201;
    long_message[3] = PU_STREAM_STATUS_DENIED;
    long_message[4] = 201;
    memset (long_message + 5, 'y', 201);
    g_assert_cmpint (pu_stream_reply_decode (long_message, 3 + 2 + 201, &reply, &consumed,
                                             &error), ==, PU_STREAM_DECODE_MALFORMED);
    g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
  }
}

static void
test_names (void)
{
  g_assert_cmpstr (pu_stream_kind_to_string (PU_STREAM_KIND_PROXY), ==, "proxy");
  g_assert_cmpstr (pu_stream_kind_to_string (PU_STREAM_KIND_FILE), ==, "file");
  g_assert_cmpstr (pu_stream_status_to_string (PU_STREAM_STATUS_OK), ==, "ok");
  g_assert_cmpstr (pu_stream_status_to_string (PU_STREAM_STATUS_NO_SUCH_SERVICE), ==,
                   "no-such-service");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stream-header/header/round-trip", test_header_round_trip);
  g_test_add_func ("/stream-header/header/wire-form", test_header_wire_form);
  g_test_add_func ("/stream-header/header/encode-refuses", test_header_encode_refuses);
  g_test_add_func ("/stream-header/header/malformed", test_header_malformed);
  g_test_add_func ("/stream-header/header/extension-ignored", test_header_extension_ignored);
  g_test_add_func ("/stream-header/reply/round-trip", test_reply_round_trip);
  g_test_add_func ("/stream-header/reply/refuses", test_reply_refuses);
  g_test_add_func ("/stream-header/reply/malformed", test_reply_malformed);
  g_test_add_func ("/stream-header/names", test_names);

  return g_test_run ();
}
