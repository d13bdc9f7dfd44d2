/* test-stun.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "pu-error.h"
#include "pu-stun.h"

static GInetSocketAddress *
address (const char *ip,
         guint16     port)
{
  g_autoptr(GInetAddress) inet = g_inet_address_new_from_string (ip);

  return G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (inet, port));
}

static GInetSocketAddress *
answer_and_parse (const char *ip,
                  guint16     port)
{
  g_autoptr(GInetSocketAddress) from = address (ip, port);
  guint8 txid[PU_STUN_TXID_LEN];
  g_autoptr(GBytes) request = pu_stun_binding_request_new (txid);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;
  GInetSocketAddress *mapped;
  gsize len;
  const guint8 *raw = g_bytes_get_data (request, &len);

  answer = pu_stun_answer (raw, len, from, &error);
  g_assert_no_error (error);
  g_assert_nonnull (answer);
  raw = g_bytes_get_data (answer, &len);
  mapped = pu_stun_parse_binding_response (raw, len, txid, &error);
  g_assert_no_error (error);
  g_assert_nonnull (mapped);
  return mapped;
}

static void
assert_address (GInetSocketAddress *addr,
                const char         *ip,
                guint16             port)
{
  g_autofree char *text = g_inet_address_to_string (g_inet_socket_address_get_address (addr));

  g_assert_cmpstr (text, ==, ip);
  g_assert_cmpuint (g_inet_socket_address_get_port (addr), ==, port);
}

static void
test_binding (void)
{
  g_autoptr(GInetSocketAddress) v4 = answer_and_parse ("198.51.100.7", 40122);
  g_autoptr(GInetSocketAddress) v6 = answer_and_parse ("2001:db8::1:2", 7);
  g_autoptr(GInetSocketAddress) mapped = answer_and_parse ("::ffff:203.0.113.5", 65535);

  assert_address (v4, "198.51.100.7", 40122);
  assert_address (v6, "2001:db8::1:2", 7);
  /* An IPv4 client seen on a dual-stack socket is answered as IPv4. */
  assert_address (mapped, "203.0.113.5", 65535);
}

/* A request with attributes (type, 4-byte value) and a fingerprint. */
static GByteArray *
request_with (guint16 attr)
{
  g_autoptr(GBytes) plain = NULL;
  GByteArray *buf;
  guint8 txid[PU_STUN_TXID_LEN];

  plain = pu_stun_binding_request_new (txid);
  buf = g_byte_array_new ();
  /* header only: the plain request's fingerprint is dropped */
  g_byte_array_append (buf, g_bytes_get_data (plain, NULL), PU_STUN_HEADER_LEN);
  g_byte_array_append (buf, (const guint8[]) { attr >> 8, attr & 0xff, 0, 4, 0, 0, 0, 1 }, 8);
  buf->data[2] = 0;
  buf->data[3] = 8;
  return buf;
}

static void
test_unknown_attribute (void)
{
  g_autoptr(GByteArray) req = request_with (0x0024);  /* PRIORITY: ICE only */
  g_autoptr(GByteArray) optional = request_with (0x8022);  /* SOFTWARE */
  g_autoptr(GInetSocketAddress) from = address ("192.0.2.1", 1);
  g_autoptr(GBytes) answer = pu_stun_answer (req->data, req->len, from, NULL);
  g_autoptr(GBytes) answer2 = pu_stun_answer (optional->data, optional->len, from, NULL);
  const guint8 *raw;
  gsize len;

  g_assert_nonnull (answer);
  raw = g_bytes_get_data (answer, &len);
  g_assert_cmphex (raw[0] << 8 | raw[1], ==, 0x0111);
  /* ERROR-CODE 420 */
  g_assert_cmphex (raw[20] << 8 | raw[21], ==, 0x0009);
  g_assert_cmpuint (raw[26], ==, 4);
  g_assert_cmpuint (raw[27], ==, 20);
  g_assert_null (pu_stun_parse_binding_response (raw, len, req->data + 8, NULL));

  /* Unknown optional attributes are ignored. */
  g_assert_nonnull (answer2);
  raw = g_bytes_get_data (answer2, NULL);
  g_assert_cmphex (raw[0] << 8 | raw[1], ==, 0x0101);
}

static void
assert_refused (const guint8 *data,
                gsize         len)
{
  g_autoptr(GInetSocketAddress) from = address ("192.0.2.1", 1);
  g_autoptr(GError) error = NULL;

  g_assert_null (pu_stun_answer (data, len, from, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
}

static void
test_bad_requests (void)
{
  guint8 txid[PU_STUN_TXID_LEN];
  g_autoptr(GBytes) request = pu_stun_binding_request_new (txid);
  gsize len = g_bytes_get_size (request);
  g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (request, NULL), len);
  g_autofree guint8 *big = g_malloc0 (PU_STUN_MAX_MESSAGE + 4);
  g_autoptr(GByteArray) overrun = request_with (0x8022);
  g_autoptr(GByteArray) misplaced = NULL;
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GInetSocketAddress) from = address ("192.0.2.1", 1);

  assert_refused (copy, 0);
  assert_refused (copy, PU_STUN_HEADER_LEN - 1);
  assert_refused (copy, len - 4);         /* length field disagrees */

  copy[len - 1] ^= 1;                      /* wrong fingerprint */
  assert_refused (copy, len);
  copy[len - 1] ^= 1;

  copy[4] ^= 1;                            /* no magic cookie: RFC 3489 */
  copy[3] ^= 4;                            /* whose length disagrees */
  assert_refused (copy, len);
  copy[3] ^= 4;
  copy[4] ^= 1;

  copy[0] |= 0x80;                         /* not STUN (first bits set) */
  assert_refused (copy, len);
  copy[0] &= 0x3f;

  copy[1] = 0x11;                          /* an indication, not a request */
  assert_refused (copy, len);
  copy[1] = 0x01;

  answer = pu_stun_answer (copy, len, from, NULL);
  g_assert_nonnull (answer);

  overrun->data[23] = 8;                   /* attribute longer than the message */
  assert_refused (overrun->data, overrun->len);

  /* a fingerprint followed by more attributes */
  misplaced = g_byte_array_new ();
  g_byte_array_append (misplaced, copy, len);
  g_byte_array_append (misplaced, (const guint8[]) { 0x80, 0x22, 0, 0 }, 4);
  misplaced->data[3] += 4;
  assert_refused (misplaced->data, misplaced->len);

  memcpy (big, copy, PU_STUN_HEADER_LEN);
  big[2] = (PU_STUN_MAX_MESSAGE + 4 - 20) >> 8;
  big[3] = (PU_STUN_MAX_MESSAGE + 4 - 20) & 0xff;
  assert_refused (big, PU_STUN_MAX_MESSAGE + 4);
}

/* An RFC 3489 request (no magic cookie, 16-byte transaction ID), as libnice
 * sends for server-reflexive candidates: MAPPED-ADDRESS, in the clear. */
static void
assert_classic_answer (const char   *ip,
                       guint16       port,
                       const guint8 *want,
                       gsize         want_len)
{
  static const guint8 request[20] = { 0, 1, 0, 0, 0x90, 0x46, 0xea, 0x5d, 1, 2, 3, 4, 5, 6, 7,
                                      8, 9, 10, 11, 12 };
  g_autoptr(GInetSocketAddress) from = address (ip, port);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) answer = pu_stun_answer (request, sizeof request, from, &error);
  gsize len;
  const guint8 *raw;

  g_assert_no_error (error);
  raw = g_bytes_get_data (answer, &len);
  g_assert_cmpuint (len, ==, 20 + 4 + want_len);
  g_assert_cmpuint (raw[0] << 8 | raw[1], ==, 0x0101);
  g_assert_cmpuint (raw[2] << 8 | raw[3], ==, 4 + want_len);
  g_assert_cmpmem (raw + 4, 16, request + 4, 16);
  g_assert_cmpmem (raw + 20, 4, ((const guint8[]) { 0, 1, 0, want_len }), 4);
  g_assert_cmpmem (raw + 24, want_len, want, want_len);
}

static void
test_classic (void)
{
  static const guint8 v4[] = { 0, 1, 0x9c, 0xba, 198, 51, 100, 7 };
  static const guint8 v6[] = { 0, 2, 0, 7, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
                               0, 2 };

  assert_classic_answer ("198.51.100.7", 40122, v4, sizeof v4);
  assert_classic_answer ("::ffff:198.51.100.7", 40122, v4, sizeof v4);
  assert_classic_answer ("2001:db8::1:2", 7, v6, sizeof v6);
}

static void
test_bad_responses (void)
{
  g_autoptr(GInetSocketAddress) from = address ("192.0.2.1", 1);
  guint8 txid[PU_STUN_TXID_LEN];
  guint8 other[PU_STUN_TXID_LEN] = { 0 };
  g_autoptr(GBytes) request = pu_stun_binding_request_new (txid);
  g_autoptr(GBytes) answer = NULL;
  g_autoptr(GError) error = NULL;

  answer = pu_stun_answer (g_bytes_get_data (request, NULL), g_bytes_get_size (request), from,
                           NULL);
  g_assert_null (pu_stun_parse_binding_response (g_bytes_get_data (answer, NULL),
                                                 g_bytes_get_size (answer), other, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
  g_clear_error (&error);

  /* A request is not a response. */
  g_assert_null (pu_stun_parse_binding_response (g_bytes_get_data (request, NULL),
                                                 g_bytes_get_size (request), txid, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/stun/binding", test_binding);
  g_test_add_func ("/stun/unknown-attribute", test_unknown_attribute);
  g_test_add_func ("/stun/bad-requests", test_bad_requests);
  g_test_add_func ("/stun/classic", test_classic);
  g_test_add_func ("/stun/bad-responses", test_bad_responses);

  return g_test_run ();
}
