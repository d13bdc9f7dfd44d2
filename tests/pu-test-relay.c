/* pu-test-relay.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-test-relay.h"

#include "pu-test-util.h"

PuTestRelay *
pu_test_relay_new (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autofree char *trust_path = g_build_filename (dir, "relay-authorized_keys", NULL);
  g_autofree char *id = NULL;
  PuTestRelay *relay = g_new0 (PuTestRelay, 1);

  relay->dir = g_strdup (dir);
  relay->identity = pu_identity_generate ();
  relay->trust = pu_trust_store_new (trust_path, &error);
  g_assert_no_error (error);
  /* The free TCP port the system picks may be taken on UDP (STUN shares
   * its number) by another process: then another port. */
  for (guint attempt = 0; attempt < 8; attempt++)
    {
      g_clear_error (&error);
      g_clear_object (&relay->server);
      relay->server = pu_relay_server_new (relay->identity, relay->trust, &error);
      g_assert_no_error (error);
      if (pu_relay_server_listen (relay->server, G_INET_SOCKET_ADDRESS (addr), &error) ||
          !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        break;
    }
  g_assert_no_error (error);
  id = pu_peer_id_to_string (pu_relay_server_get_peer_id (relay->server));
  relay->addr = g_strdup_printf ("/ip4/127.0.0.1/tcp/%u/p2p/%s",
                                 pu_relay_server_get_port (relay->server), id);
  return relay;
}

void
pu_test_relay_free (PuTestRelay *relay)
{
  pu_relay_server_stop (relay->server);
  g_clear_object (&relay->server);
  g_clear_object (&relay->trust);
  g_clear_object (&relay->identity);
  g_free (relay->addr);
  g_free (relay->dir);
  g_free (relay);
}

PuProfile *
pu_test_relay_add_device (PuTestRelay *relay,
                          const char  *name)
{
  g_autofree char *path = g_build_filename (relay->dir, name, "config.ini", NULL);
  g_autoptr(GError) error = NULL;
  PuProfile *profile = pu_profile_init (path, name, relay->addr, NULL, &error);

  g_assert_no_error (error);
  pu_trust_store_add (relay->trust, pu_test_peer_of (profile), name, 0, &error);
  g_assert_no_error (error);
  return profile;
}

typedef struct {
  gboolean  done;
  gint64    rtt;
  GError   *error;
} Ping;

static void
ping_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Ping *ping = user_data;

  ping->rtt = pu_node_ping_finish (PU_NODE (object), result, &ping->error);
  ping->done = TRUE;
}

const PuPeerId *
pu_test_peer_of (PuProfile *profile)
{
  return pu_identity_get_peer_id (pu_profile_get_identity (profile));
}

gint64
pu_test_ping (PuNode          *node,
              const PuPeerId  *peer,
              GError         **error)
{
  Ping ping = { 0 };

  pu_node_ping_async (node, peer, NULL, ping_cb, &ping);
  pu_test_run_until (&ping.done);
  if (ping.error != NULL)
    g_propagate_error (error, ping.error);
  return ping.rtt;
}

static void
echo_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GSocketConnection) conn = user_data;

  g_output_stream_splice_finish (G_OUTPUT_STREAM (object), result, NULL);
  g_socket_shutdown (g_socket_connection_get_socket (conn), FALSE, TRUE, NULL);
}

static gboolean
echo_incoming_cb (GSocketService    *service,
                  GSocketConnection *conn,
                  GObject           *source,
                  gpointer           user_data)
{
  GIOStream *io = G_IO_STREAM (conn);

  g_output_stream_splice_async (g_io_stream_get_output_stream (io),
                                g_io_stream_get_input_stream (io), G_OUTPUT_STREAM_SPLICE_NONE,
                                G_PRIORITY_DEFAULT, NULL, echo_done_cb, g_object_ref (conn));
  return TRUE;
}

GSocketService *
pu_test_echo_new (guint16 *port)
{
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;
  GSocketService *service = g_socket_service_new ();

  /* Hundreds of connections arrive at once in some tests. */
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (service), 512);
  g_socket_listener_add_address (G_SOCKET_LISTENER (service), addr, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error);
  g_assert_no_error (error);
  *port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (service, "incoming", G_CALLBACK (echo_incoming_cb), NULL);
  g_socket_service_start (service);
  return service;
}

typedef struct {
  guint16     port;
  GBytes     *sent;
  GByteArray *received;
  GError     *error;
  gboolean    done;
} Exchange;

static gboolean
exchange_done_cb (gpointer data)
{
  ((Exchange *) data)->done = TRUE;
  return G_SOURCE_REMOVE;
}

/* Blocking I/O in a thread of its own while the main loop serves the
 * forward. */
static gpointer
exchange_thread (gpointer data)
{
  Exchange *x = data;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  gsize size;
  const guint8 *bytes = g_bytes_get_data (x->sent, &size);
  guint8 buf[16384];
  gssize n;

  conn = g_socket_client_connect_to_host (client, "127.0.0.1", x->port, NULL, &x->error);
  if (conn != NULL)
    {
      GSocket *socket = g_socket_connection_get_socket (conn);

      /* A refused stream closes the connection: a write, the shutdown or a
       * read may fail then, which is the same as nothing coming back. */
      x->received = g_byte_array_new ();
      if (g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)), bytes,
                                     size, NULL, NULL, NULL) &&
          g_socket_shutdown (socket, FALSE, TRUE, NULL))
        while ((n = g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (conn)), buf,
                                         sizeof buf, NULL, NULL)) > 0)
          g_byte_array_append (x->received, buf, n);
    }
  g_idle_add (exchange_done_cb, x);
  return NULL;
}

GBytes *
pu_test_tcp_exchange (guint16   port,
                      GBytes   *sent,
                      GError  **error)
{
  Exchange x = { port, sent, NULL, NULL, FALSE };
  GThread *thread = g_thread_new ("tcp-exchange", exchange_thread, &x);

  pu_test_run_until (&x.done);
  g_thread_join (thread);
  if (x.error != NULL)
    {
      g_propagate_error (error, x.error);
      if (x.received != NULL)
        g_byte_array_unref (x.received);
      return NULL;
    }
  return g_byte_array_free_to_bytes (x.received);
}

GBytes *
pu_test_random_bytes (gsize len)
{
  guint8 *data = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    data[i] = g_random_int ();
  return g_bytes_new_take (data, len);
}

void
pu_test_pair_init (PuTestPair *pair)
{
  g_autoptr(GError) error = NULL;
  const PuPeerId *home_id, *laptop_id;

  pair->dir = pu_test_make_tmpdir ();
  pair->relay = pu_test_relay_new (pair->dir);
  pair->home = pu_test_relay_add_device (pair->relay, "home");
  pair->laptop = pu_test_relay_add_device (pair->relay, "laptop");
  home_id = pu_test_peer_of (pair->home);
  laptop_id = pu_test_peer_of (pair->laptop);

  g_assert_true (pu_trust_store_add (pu_profile_get_trust_store (pair->home), laptop_id,
                                     "laptop", 0, &error));
  g_assert_true (pu_config_set_name (pu_profile_get_config (pair->home), "laptop", laptop_id,
                                     &error));
  g_assert_true (pu_config_set_name (pu_profile_get_config (pair->laptop), "home", home_id,
                                     &error));
  g_assert_no_error (error);

  pair->home_node = pu_node_new (pair->home, TRUE, &error);
  g_assert_no_error (error);
  pair->laptop_node = pu_node_new (pair->laptop, FALSE, &error);
  g_assert_no_error (error);
}

void
pu_test_pair_start (PuTestPair *pair)
{
  pu_node_start (pair->home_node);
  pu_node_start (pair->laptop_node);
}

void
pu_test_pair_clear (PuTestPair *pair)
{
  g_clear_object (&pair->laptop_node);
  g_clear_object (&pair->home_node);
  g_clear_object (&pair->laptop);
  g_clear_object (&pair->home);
  g_clear_pointer (&pair->relay, pu_test_relay_free);
  /* Let closing sockets, ICE agents and idle callbacks run out. */
  for (guint i = 0; i < 200 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  pu_test_remove_tree (pair->dir);
  g_clear_pointer (&pair->dir, g_free);
}
