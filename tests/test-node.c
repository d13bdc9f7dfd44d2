/* test-node.c — nodes talking through a real relay on loopback
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "pu-error.h"
#include "pu-node.h"
#include "pu-proxy.h"
#include "pu-test-relay.h"
#include "pu-test-util.h"

typedef struct {
  PuTestPair      pair;
  GSocketService *echo;
  guint16         echo_port;
  guint16         closed_port;
} Fixture;

static gboolean
guard_tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

static guint16
listen_loopback (GSocketListener *listener)
{
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  g_socket_listener_add_address (listener, addr, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &bound, &error);
  g_assert_no_error (error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketListener) closed = NULL;
  g_autofree char *echo = NULL;
  g_autofree char *dead = NULL;
  PuConfig *config;

  pu_test_pair_init (&fx->pair);

  /* Local services on "home": an echo server, and a port nobody listens on. */
  fx->echo = pu_test_echo_new (&fx->echo_port);
  closed = g_socket_listener_new ();
  fx->closed_port = listen_loopback (closed);
  g_socket_listener_close (closed);

  config = pu_profile_get_config (fx->pair.home);
  echo = g_strdup_printf ("127.0.0.1:%u", fx->echo_port);
  dead = g_strdup_printf ("127.0.0.1:%u", fx->closed_port);
  g_assert_true (pu_config_add_service (config, "echo", echo, &error));
  g_assert_true (pu_config_add_service (config, "dead", dead, &error));
  g_assert_true (pu_config_add_service (config, "off", echo, &error));
  g_assert_true (pu_config_set_service_enabled (config, "off", FALSE, &error));
  g_assert_no_error (error);
  pu_test_pair_start (&fx->pair);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  g_socket_service_stop (fx->echo);
  g_socket_listener_close (G_SOCKET_LISTENER (fx->echo));
  g_clear_object (&fx->echo);
  pu_test_pair_clear (&fx->pair);
}

typedef struct {
  gboolean  done;
  PuStream *stream;
  GError   *error;
} Result;

static void
test_ping (Fixture       *fx,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 rtt = pu_test_ping (fx->pair.laptop_node, pu_test_peer_of (fx->pair.home), &error);

  g_assert_no_error (error);
  g_assert_cmpint (rtt, >, 0);

  /* The second ping reuses the connection. */
  pu_test_ping (fx->pair.laptop_node, pu_test_peer_of (fx->pair.home), &error);
  g_assert_no_error (error);
}

static void
open_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Result *r = user_data;

  r->stream = pu_node_open_stream_finish (PU_NODE (object), result, &r->error);
  r->done = TRUE;
}

static void
assert_refused (Fixture    *fx,
                PuNode     *node,
                const char *service,
                gint        code,
                const char *message)
{
  Result r = { 0 };

  pu_node_open_stream_async (node, pu_test_peer_of (fx->pair.home), PU_STREAM_KIND_PROXY, service,
                             NULL, open_cb, &r);
  pu_test_run_until (&r.done);
  g_assert_null (r.stream);
  g_assert_nonnull (r.error);
  if (code >= 0)
    g_assert_cmpint (r.error->code, ==, code);
  if (strstr (r.error->message, message) == NULL)
    g_error ("expected \"%s\" in \"%s\"", message, r.error->message);
  g_clear_error (&r.error);
}

static void
test_refusals (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *laptop_only[] = { "someone-else", NULL };
  PuConfig *config = pu_profile_get_config (fx->pair.home);

  assert_refused (fx, fx->pair.laptop_node, "nope", PU_ERROR_NOT_FOUND,
                  "service nope is not exposed by home");
  assert_refused (fx, fx->pair.laptop_node, "off", PU_ERROR_NOT_FOUND,
                  "service off is not exposed by home");
  assert_refused (fx, fx->pair.laptop_node, "dead", PU_ERROR_FAILED,
                  "service dead on home is not reachable");

  /* Allowed peers are names or IDs; laptop is neither here. */
  pu_config_set_name (config, "someone-else", pu_test_peer_of (fx->pair.home), &error);
  g_assert_no_error (error);
  pu_config_set_service_allowed (config, "echo", laptop_only, &error);
  g_assert_no_error (error);
  assert_refused (fx, fx->pair.laptop_node, "echo", PU_ERROR_PERMISSIONS,
                  "you are not allowed to use service echo on home");
}

static void
test_unauthorized (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) stranger = pu_test_relay_add_device (fx->pair.relay, "stranger");
  g_autoptr(PuNode) node = pu_node_new (stranger, FALSE, &error);

  g_assert_no_error (error);
  pu_node_start (node);

  /* Refused in the handshake: the error says who can fix it. */
  assert_refused (fx, node, "echo", G_IO_ERROR_PERMISSION_DENIED, "You are not authorized by");

  /* authorized_keys edits apply to the next connection, without restart. */
  pu_trust_store_add (pu_profile_get_trust_store (fx->pair.home), pu_test_peer_of (stranger), NULL,
                      0, &error);
  g_assert_no_error (error);
  pu_test_ping (node, pu_test_peer_of (fx->pair.home), &error);
  g_assert_no_error (error);
}

static void
test_offline (Fixture       *fx,
              gconstpointer  data)
{
  g_autoptr(PuIdentity) nobody = pu_identity_generate ();
  g_autoptr(GError) error = NULL;

  /* The relay says nobody is there, which ends the dial early. */
  pu_test_ping (fx->pair.laptop_node, pu_identity_get_peer_id (nobody), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_HOST_UNREACHABLE);
  g_assert_nonnull (strstr (error->message, "is offline: it is not connected to the relay"));
}

/* One TCP client through the proxy: send, half-close, read the echo. */
typedef struct {
  GSocketConnection *conn;
  GBytes            *sent;
  GByteArray        *received;
  guint8             buf[16384];
  guint             *n_done;
} Client;

static void
client_read_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Client *c = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);

  g_assert_no_error (error);
  if (n == 0)
    {
      (*c->n_done)++;
      return;
    }
  g_byte_array_append (c->received, c->buf, n);
  g_input_stream_read_async (G_INPUT_STREAM (object), c->buf, sizeof c->buf, G_PRIORITY_DEFAULT,
                             NULL, client_read_cb, c);
}

static void
client_written_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  Client *c = user_data;
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error);
  g_assert_no_error (error);
  g_socket_shutdown (g_socket_connection_get_socket (c->conn), FALSE, TRUE, &error);
  g_assert_no_error (error);
}

static void
client_connected_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  Client *c = user_data;
  g_autoptr(GError) error = NULL;
  GIOStream *io;

  c->conn = g_socket_client_connect_finish (G_SOCKET_CLIENT (object), result, &error);
  g_assert_no_error (error);
  io = G_IO_STREAM (c->conn);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (io),
                                   g_bytes_get_data (c->sent, NULL), g_bytes_get_size (c->sent),
                                   G_PRIORITY_DEFAULT, NULL, client_written_cb, c);
  g_input_stream_read_async (g_io_stream_get_input_stream (io), c->buf, sizeof c->buf,
                             G_PRIORITY_DEFAULT, NULL, client_read_cb, c);
}

static GBytes *
random_bytes (gsize len)
{
  guint8 *data = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    data[i] = g_random_int ();
  return g_bytes_new_take (data, len);
}

static void
stream_failed_cb (PuProxy      *proxy,
                  const GError *error,
                  gpointer      user_data)
{
  g_error ("A proxied connection failed: %s", error->message);
}

static void
run_proxy_clients (Fixture *fx,
                   guint    n_clients,
                   gsize    size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketClient) socket_client = g_socket_client_new ();
  g_autoptr(PuProxy) proxy = NULL;
  g_autofree Client *clients = g_new0 (Client, n_clients);
  guint n_done = 0;
  gint64 deadline = g_get_monotonic_time () + 2 * PU_TEST_GUARD_SECONDS * G_USEC_PER_SEC;
  guint tick = g_timeout_add (100, guard_tick, NULL);

  proxy = pu_proxy_new (fx->pair.laptop_node, pu_test_peer_of (fx->pair.home), "echo",
                        G_INET_SOCKET_ADDRESS (addr), &error);
  g_assert_no_error (error);
  g_signal_connect (proxy, "stream-failed", G_CALLBACK (stream_failed_cb), NULL);

  for (guint i = 0; i < n_clients; i++)
    {
      clients[i].sent = random_bytes (size);
      clients[i].received = g_byte_array_new ();
      clients[i].n_done = &n_done;
      g_socket_client_connect_to_host_async (socket_client, "127.0.0.1",
                                             pu_proxy_get_port (proxy), NULL,
                                             client_connected_cb, &clients[i]);
    }

  while (n_done < n_clients)
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);

  for (guint i = 0; i < n_clients; i++)
    {
      gsize len;
      const guint8 *sent = g_bytes_get_data (clients[i].sent, &len);

      /* Byte-identical, and the echo server's half-close came through. */
      g_assert_cmpmem (clients[i].received->data, clients[i].received->len, sent, len);
      g_bytes_unref (clients[i].sent);
      g_byte_array_unref (clients[i].received);
      g_io_stream_close (G_IO_STREAM (clients[i].conn), NULL, NULL);
      g_object_unref (clients[i].conn);
    }
}

static void
test_proxy_transfer (Fixture       *fx,
                     gconstpointer  data)
{
  run_proxy_clients (fx, 1, 8 * 1024 * 1024);
}

static void
test_proxy_concurrent (Fixture       *fx,
                       gconstpointer  data)
{
  run_proxy_clients (fx, 200, 20 * 1024);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/node/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("ping", test_ping);
  ADD ("refusals", test_refusals);
  ADD ("unauthorized", test_unauthorized);
  ADD ("offline", test_offline);
  ADD ("proxy-transfer", test_proxy_transfer);
  ADD ("proxy-concurrent", test_proxy_concurrent);
#undef ADD

  return g_test_run ();
}
