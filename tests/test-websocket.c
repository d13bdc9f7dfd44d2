/* test-websocket.c — WebSocket frames and the message phase over a socket pair
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <sys/socket.h>

#include "pu-error.h"
#include "pu-test-util.h"
#include "pu-websocket.h"

#define MAX_MESSAGE (16 * 1024)

static void
expect_parse (const guint8     *data,
              gsize             len,
              PuWebsocketRole   role,
              int               want,
              gint              error_code)
{
  g_autoptr(GError) error = NULL;
  PuWebsocketFrame frame;

  g_assert_cmpint (pu_websocket_frame_parse (data, len, role, MAX_MESSAGE, &frame, &error), ==,
                   want);
  if (want < 0)
    g_assert_error (error, PU_ERROR, error_code);
  else
    g_assert_no_error (error);
}

static void
test_frame_parse (void)
{
  const guint8 masked[] = { 0x82, 0x83, 1, 2, 3, 4, 'a', 'b', 'c' };
  const guint8 medium[] = { 0x02, 0x7e, 0x01, 0x00 };
  const guint8 not_shortest[] = { 0x82, 0x7e, 0x00, 0x10 };
  const guint8 huge[] = { 0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0 };
  const guint8 too_large[] = { 0x82, 0x7e, 0x40, 0x01 };
  const guint8 fragmented_ping[] = { 0x09, 0x00 };
  const guint8 long_ping[] = { 0x89, 0x7e, 0x00, 0x80 };
  const guint8 reserved[] = { 0xc2, 0x00 };
  const guint8 unknown[] = { 0x83, 0x00 };
  g_autoptr(GError) error = NULL;
  PuWebsocketFrame frame;

  g_assert_cmpint (pu_websocket_frame_parse (masked, sizeof masked, PU_WEBSOCKET_SERVER,
                                             MAX_MESSAGE, &frame, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_true (frame.fin);
  g_assert_cmpuint (frame.opcode, ==, 2);
  g_assert_true (frame.masked);
  g_assert_cmpmem (frame.mask, 4, masked + 2, 4);
  g_assert_cmpuint (frame.payload_len, ==, 3);
  g_assert_cmpuint (frame.header_len, ==, 6);

  /* A whole header is needed, the mask included; the payload is not. */
  for (gsize len = 0; len < 6; len++)
    expect_parse (masked, len, PU_WEBSOCKET_SERVER, 0, 0);
  expect_parse (masked, 6, PU_WEBSOCKET_SERVER, 1, 0);

  g_assert_cmpint (pu_websocket_frame_parse (medium, sizeof medium, PU_WEBSOCKET_CLIENT,
                                             MAX_MESSAGE, &frame, NULL), ==, 1);
  g_assert_false (frame.fin);
  g_assert_cmpuint (frame.payload_len, ==, 256);
  g_assert_cmpuint (frame.header_len, ==, 4);

  expect_parse (masked, sizeof masked, PU_WEBSOCKET_CLIENT, -1, PU_ERROR_PARSE);
  expect_parse (medium, sizeof medium, PU_WEBSOCKET_SERVER, -1, PU_ERROR_PARSE);
  expect_parse (not_shortest, sizeof not_shortest, PU_WEBSOCKET_CLIENT, -1, PU_ERROR_PARSE);
  expect_parse (huge, sizeof huge, PU_WEBSOCKET_CLIENT, -1, PU_ERROR_PARSE);
  expect_parse (too_large, sizeof too_large, PU_WEBSOCKET_CLIENT, -1, PU_ERROR_TOO_LARGE);
  expect_parse (fragmented_ping, sizeof fragmented_ping, PU_WEBSOCKET_CLIENT, -1,
                PU_ERROR_PARSE);
  expect_parse (long_ping, sizeof long_ping, PU_WEBSOCKET_CLIENT, -1, PU_ERROR_PARSE);
  expect_parse (reserved, sizeof reserved, PU_WEBSOCKET_CLIENT, -1, PU_ERROR_PARSE);
  expect_parse (unknown, sizeof unknown, PU_WEBSOCKET_CLIENT, -1, PU_ERROR_PARSE);
}

static void
test_mask (void)
{
  const guint8 mask[4] = { 0x12, 0x34, 0x56, 0x78 };
  guint8 data[37], expected[37];

  for (gsize len = 0; len <= sizeof data; len++)
    {
      for (gsize i = 0; i < len; i++)
        {
          data[i] = (guint8) (i * 7);
          expected[i] = data[i] ^ mask[i % 4];
        }
      pu_websocket_mask (data, len, mask);
      g_assert_cmpmem (data, len, expected, len);
    }
}

/* Two ends of a stream socket pair. */
static void
socket_pair (GIOStream **a,
             GIOStream **b)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) sa = NULL;
  g_autoptr(GSocket) sb = NULL;
  int fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  sa = g_socket_new_from_fd (fds[0], &error);
  g_assert_no_error (error);
  sb = g_socket_new_from_fd (fds[1], &error);
  g_assert_no_error (error);
  *a = G_IO_STREAM (g_socket_connection_factory_create_connection (sa));
  *b = G_IO_STREAM (g_socket_connection_factory_create_connection (sb));
}

typedef struct {
  GPtrArray *messages;  /* GBytes */
  GBytes    *text;
  gboolean   closed;
} Peer;

static void
on_message (PuWebsocket *ws,
            GBytes      *message,
            Peer        *peer)
{
  g_ptr_array_add (peer->messages, g_bytes_ref (message));
}

static void
on_text (PuWebsocket *ws,
         GBytes      *message,
         Peer        *peer)
{
  g_clear_pointer (&peer->text, g_bytes_unref);
  peer->text = g_bytes_ref (message);
}

static void
on_closed (PuWebsocket *ws,
           Peer        *peer)
{
  peer->closed = TRUE;
}

static PuWebsocket *
peer_new (Peer            *peer,
          GIOStream       *stream,
          PuWebsocketRole  role)
{
  PuWebsocket *ws = pu_websocket_new (stream, role, MAX_MESSAGE, NULL, 0);

  peer->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_signal_connect (ws, "message", G_CALLBACK (on_message), peer);
  g_signal_connect (ws, "text", G_CALLBACK (on_text), peer);
  g_signal_connect (ws, "closed", G_CALLBACK (on_closed), peer);
  return ws;
}

static void
wait_messages (Peer  *peer,
               guint  n)
{
  pu_test_run_until_count (&peer->messages->len, n);
}

static void
test_exchange (void)
{
  g_autoptr(GIOStream) a = NULL;
  g_autoptr(GIOStream) b = NULL;
  g_autoptr(PuWebsocket) client = NULL;
  g_autoptr(PuWebsocket) server = NULL;
  g_autofree guint8 *big = g_malloc (MAX_MESSAGE);
  Peer c = { 0 }, s = { 0 };

  socket_pair (&a, &b);
  client = peer_new (&c, a, PU_WEBSOCKET_CLIENT);
  server = peer_new (&s, b, PU_WEBSOCKET_SERVER);
  for (gsize i = 0; i < MAX_MESSAGE; i++)
    big[i] = (guint8) (i * 13);

  /* Head and payload arrive as one message, masked or not. */
  g_assert_true (pu_websocket_send (client, (const guint8 *) "he", 2, (const guint8 *) "llo", 3,
                                    FALSE, NULL));
  g_assert_true (pu_websocket_send (client, big, 100, big + 100, MAX_MESSAGE - 100, FALSE,
                                    NULL));
  g_assert_true (pu_websocket_send (client, NULL, 0, NULL, 0, FALSE, NULL));
  g_assert_true (pu_websocket_send (server, NULL, 0, big, 300, FALSE, NULL));
  wait_messages (&s, 3);
  wait_messages (&c, 1);
  g_assert_cmpmem (g_bytes_get_data (s.messages->pdata[0], NULL),
                   g_bytes_get_size (s.messages->pdata[0]), "hello", 5);
  g_assert_cmpmem (g_bytes_get_data (s.messages->pdata[1], NULL),
                   g_bytes_get_size (s.messages->pdata[1]), big, MAX_MESSAGE);
  g_assert_cmpuint (g_bytes_get_size (s.messages->pdata[2]), ==, 0);
  g_assert_cmpmem (g_bytes_get_data (c.messages->pdata[0], NULL),
                   g_bytes_get_size (c.messages->pdata[0]), big, 300);

  /* The closing handshake: both ends learn the code, nothing more is sent. */
  pu_websocket_close (client, PU_WEBSOCKET_CLOSE_GOING_AWAY, "bye");
  g_assert_cmpint (pu_websocket_get_state (client), ==, PU_WEBSOCKET_CLOSING);
  g_assert_false (pu_websocket_send (client, NULL, 0, big, 1, FALSE, NULL));
  pu_test_run_until (&s.closed);
  pu_test_run_until (&c.closed);
  g_assert_cmpuint (pu_websocket_get_close_code (server), ==, PU_WEBSOCKET_CLOSE_GOING_AWAY);
  g_assert_cmpuint (pu_websocket_get_close_code (client), ==, PU_WEBSOCKET_CLOSE_GOING_AWAY);
  g_assert_cmpint (pu_websocket_get_state (server), ==, PU_WEBSOCKET_CLOSED);
  g_assert_cmpuint (s.messages->len, ==, 3);

  g_ptr_array_unref (c.messages);
  g_ptr_array_unref (s.messages);
}

/* Writes @len raw bytes on @stream and reads back exactly @want_len. */
static void
raw_exchange (GIOStream    *stream,
              const guint8 *data,
              gsize         len,
              const guint8 *want,
              gsize         want_len)
{
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *got = g_malloc (want_len + 1);
  GSocket *socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream));
  gsize n = 0;

  g_assert_cmpint (g_socket_send (socket, (const char *) data, len, NULL, &error), ==, len);
  g_assert_no_error (error);
  while (n < want_len)
    {
      gssize r;

      g_main_context_iteration (NULL, FALSE);
      r = g_socket_receive_with_blocking (socket, (char *) got + n, want_len - n, FALSE, NULL,
                                          NULL);
      if (r > 0)
        n += r;
    }
  g_assert_cmpmem (got, n, want, want_len);
}

static void
test_raw_peer (void)
{
  /* "ab", a ping in the middle, then "cd": masked, as a client must. */
  const guint8 fragments[] = {
    0x02, 0x82, 0, 0, 0, 0, 'a', 'b',
    0x89, 0x81, 1, 1, 1, 1, 'p' ^ 1,
    0x80, 0x82, 0, 0, 0, 0, 'c', 'd',
  };
  const guint8 pong[] = { 0x8a, 0x01, 'p' };
  const guint8 text[] = { 0x81, 0x81, 0, 0, 0, 0, 'x' };
  const guint8 not_utf8[] = { 0x81, 0x81, 0, 0, 0, 0, 0xff };
  const guint8 close_bad_data[] = { 0x88, 0x02, 0x03, 0xef };
  g_autoptr(GIOStream) a = NULL;
  g_autoptr(GIOStream) b = NULL;
  g_autoptr(PuWebsocket) server = NULL;
  Peer s = { 0 };

  socket_pair (&a, &b);
  server = peer_new (&s, b, PU_WEBSOCKET_SERVER);

  raw_exchange (a, fragments, sizeof fragments, pong, sizeof pong);
  wait_messages (&s, 1);
  g_assert_cmpmem (g_bytes_get_data (s.messages->pdata[0], NULL),
                   g_bytes_get_size (s.messages->pdata[0]), "abcd", 4);

  /* Text goes to its own signal, and only if it is UTF-8. */
  raw_exchange (a, text, sizeof text, NULL, 0);
  while (s.text == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpmem (g_bytes_get_data (s.text, NULL), g_bytes_get_size (s.text), "x", 1);
  raw_exchange (a, not_utf8, sizeof not_utf8, close_bad_data, sizeof close_bad_data);
  pu_test_run_until (&s.closed);
  g_assert_cmpuint (s.messages->len, ==, 1);

  g_clear_pointer (&s.text, g_bytes_unref);
  g_ptr_array_unref (s.messages);
}

static void
test_oversize (void)
{
  /* One byte over the limit, unmasked: a client-side check. */
  const guint8 big[] = { 0x82, 0x7e, 0x40, 0x01 };
  const guint8 close_too_big_masked_len = 0x82;
  g_autoptr(GIOStream) a = NULL;
  g_autoptr(GIOStream) b = NULL;
  g_autoptr(PuWebsocket) client = NULL;
  g_autoptr(GError) error = NULL;
  GSocket *socket;
  guint8 got[8];
  gsize n = 0;
  Peer c = { 0 };

  socket_pair (&a, &b);
  client = peer_new (&c, a, PU_WEBSOCKET_CLIENT);
  socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (b));
  g_assert_cmpint (g_socket_send (socket, (const char *) big, sizeof big, NULL, &error), ==,
                   sizeof big);

  /* The client answers with a masked close frame carrying 1009. */
  while (n < sizeof got)
    {
      gssize r;

      g_main_context_iteration (NULL, FALSE);
      r = g_socket_receive_with_blocking (socket, (char *) got + n, sizeof got - n, FALSE,
                                          NULL, NULL);
      if (r > 0)
        n += r;
    }
  g_assert_cmpuint (got[0], ==, 0x88);
  g_assert_cmpuint (got[1], ==, close_too_big_masked_len);
  pu_websocket_mask (got + 6, 2, got + 2);
  g_assert_cmpuint (got[6] << 8 | got[7], ==, PU_WEBSOCKET_CLOSE_TOO_BIG);
  pu_test_run_until (&c.closed);
  g_assert_cmpuint (c.messages->len, ==, 0);

  g_ptr_array_unref (c.messages);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/websocket/frame-parse", test_frame_parse);
  g_test_add_func ("/websocket/mask", test_mask);
  g_test_add_func ("/websocket/exchange", test_exchange);
  g_test_add_func ("/websocket/raw-peer", test_raw_peer);
  g_test_add_func ("/websocket/oversize", test_oversize);

  return g_test_run ();
}
