/* test-ice.c — direct paths with ICE on loopback: two paths alone, then two
 * nodes whose relayed connection moves to the direct path and back
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "pu-error.h"
#include "pu-ice-path.h"
#include "pu-relay-client.h"
#include "pu-test-relay.h"
#include "pu-test-util.h"
#include "pu-udp.h"

typedef struct {
  PuIcePath *self;
  PuIcePath *other;
} Wire;

/* Signaling without a relay: what one path sends, the other handles. */
static void
wire_signal_cb (PuIcePath *path,
                GBytes    *bytes,
                Wire      *wire)
{
  g_autoptr(GError) error = NULL;
  PuSignal msg;
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  g_assert_true (pu_signal_decode (data, len, &msg, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (msg.session, ==, pu_ice_path_get_session (wire->other));
  pu_ice_path_handle_signal (wire->other, &msg);
}

static void
state_cb (PuIcePath *path,
          gboolean  *changed)
{
  *changed = TRUE;
}

static void
run_until_state (PuIcePath      *path,
                 PuIcePathState  state)
{
  while (pu_ice_path_get_state (path) != state)
    {
      gboolean changed = FALSE;
      gulong id = g_signal_connect (path, "state-changed", G_CALLBACK (state_cb), &changed);

      pu_test_run_until (&changed);
      g_signal_handler_disconnect (path, id);
      g_assert_cmpint (pu_ice_path_get_state (path), !=, PU_ICE_PATH_FAILED);
    }
}

static void
test_path_loopback (void)
{
  g_autofree char *dir = pu_test_make_tmpdir ();
  PuTestRelay *relay = pu_test_relay_new (dir);
  guint16 port = pu_relay_server_get_port (relay->server);
  g_autoptr(PuIcePath) a = pu_ice_path_new (TRUE, 77, 1);
  g_autoptr(PuIcePath) b = pu_ice_path_new (FALSE, 77, 1);
  Wire to_b = { a, b }, to_a = { b, a };
  g_autofree char *desc = NULL;
  const PuDatagram quic[] = {
    { (const guint8 *) "\x41short header", 13 },
    { (const guint8 *) "\x01greased short", 14 },
  };
  gint64 deadline;

  g_signal_connect (a, "send-signal", G_CALLBACK (wire_signal_cb), &to_b);
  g_signal_connect (b, "send-signal", G_CALLBACK (wire_signal_cb), &to_a);
  pu_ice_path_start (a, "127.0.0.1", port, TRUE);
  pu_ice_path_start (b, "127.0.0.1", port, TRUE);
  run_until_state (a, PU_ICE_PATH_CONNECTED);
  run_until_state (b, PU_ICE_PATH_CONNECTED);

  g_assert_cmpstr (pu_ice_path_get_local_type (a), ==, "host");
  g_assert_cmpstr (pu_ice_path_get_remote_type (a), ==, "host");
  g_assert_cmpuint (pu_ice_path_get_ip_version (a), !=, 0);
  g_assert_cmpint (pu_path_get_kind (PU_PATH (a)), ==, PU_PATH_KIND_DIRECT);
  desc = pu_path_describe (PU_PATH (a));
  g_assert_true (g_str_has_prefix (desc, "direct host→host IPv"));
  g_test_message ("connected in %.1f ms (controlling) / %.1f ms (controlled): %s",
                  pu_ice_path_get_connect_time (a) / 1000.0,
                  pu_ice_path_get_connect_time (b) / 1000.0, desc);

  /* QUIC packets, with the fixed bit and greased without it, come in on the
   * path's own socket, in batches. */
  g_assert_true (pu_path_send (PU_PATH (a), quic, G_N_ELEMENTS (quic)));
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (pu_ice_path_get_batched_datagrams (b) < G_N_ELEMENTS (quic) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (pu_ice_path_get_batched_datagrams (b), ==, G_N_ELEMENTS (quic));

  /* Blocked: both ends lose the other, and find it again once unblocked. */
  pu_ice_path_set_blocked (a, TRUE);
  run_until_state (a, PU_ICE_PATH_LOST);
  run_until_state (b, PU_ICE_PATH_LOST);
  pu_ice_path_set_blocked (a, FALSE);
  run_until_state (a, PU_ICE_PATH_CONNECTED);
  run_until_state (b, PU_ICE_PATH_CONNECTED);

  pu_ice_path_close (a);
  pu_ice_path_close (b);
  g_assert_false (pu_path_send (PU_PATH (a), NULL, 0));
  g_clear_object (&a);
  g_clear_object (&b);
  pu_test_relay_free (relay);
  for (guint i = 0; i < 100 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  pu_test_remove_tree (dir);
}

static GSocket *
udp_socket (GSocketAddress **address)
{
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GError) error = NULL;
  GSocket *socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                  G_SOCKET_PROTOCOL_UDP, &error);

  g_assert_no_error (error);
  g_socket_bind (socket, any, FALSE, &error);
  g_assert_no_error (error);
  g_socket_set_blocking (socket, FALSE);
  *address = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);
  return socket;
}

/* Waits for and reads what @socket has (from @from only, unless NULL) into
 * @datagrams (room for 64). */
static guint
udp_receive (GSocket        *socket,
             GSocketAddress *from,
             guint8         *bufs,
             PuDatagram     *datagrams)
{
  g_autoptr(GError) error = NULL;
  struct sockaddr_storage native;

  if (from != NULL)
    g_assert_true (g_socket_address_to_native (from, &native, sizeof native, NULL));
  g_socket_condition_wait (socket, G_IO_IN, NULL, &error);
  g_assert_no_error (error);
  return pu_udp_receive (g_socket_get_fd (socket),
                         from != NULL ? (struct sockaddr *) &native : NULL, bufs,
                         PU_UDP_GRO_BYTES_MAX, 1, datagrams, 64, NULL);
}

/* The steered socket gets QUIC packets (with QUIC's fixed bit or, greased,
 * without it), the first one the rest: STUN and heartbeats stay with
 * libnice. What comes from elsewhere than the pair's remote end is dropped. */
static void
test_udp_steered (void)
{
  g_autoptr(GSocketAddress) base_addr = NULL, sender_addr = NULL, stranger_addr = NULL;
  g_autoptr(GSocket) base = udp_socket (&base_addr);
  g_autoptr(GSocket) sender = udp_socket (&sender_addr);
  g_autoptr(GSocket) stranger = udp_socket (&stranger_addr);
  g_autoptr(GSocket) steered = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *bufs = g_malloc (PU_UDP_GRO_BYTES_MAX);
  /* QUIC short headers with and without the fixed bit, a STUN binding
   * request, a QUIC long header, a heartbeat. */
  const PuDatagram packets[] = {
    { (const guint8 *) "\x41short header", 13 },
    { (const guint8 *) "\x01\x01greased short", 15 },
    { (const guint8 *) "\x00\x01\x00\x00\x21\x12\xa4\x42transaction!", 20 },
    { (const guint8 *) "\xc0long header", 12 },
    { (const guint8 *) "\x00pu\x01", 4 },
  };
  const PuDatagram *quic[] = { &packets[0], &packets[1], &packets[3] };
  PuDatagram datagrams[64];
  char buf[64];
  guint n = 0;
  gssize len;

  steered = pu_udp_open_steered (base, &error);
  g_assert_no_error (error);
  g_socket_send_to (stranger, base_addr, "\x42stranger", 9, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (packets); i++)
    {
      g_socket_send_to (sender, base_addr, (const char *) packets[i].data, packets[i].len, NULL,
                        &error);
      g_assert_no_error (error);
    }

  while (n < G_N_ELEMENTS (quic))
    {
      guint got = udp_receive (steered, sender_addr, bufs, datagrams);

      g_assert_cmpuint (n + got, <=, G_N_ELEMENTS (quic));
      for (guint i = 0; i < got; i++, n++)
        g_assert_cmpmem (datagrams[i].data, datagrams[i].len, quic[n]->data, quic[n]->len);
    }

  g_socket_set_blocking (base, TRUE);
  len = g_socket_receive (base, buf, sizeof buf, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (buf, len, packets[2].data, packets[2].len);
  len = g_socket_receive (base, buf, sizeof buf, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (buf, len, packets[4].data, packets[4].len);
}

/* Equal-size datagrams and a short last one leave in one GSO message and
 * arrive whole, in order, whether or not GRO joined them. */
static void
test_udp_gso_gro (void)
{
  g_autoptr(GSocketAddress) receiver_addr = NULL, sender_addr = NULL;
  g_autoptr(GSocket) receiver = udp_socket (&receiver_addr);
  g_autoptr(GSocket) sender = udp_socket (&sender_addr);
  g_autofree guint8 *bufs = g_malloc (PU_UDP_GRO_BYTES_MAX);
  g_autofree guint8 *data = g_malloc (11 * 1200);
  struct sockaddr_storage native;
  PuDatagram sent[11], received[64];
  gboolean gso = TRUE;
  guint n = 0;

  g_assert_true (g_socket_address_to_native (receiver_addr, &native, sizeof native, NULL));
  pu_udp_enable_gro (g_socket_get_fd (receiver));
  for (guint i = 0; i < G_N_ELEMENTS (sent); i++)
    {
      memset (data + i * 1200, 'a' + i, 1200);
      sent[i] = (PuDatagram) { data + i * 1200, i < 10 ? 1200 : 300 };
    }
  g_assert_cmpuint (pu_udp_send (g_socket_get_fd (sender), (struct sockaddr *) &native,
                                 g_socket_address_get_native_size (receiver_addr), sent,
                                 G_N_ELEMENTS (sent), &gso), ==, G_N_ELEMENTS (sent));
  while (n < G_N_ELEMENTS (sent))
    {
      guint got = udp_receive (receiver, NULL, bufs, received);

      for (guint i = 0; i < got; i++)
        g_assert_cmpmem (received[i].data, received[i].len, sent[n + i].data, sent[n + i].len);
      n += got;
    }
  g_assert_cmpuint (n, ==, G_N_ELEMENTS (sent));
  g_test_message ("GSO %s", gso ? "used" : "refused by the kernel");
}

static void
test_turn_credentials (void)
{
  g_autofree char *username = NULL, *password = NULL;

  /* coturn's use-auth-secret; the password computed independently. */
  pu_ice_path_turn_credentials ("north-wind", "12D3KooWExample", 1700000000, &username,
                                &password);
  g_assert_cmpstr (username, ==, "1700000000:12D3KooWExample");
  g_assert_cmpstr (password, ==, "/HqX9i4uqhDwQ6joC0dGVpfO4pc=");
}

/* Two nodes and a relay on loopback; "home" serves a blob of known bytes. */
typedef struct {
  PuTestPair      pair;
  GSocketService *blob_service;
  GBytes         *blob;
} Fixture;

#define BLOB_LEN (16 * 1024 * 1024)

static void
blob_written_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GSocketConnection) conn = user_data;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (conn), NULL, NULL);
}

static gboolean
blob_incoming_cb (GSocketService    *service,
                  GSocketConnection *conn,
                  GObject           *source,
                  Fixture           *fx)
{
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
                                   g_bytes_get_data (fx->blob, NULL),
                                   g_bytes_get_size (fx->blob), G_PRIORITY_DEFAULT, NULL,
                                   blob_written_cb, g_object_ref (conn));
  return TRUE;
}

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *target = NULL;
  guint8 *blob = g_malloc (BLOB_LEN);
  GRand *rand = g_rand_new_with_seed (4);

  for (gsize i = 0; i < BLOB_LEN; i += 4)
    *(guint32 *) (blob + i) = g_rand_int (rand);
  g_rand_free (rand);
  fx->blob = g_bytes_new_take (blob, BLOB_LEN);

  pu_test_pair_init (&fx->pair);
  fx->blob_service = g_socket_service_new ();
  g_socket_listener_add_address (G_SOCKET_LISTENER (fx->blob_service), any,
                                 G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL, &bound,
                                 &error);
  g_assert_no_error (error);
  g_signal_connect (fx->blob_service, "incoming", G_CALLBACK (blob_incoming_cb), fx);

  target = g_strdup_printf ("127.0.0.1:%u",
                            g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));
  g_assert_true (pu_config_add_service (pu_profile_get_config (fx->pair.home), "blob", target,
                                        &error));
  pu_test_pair_start (&fx->pair);
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  g_socket_service_stop (fx->blob_service);
  g_socket_listener_close (G_SOCKET_LISTENER (fx->blob_service));
  g_clear_object (&fx->blob_service);
  g_clear_pointer (&fx->blob, g_bytes_unref);
  pu_test_pair_clear (&fx->pair);
}

static PuPathKind
path_of (PuNode         *node,
         const PuPeerId *peer)
{
  PuNodePeerState state;

  g_assert_true (pu_node_get_peer_state (node, peer, &state));
  return state.path;
}

static void
changed_cb (PuNode         *node,
            const PuPeerId *peer,
            gboolean       *changed)
{
  *changed = TRUE;
}

/* Runs the main loop until @node's best connection to @peer is on @kind. */
static void
run_until_path (PuNode         *node,
                const PuPeerId *peer,
                PuPathKind      kind)
{
  PuNodePeerState state;

  while (!pu_node_get_peer_state (node, peer, &state) || state.path != kind)
    {
      gboolean changed = FALSE;
      gulong id = g_signal_connect (node, "peer-changed", G_CALLBACK (changed_cb), &changed);

      pu_test_run_until (&changed);
      g_signal_handler_disconnect (node, id);
    }
}

typedef struct {
  gboolean      done;
  PuConnection *conn;
  PuStream     *stream;
  GError       *error;
} Result;

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Result *r = user_data;

  r->conn = pu_node_connect_finish (PU_NODE (object), result, &r->error);
  r->done = TRUE;
}

static PuConnection *
connect_to_home (Fixture *fx)
{
  Result r = { 0 };

  pu_node_connect_async (fx->pair.laptop_node, pu_test_peer_of (fx->pair.home), NULL, connect_cb,
                         &r);
  pu_test_run_until (&r.done);
  g_assert_no_error (r.error);
  return r.conn;
}

static void
test_direct_host (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuConnection) conn = connect_to_home (fx);
  PuNodePeerState state;
  PuNodeIceMetrics metrics;
  gint64 rtt;

  run_until_path (fx->pair.laptop_node, pu_test_peer_of (fx->pair.home), PU_PATH_KIND_DIRECT);
  run_until_path (fx->pair.home_node, pu_test_peer_of (fx->pair.laptop), PU_PATH_KIND_DIRECT);
  g_assert_true (PU_IS_ICE_PATH (pu_connection_get_path (conn)));

  /* Bytes flow on the direct path. */
  rtt = pu_test_ping (fx->pair.laptop_node, pu_test_peer_of (fx->pair.home), &error);
  g_assert_no_error (error);
  g_assert_cmpint (rtt, >, 0);
  g_assert_true (pu_node_get_peer_state (fx->pair.laptop_node, pu_test_peer_of (fx->pair.home),
                                         &state));
  g_assert_cmpint (state.path, ==, PU_PATH_KIND_DIRECT);
  g_assert_cmpstr (state.local_candidate, ==, "host");
  g_assert_cmpstr (state.remote_candidate, ==, "host");
  g_assert_true (state.ip_version == 4 || state.ip_version == 6);
  /* The answers came in on the path's own socket, whichever way ngtcp2
   * greased the fixed bit. */
  g_assert_cmpuint (pu_ice_path_get_batched_datagrams (PU_ICE_PATH (pu_connection_get_path (conn))),
                    >, 0);

  pu_node_get_ice_metrics (fx->pair.laptop_node, &metrics);
  g_assert_cmpuint (metrics.attempts, ==, 1);
  g_assert_cmpuint (metrics.successes, ==, 1);
  g_assert_cmpuint (metrics.failures, ==, 0);
  g_assert_cmpint (metrics.last_time_to_direct, >, 0);
  g_test_message ("first contact to direct: %.1f ms; ping on the direct path %.2f ms",
                  metrics.last_time_to_direct / 1000.0, rtt / 1000.0);
}

/* Reads the blob in steps, checking every byte against what was sent. */
typedef struct {
  PuStream *stream;
  GBytes   *expected;
  gsize     offset;
  gsize     target;
  gboolean  reading;
  gboolean  paused;
  gboolean  eof;
  GError   *error;
  gint64    reached;    /* when the target was last reached */
  guint8    buf[64 * 1024];
} Reader;

static void reader_more (Reader *reader);

static void
reader_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Reader *reader = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &reader->error);
  gsize len;
  const guint8 *expected = g_bytes_get_data (reader->expected, &len);

  reader->reading = FALSE;
  if (n <= 0)
    {
      reader->eof = TRUE;
      return;
    }
  g_assert_cmpuint (reader->offset + n, <=, len);
  g_assert_true (memcmp (reader->buf, expected + reader->offset, n) == 0);
  reader->offset += n;
  reader_more (reader);
}

static void
reader_more (Reader *reader)
{
  if (reader->offset >= reader->target)
    {
      reader->paused = TRUE;
      reader->reached = g_get_monotonic_time ();
      return;
    }
  reader->reading = TRUE;
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (reader->stream)),
                             reader->buf, MIN (sizeof reader->buf,
                                               reader->target - reader->offset),
                             G_PRIORITY_DEFAULT, NULL, reader_cb, reader);
}

static void
reader_read_to (Reader *reader,
                gsize   target)
{
  reader->target = target;
  reader->paused = FALSE;
  if (!reader->reading)
    reader_more (reader);
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
test_switch_during_transfer (Fixture       *fx,
                             gconstpointer  data)
{
  g_autoptr(PuConnection) conn = NULL;
  g_autoptr(PuStream) stream = NULL;
  g_autoptr(PuPath) direct = NULL;
  PuNodeIceMetrics metrics;
  Result r = { 0 };
  Reader reader = { 0 };
  gint64 cut, fallback;

  /* The transfer starts on the relay. */
  pu_node_set_direct_paths (fx->pair.laptop_node, FALSE);
  conn = connect_to_home (fx);
  pu_node_open_stream_async (fx->pair.laptop_node, pu_test_peer_of (fx->pair.home),
                             PU_STREAM_KIND_PROXY, "blob", NULL, open_cb, &r);
  pu_test_run_until (&r.done);
  g_assert_no_error (r.error);
  stream = r.stream;
  reader.stream = stream;
  reader.expected = fx->blob;
  reader_read_to (&reader, BLOB_LEN / 4);
  pu_test_run_until (&reader.paused);
  g_assert_cmpint (path_of (fx->pair.laptop_node, pu_test_peer_of (fx->pair.home)), ==,
                   PU_PATH_KIND_RELAYED);

  /* Relay → direct while bytes flow. */
  pu_node_set_direct_paths (fx->pair.laptop_node, TRUE);
  reader_read_to (&reader, BLOB_LEN / 2);
  run_until_path (fx->pair.laptop_node, pu_test_peer_of (fx->pair.home), PU_PATH_KIND_DIRECT);
  run_until_path (fx->pair.home_node, pu_test_peer_of (fx->pair.laptop), PU_PATH_KIND_DIRECT);
  pu_test_run_until (&reader.paused);
  g_assert_no_error (reader.error);

  /* Direct path cut: back on the relay, the transfer goes on. */
  direct = g_object_ref (pu_connection_get_path (conn));
  g_assert_true (PU_IS_ICE_PATH (direct));
  reader_read_to (&reader, 3 * (BLOB_LEN / 4));
  cut = g_get_monotonic_time ();
  pu_ice_path_set_blocked (PU_ICE_PATH (direct), TRUE);
  run_until_path (fx->pair.laptop_node, pu_test_peer_of (fx->pair.home), PU_PATH_KIND_RELAYED);
  fallback = g_get_monotonic_time ();
  g_test_message ("fallback to the relay after %.0f ms", (fallback - cut) / 1000.0);
  run_until_path (fx->pair.home_node, pu_test_peer_of (fx->pair.laptop), PU_PATH_KIND_RELAYED);
  pu_test_run_until (&reader.paused);
  g_assert_no_error (reader.error);
  /* The rest of that quarter (4 MB) comes over the relay: a figure, not a check. */
  g_test_message ("a quarter of the transfer done %.0f ms after the fallback",
                  (reader.reached - fallback) / 1000.0);

  /* Restored: direct again, and the rest arrives intact. */
  pu_ice_path_set_blocked (PU_ICE_PATH (direct), FALSE);
  run_until_path (fx->pair.laptop_node, pu_test_peer_of (fx->pair.home), PU_PATH_KIND_DIRECT);
  run_until_path (fx->pair.home_node, pu_test_peer_of (fx->pair.laptop), PU_PATH_KIND_DIRECT);
  g_assert_true (pu_connection_get_path (conn) == direct);
  reader_read_to (&reader, BLOB_LEN + 1);
  pu_test_run_until (&reader.eof);
  g_assert_no_error (reader.error);
  g_assert_cmpuint (reader.offset, ==, BLOB_LEN);

  pu_node_get_ice_metrics (fx->pair.laptop_node, &metrics);
  g_assert_cmpuint (metrics.successes, ==, 1);
  g_assert_cmpuint (metrics.fallbacks, ==, 1);
}

static void
send_garbage (Fixture      *fx,
              const guint8 *data,
              gsize         len,
              const char   *expected)
{
  PuRelayClient *relay = pu_node_get_relays (fx->pair.laptop_node)->pdata[0];
  g_autoptr(GError) error = NULL;
  g_autofree char *pattern = g_strdup_printf ("Ignored a signaling message from *: *%s*",
                                              expected);

  g_test_expect_message ("peerup-core", G_LOG_LEVEL_MESSAGE, pattern);
  g_assert_true (pu_relay_client_send_signal (relay, pu_test_peer_of (fx->pair.home), 0, data, len,
                                              &error));
  g_assert_no_error (error);
  /* A ping's round trip takes the relay's queue past the message. */
  pu_test_ping (fx->pair.laptop_node, pu_test_peer_of (fx->pair.home), &error);
  g_assert_no_error (error);
  g_test_assert_expected_messages ();
}

static void
test_bad_signaling (Fixture       *fx,
                    gconstpointer  data)
{
  g_autoptr(PuConnection) conn = NULL;
  guint8 big[PU_SIGNAL_MAX_LEN + 100] = { 1, PU_SIGNAL_CANDIDATES };
  const guint8 newer[PU_SIGNAL_HEADER_LEN] = { 7, PU_SIGNAL_CREDENTIALS };
  /* Credentials whose ufrag claims 200 bytes. */
  const guint8 garbage[PU_SIGNAL_HEADER_LEN + 8] = { 1, PU_SIGNAL_CREDENTIALS,
                                                     [PU_SIGNAL_HEADER_LEN] = 200 };
  g_autoptr(GError) error = NULL;

  /* Relayed only, so no ICE message of our own crosses the garbage. */
  pu_node_set_direct_paths (fx->pair.laptop_node, FALSE);
  conn = connect_to_home (fx);

  send_garbage (fx, garbage, sizeof garbage, "malformed ICE credentials");
  send_garbage (fx, newer, sizeof newer, "unsupported version 7; update Peer Up");
  send_garbage (fx, big, sizeof big, "over the limit");

  /* Nothing broke: the connection still answers, still relayed. */
  pu_test_ping (fx->pair.laptop_node, pu_test_peer_of (fx->pair.home), &error);
  g_assert_no_error (error);
  g_assert_cmpint (path_of (fx->pair.home_node, pu_test_peer_of (fx->pair.laptop)), ==,
                   PU_PATH_KIND_RELAYED);
}

/* [options] direct=false: connections stay on the relay and never try ICE. */
static void
test_relay_only (Fixture       *fx,
                 gconstpointer  data)
{
  PuConfig *config = pu_profile_get_config (fx->pair.laptop);
  g_autoptr(GError) error = NULL;
  g_autoptr(PuConnection) conn = NULL;
  g_autofree char *text = NULL;
  g_autofree char *relay_only = NULL;
  PuNodeIceMetrics metrics;

  g_assert_true (pu_config_save (config, &error));
  g_assert_true (g_file_get_contents (pu_config_get_path (config), &text, NULL, &error));
  relay_only = g_strconcat (text, "\n[options]\ndirect=false\n", NULL);
  g_assert_true (g_file_set_contents (pu_config_get_path (config), relay_only, -1, &error));
  g_assert_true (pu_profile_reload_config (fx->pair.laptop, &error));
  g_assert_no_error (error);
  g_assert_false (pu_config_get_direct (pu_profile_get_config (fx->pair.laptop)));

  conn = connect_to_home (fx);
  g_assert_cmpint (path_of (fx->pair.laptop_node, pu_test_peer_of (fx->pair.home)), ==,
                   PU_PATH_KIND_RELAYED);
  pu_node_get_ice_metrics (fx->pair.laptop_node, &metrics);
  g_assert_cmpuint (metrics.attempts, ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ice/path/loopback", test_path_loopback);
  g_test_add_func ("/ice/turn-credentials", test_turn_credentials);
  g_test_add_func ("/ice/udp/steered", test_udp_steered);
  g_test_add_func ("/ice/udp/gso-gro", test_udp_gso_gro);
  g_test_add ("/ice/node/direct-host", Fixture, NULL, fixture_setup, test_direct_host,
              fixture_teardown);
  g_test_add ("/ice/node/switch-during-transfer", Fixture, NULL, fixture_setup,
              test_switch_during_transfer, fixture_teardown);
  g_test_add ("/ice/node/bad-signaling", Fixture, NULL, fixture_setup, test_bad_signaling,
              fixture_teardown);
  g_test_add ("/ice/node/relay-only", Fixture, NULL, fixture_setup, test_relay_only,
              fixture_teardown);

  return g_test_run ();
}
