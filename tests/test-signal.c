/* test-signal.c — ICE signaling messages
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "pu-error.h"
#include "pu-signal.h"

#define HOST_LINE "candidate:1 1 UDP 2015363327 192.0.2.7 40122 typ host"
#define SRFLX_LINE "candidate:3 1 UDP 1679819007 198.51.100.7 50000 typ srflx " \
                   "raddr 192.0.2.7 rport 40122"

static GBytes *
encode (const PuSignal *msg)
{
  g_autoptr(GError) error = NULL;
  GBytes *bytes = pu_signal_encode (msg, &error);

  g_assert_no_error (error);
  g_assert_nonnull (bytes);
  g_assert_cmpuint (g_bytes_get_size (bytes), <=, PU_SIGNAL_MAX_LEN);
  return bytes;
}

static void
decode_ok (GBytes   *bytes,
           PuSignal *out)
{
  g_autoptr(GError) error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  g_assert_true (pu_signal_decode (data, len, out, &error));
  g_assert_no_error (error);
}

static void
assert_refused (const guint8 *data,
                gsize         len,
                gint          code,
                const char   *message)
{
  g_autoptr(GError) error = NULL;
  PuSignal msg;

  g_assert_false (pu_signal_decode (data, len, &msg, &error));
  g_assert_error (error, PU_ERROR, code);
  if (strstr (error->message, message) == NULL)
    g_error ("expected \"%s\" in \"%s\"", message, error->message);
}

static void
test_credentials (void)
{
  PuSignal msg, back;
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *raw;

  pu_signal_init (&msg, PU_SIGNAL_CREDENTIALS, G_GUINT64_CONSTANT (0x0102030405060708), 3);
  strcpy (msg.ufrag, "aB3+");
  strcpy (msg.pwd, "0123456789abcdefghij/+XY");
  bytes = encode (&msg);
  raw = g_bytes_get_data (bytes, NULL);
  /* version, type, session, generation on the wire, big-endian */
  g_assert_cmpuint (raw[0], ==, 1);
  g_assert_cmpuint (raw[1], ==, PU_SIGNAL_CREDENTIALS);
  g_assert_cmpuint (raw[2], ==, 1);
  g_assert_cmpuint (raw[9], ==, 8);
  g_assert_cmpuint (raw[13], ==, 3);
  g_assert_cmpuint (g_bytes_get_size (bytes), ==, PU_SIGNAL_HEADER_LEN + 1 + 4 + 1 + 24);

  decode_ok (bytes, &back);
  g_assert_cmpint (back.type, ==, PU_SIGNAL_CREDENTIALS);
  g_assert_cmpuint (back.session, ==, msg.session);
  g_assert_cmpuint (back.generation, ==, 3);
  g_assert_cmpstr (back.ufrag, ==, "aB3+");
  g_assert_cmpstr (back.pwd, ==, msg.pwd);
}

static void
test_candidates (void)
{
  PuSignal msg, back;
  g_autoptr(GBytes) bytes = NULL;

  pu_signal_init (&msg, PU_SIGNAL_CANDIDATES, 42, 0);
  g_assert_true (pu_signal_add_candidate (&msg, "a=" HOST_LINE));
  g_assert_true (pu_signal_add_candidate (&msg, SRFLX_LINE));
  bytes = encode (&msg);
  decode_ok (bytes, &back);
  g_assert_cmpuint (back.n_candidates, ==, 2);
  g_assert_cmpstr (back.candidates[0], ==, HOST_LINE);
  g_assert_cmpstr (back.candidates[1], ==, SRFLX_LINE);

  /* Bounded: a full message takes no more. */
  for (guint i = 2; i < PU_SIGNAL_MAX_CANDIDATES; i++)
    g_assert_true (pu_signal_add_candidate (&msg, HOST_LINE));
  g_assert_false (pu_signal_add_candidate (&msg, HOST_LINE));
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = encode (&msg);
  decode_ok (bytes, &back);
  g_assert_cmpuint (back.n_candidates, ==, PU_SIGNAL_MAX_CANDIDATES);
}

static void
test_bad_candidate_lines (void)
{
  PuSignal msg;
  g_autofree char *long_line = g_strnfill (PU_SIGNAL_CANDIDATE_MAX + 1, 'x');

  memcpy (long_line, "candidate:", 10);
  pu_signal_init (&msg, PU_SIGNAL_CANDIDATES, 1, 0);
  g_assert_false (pu_signal_add_candidate (&msg, "candidate:"));
  g_assert_false (pu_signal_add_candidate (&msg, "m=audio 9 RTP/AVP 0"));
  g_assert_false (pu_signal_add_candidate (&msg, "candidate:1 1 UDP 1 h\r\nx 1 typ host"));
  g_assert_false (pu_signal_add_candidate (&msg, long_line));
  long_line[PU_SIGNAL_CANDIDATE_MAX] = '\0';
  g_assert_true (pu_signal_add_candidate (&msg, long_line));
}

static void
test_empty_types (void)
{
  const PuSignalType types[] = { PU_SIGNAL_END_OF_CANDIDATES, PU_SIGNAL_RESTART };

  for (guint i = 0; i < G_N_ELEMENTS (types); i++)
    {
      PuSignal msg, back;
      g_autoptr(GBytes) bytes = NULL;

      pu_signal_init (&msg, types[i], G_MAXUINT64, G_MAXUINT32);
      bytes = encode (&msg);
      g_assert_cmpuint (g_bytes_get_size (bytes), ==, PU_SIGNAL_HEADER_LEN);
      decode_ok (bytes, &back);
      g_assert_cmpint (back.type, ==, types[i]);
      g_assert_cmpuint (back.session, ==, G_MAXUINT64);
      g_assert_cmpuint (back.generation, ==, G_MAXUINT32);
    }
}

static void
test_encode_refuses (void)
{
  g_autoptr(GError) error = NULL;
  PuSignal msg;

  pu_signal_init (&msg, PU_SIGNAL_CREDENTIALS, 1, 0);
  strcpy (msg.ufrag, "abc");   /* shorter than 4 */
  strcpy (msg.pwd, "0123456789abcdefghijkl");
  g_assert_null (pu_signal_encode (&msg, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  strcpy (msg.ufrag, "ab c");  /* not an ICE character */
  g_assert_null (pu_signal_encode (&msg, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  pu_signal_init (&msg, PU_SIGNAL_CANDIDATES, 1, 0);
  g_assert_null (pu_signal_encode (&msg, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
}

static void
test_decode_refuses (void)
{
  guint8 buf[PU_SIGNAL_MAX_LEN + 1] = { 0 };
  const guint8 newer[PU_SIGNAL_HEADER_LEN] = { 2, PU_SIGNAL_RESTART };
  const guint8 unknown[PU_SIGNAL_HEADER_LEN] = { 1, 99 };
  const guint8 zero[PU_SIGNAL_HEADER_LEN] = { 0, PU_SIGNAL_RESTART };
  guint8 cands[PU_SIGNAL_HEADER_LEN + 64] = { 1, PU_SIGNAL_CANDIDATES };
  guint8 creds[PU_SIGNAL_HEADER_LEN + 64] = { 1, PU_SIGNAL_CREDENTIALS };
  gsize n;

  assert_refused (newer, sizeof newer, PU_ERROR_VERSION, "update Peer Up");
  assert_refused (zero, sizeof zero, PU_ERROR_PARSE, "unsupported version 0");
  assert_refused (unknown, sizeof unknown, PU_ERROR_PARSE, "unknown type");
  assert_refused (unknown, 5, PU_ERROR_PARSE, "truncated");
  assert_refused (NULL, 0, PU_ERROR_PARSE, "truncated");
  buf[0] = 1;
  buf[1] = PU_SIGNAL_RESTART;
  assert_refused (buf, sizeof buf, PU_ERROR_TOO_LARGE, "over the limit");

  /* Candidates: none, too many, a length past the end, an embedded NUL. */
  n = PU_SIGNAL_HEADER_LEN;
  assert_refused (cands, n, PU_ERROR_PARSE, "1 to 8 are allowed");
  cands[n] = 0;
  assert_refused (cands, n + 1, PU_ERROR_PARSE, "0 ICE candidates");
  cands[n] = PU_SIGNAL_MAX_CANDIDATES + 1;
  assert_refused (cands, n + 1, PU_ERROR_PARSE, "9 ICE candidates");
  cands[n] = 1;
  cands[n + 1] = 40;
  memcpy (cands + n + 2, "candidate:1", 11);
  assert_refused (cands, n + 2 + 11, PU_ERROR_PARSE, "malformed ICE candidate");
  cands[n + 1] = 13;
  memcpy (cands + n + 2, "candidate:1\0x", 13);
  assert_refused (cands, n + 2 + 13, PU_ERROR_PARSE, "malformed ICE candidate");

  /* Credentials: a password too short, a ufrag with a space. */
  n = PU_SIGNAL_HEADER_LEN;
  creds[n] = 4;
  memcpy (creds + n + 1, "abcd", 4);
  creds[n + 5] = 3;
  memcpy (creds + n + 6, "xyz", 3);
  assert_refused (creds, n + 9, PU_ERROR_PARSE, "malformed ICE credentials");
  memcpy (creds + n + 1, "ab d", 4);
  assert_refused (creds, n + 5, PU_ERROR_PARSE, "malformed ICE credentials");
}

static void
test_trailing_bytes_ignored (void)
{
  PuSignal msg, back;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GByteArray) longer = g_byte_array_new ();
  g_autoptr(GError) error = NULL;
  gsize len;
  const guint8 *data;

  pu_signal_init (&msg, PU_SIGNAL_END_OF_CANDIDATES, 7, 1);
  bytes = encode (&msg);
  data = g_bytes_get_data (bytes, &len);
  g_byte_array_append (longer, data, len);
  g_byte_array_append (longer, (const guint8 *) "future", 6);
  g_assert_true (pu_signal_decode (longer->data, longer->len, &back, &error));
  g_assert_no_error (error);
  g_assert_cmpint (back.type, ==, PU_SIGNAL_END_OF_CANDIDATES);
  g_assert_cmpuint (back.session, ==, 7);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/signal/credentials", test_credentials);
  g_test_add_func ("/signal/candidates", test_candidates);
  g_test_add_func ("/signal/bad-candidate-lines", test_bad_candidate_lines);
  g_test_add_func ("/signal/empty-types", test_empty_types);
  g_test_add_func ("/signal/encode-refuses", test_encode_refuses);
  g_test_add_func ("/signal/decode-refuses", test_decode_refuses);
  g_test_add_func ("/signal/trailing-bytes-ignored", test_trailing_bytes_ignored);

  return g_test_run ();
}
