/* bench-quic.c — QUIC stream throughput over UDP loopback vs raw TCP loopback
 *
 * Usage: bench-quic [MEGABYTES]   (default 200)
 *
 * QUIC runs twice: over a plain UDP socket pair, and over the direct path
 * the product uses (PuIcePath: two libnice agents that found a host pair).
 *
 * The receiving end runs in its own thread with its own main context, as two
 * devices would; both measurements move the same bytes in the same run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include "pu-certificate.h"
#include "pu-connection.h"
#include "pu-ice-path.h"

#define CHUNK (256 * 1024)
#define RECV_BATCH 64
#define DATAGRAM_MAX 1500
#define SOCKET_BUFFER (4 * 1024 * 1024)

typedef struct {
  double mb_per_s;      /* wall clock */
  double mb_per_cpu_s;  /* per second of CPU, all threads: fair on a busy machine */
} Result;

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_stime.tv_sec +
         (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

static Result
result_new (guint64 bytes,
            gint64  elapsed_usec,
            double  cpu)
{
  Result r = { bytes / (elapsed_usec / (double) G_USEC_PER_SEC) / 1e6, bytes / cpu / 1e6 };

  return r;
}

/* A PuPath over one UDP socket to one remote address. */
#define BENCH_TYPE_UDP_PATH (bench_udp_path_get_type ())
G_DECLARE_FINAL_TYPE (BenchUdpPath, bench_udp_path, BENCH, UDP_PATH, GObject)

struct _BenchUdpPath
{
  GObject         parent_instance;
  GSocket        *socket;
  GSocketAddress *remote;
  PuConnection   *receiver;  /* not owned */
  GSource        *source;
  guint8         *bufs;  /* RECV_BATCH × DATAGRAM_MAX */
};

static void bench_udp_path_iface_init (PuPathInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BenchUdpPath, bench_udp_path, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PU_TYPE_PATH, bench_udp_path_iface_init))

static gboolean
bench_udp_path_send (PuPath           *path,
                     const PuDatagram *datagrams,
                     guint             n)
{
  BenchUdpPath *self = BENCH_UDP_PATH (path);
  GOutputMessage messages[64];
  GOutputVector vectors[64];
  guint done = 0;

  while (done < n)
    {
      guint batch = MIN (n - done, G_N_ELEMENTS (messages));
      gint sent;

      for (guint i = 0; i < batch; i++)
        {
          vectors[i].buffer = datagrams[done + i].data;
          vectors[i].size = datagrams[done + i].len;
          messages[i] = (GOutputMessage) { self->remote, &vectors[i], 1, 0, NULL, 0 };
        }
      sent = g_socket_send_messages (self->socket, messages, batch, 0, NULL, NULL);
      if (sent <= 0)
        break;  /* full socket buffer: drop, as a network would */
      done += sent;
    }
  return TRUE;
}

static PuPathKind
bench_udp_path_get_kind (PuPath *path)
{
  return PU_PATH_KIND_DIRECT;
}

static gsize
bench_udp_path_get_max_datagram_size (PuPath *path)
{
  return 1452;
}

static char *
bench_udp_path_describe (PuPath *path)
{
  return g_strdup ("udp loopback");
}

static void
bench_udp_path_iface_init (PuPathInterface *iface)
{
  iface->send = bench_udp_path_send;
  iface->get_kind = bench_udp_path_get_kind;
  iface->get_max_datagram_size = bench_udp_path_get_max_datagram_size;
  iface->describe = bench_udp_path_describe;
}

static gboolean
on_readable (GSocket      *socket,
             GIOCondition  condition,
             gpointer      user_data)
{
  BenchUdpPath *self = user_data;
  GInputMessage messages[RECV_BATCH];
  GInputVector vectors[RECV_BATCH];

  /* Bounded work per wakeup so timers and the other direction get a turn. */
  for (guint round = 0; round < 4; round++)
    {
      gint n;

      for (guint i = 0; i < RECV_BATCH; i++)
        {
          vectors[i] = (GInputVector) { self->bufs + i * DATAGRAM_MAX, DATAGRAM_MAX };
          messages[i] = (GInputMessage) { NULL, &vectors[i], 1, 0, 0, NULL, NULL };
        }
      n = g_socket_receive_messages (socket, messages, RECV_BATCH, 0, NULL, NULL);
      if (n <= 0)
        break;
      for (gint i = 0; i < n && self->receiver != NULL; i++)
        pu_connection_receive_datagram (self->receiver, self->bufs + i * DATAGRAM_MAX,
                                        messages[i].bytes_received);
    }
  return G_SOURCE_CONTINUE;
}

static void
bench_udp_path_finalize (GObject *object)
{
  BenchUdpPath *self = BENCH_UDP_PATH (object);

  if (self->source != NULL)
    g_source_destroy (self->source);
  g_clear_pointer (&self->source, g_source_unref);
  g_clear_object (&self->socket);
  g_clear_object (&self->remote);
  g_free (self->bufs);

  G_OBJECT_CLASS (bench_udp_path_parent_class)->finalize (object);
}

static void
bench_udp_path_class_init (BenchUdpPathClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = bench_udp_path_finalize;
}

static void
bench_udp_path_init (BenchUdpPath *self)
{
  self->bufs = g_malloc (RECV_BATCH * DATAGRAM_MAX);
}

static GSocket *
udp_socket (void)
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
  g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, SOCKET_BUFFER, NULL);
  g_socket_set_option (socket, SOL_SOCKET, SO_SNDBUF, SOCKET_BUFFER, NULL);
  return socket;
}

/* Attaches to the thread-default context of the caller. */
static BenchUdpPath *
udp_path_new (GSocket *socket,
              GSocket *remote)
{
  BenchUdpPath *self = g_object_new (BENCH_TYPE_UDP_PATH, NULL);

  self->socket = g_object_ref (socket);
  self->remote = g_socket_get_local_address (remote, NULL);
  self->source = g_socket_create_source (socket, G_IO_IN, NULL);
  g_source_set_callback (self->source, (GSourceFunc) (void (*) (void)) on_readable, self, NULL);
  g_source_attach (self->source, g_main_context_get_thread_default ());
  return self;
}

/* The receiving device: counts bytes to end-of-file, answers one byte. */
typedef struct {
  GSocket       *socket;
  GSocket       *remote;
  PuCertificate *certificate;
  GMainContext  *context;
  GMainLoop     *loop;
  PuStream      *stream;
  PuIcePath     *ice;      /* the direct path, or NULL for plain UDP */
  guint8         buf[CHUNK];
  guint64        received;
} Receiver;

static void receiver_read (Receiver *r);

static void
on_answer_closed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, NULL);
}

static void
on_receiver_read (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Receiver *r = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  GOutputStream *out;

  g_assert_no_error (error);
  if (n > 0)
    {
      r->received += n;
      receiver_read (r);
      return;
    }

  out = g_io_stream_get_output_stream (G_IO_STREAM (r->stream));
  g_output_stream_write (out, "!", 1, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close_async (out, G_PRIORITY_DEFAULT, NULL, on_answer_closed, r);
}

static void
receiver_read (Receiver *r)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (r->stream)), r->buf,
                             sizeof r->buf, G_PRIORITY_DEFAULT, NULL, on_receiver_read, r);
}

static void
on_incoming (PuConnection *connection,
             PuStream     *stream,
             Receiver     *r)
{
  r->stream = g_object_ref (stream);
  receiver_read (r);
}

static void
on_receiver_closed (PuConnection *connection,
                    const GError *error,
                    Receiver     *r)
{
  g_main_loop_quit (r->loop);
}

static gboolean
allow_all (const PuPeerId *peer,
           gpointer        user_data)
{
  return TRUE;
}

/* Signaling between the two ends' threads: each message is handled in the
 * main context of the path it is for. */
typedef struct {
  PuIcePath *to;
  GBytes    *message;
} Delivery;

static gboolean
deliver_cb (gpointer data)
{
  Delivery *d = data;
  PuSignal msg;
  gsize len;
  const guint8 *bytes = g_bytes_get_data (d->message, &len);

  g_assert_true (pu_signal_decode (bytes, len, &msg, NULL));
  pu_ice_path_handle_signal (d->to, &msg);
  return G_SOURCE_REMOVE;
}

static void
delivery_free (gpointer data)
{
  Delivery *d = data;

  g_bytes_unref (d->message);
  g_free (d);
}

static void
on_send_signal (PuIcePath    *path,
                GBytes       *message,
                PuIcePath    *to)
{
  Delivery *d = g_new0 (Delivery, 1);
  GMainContext *context = g_object_get_data (G_OBJECT (to), "context");

  d->to = to;
  d->message = g_bytes_ref (message);
  g_main_context_invoke_full (context, G_PRIORITY_DEFAULT, deliver_cb, d, delivery_free);
}

/* Nothing answers STUN there: host candidates only, as on a LAN. */
static void
ice_start (PuIcePath *path)
{
  pu_ice_path_start (path, "127.0.0.1", 9, TRUE);
}

/* Two ICE paths on loopback, @b for the thread of @b_context (which starts
 * @b); wires their signaling. */
static void
ice_pair (PuIcePath    *a,
          PuIcePath    *b,
          GMainContext *b_context)
{
  g_object_set_data (G_OBJECT (a), "context", g_main_context_default ());
  g_object_set_data (G_OBJECT (b), "context", b_context);
  g_signal_connect (a, "send-signal", G_CALLBACK (on_send_signal), b);
  g_signal_connect (b, "send-signal", G_CALLBACK (on_send_signal), a);
  ice_start (a);
}

static gpointer
receiver_thread (gpointer data)
{
  Receiver *r = data;
  g_autoptr(BenchUdpPath) path = NULL;
  g_autoptr(PuConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (r->context);
  if (r->ice != NULL)
    ice_start (r->ice);
  else
    path = udp_path_new (r->socket, r->remote);
  connection = pu_connection_new_server (r->certificate, allow_all, NULL, NULL,
                                         r->ice != NULL ? PU_PATH (r->ice) : PU_PATH (path),
                                         &error);
  g_assert_no_error (error);
  if (r->ice != NULL)
    pu_ice_path_set_receiver (r->ice, connection);
  else
    path->receiver = connection;
  g_signal_connect (connection, "incoming-stream", G_CALLBACK (on_incoming), r);
  g_signal_connect (connection, "closed", G_CALLBACK (on_receiver_closed), r);
  g_main_loop_run (r->loop);

  if (r->ice != NULL)
    pu_ice_path_close (r->ice);
  else
    path->receiver = NULL;
  g_clear_object (&r->stream);
  g_main_context_pop_thread_default (r->context);
  return NULL;
}

/* The sending device. */
typedef struct {
  GMainLoop *loop;
  PuStream  *stream;
  guint8     buf[CHUNK];
  guint64    to_send;
  guint64    sent;
  gboolean   answered;
  gboolean   established;
} Sender;

static void sender_write (Sender *s);

static void
on_answer (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Sender *s = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 1);
  s->answered = TRUE;
  g_main_loop_quit (s->loop);
}

static void
on_sender_closed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, &error);
  g_assert_no_error (error);
}

static void
on_sent (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Sender *s = user_data;
  g_autoptr(GError) error = NULL;
  gsize n;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, &n, &error);
  g_assert_no_error (error);
  s->sent += n;
  sender_write (s);
}

static void
sender_write (Sender *s)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (s->stream));
  gsize n = MIN (sizeof s->buf, s->to_send - s->sent);

  if (n == 0)
    g_output_stream_close_async (out, G_PRIORITY_DEFAULT, NULL, on_sender_closed, s);
  else
    g_output_stream_write_all_async (out, s->buf, n, G_PRIORITY_DEFAULT, NULL, on_sent, s);
}

static void
on_established (PuConnection *connection,
                Sender       *s)
{
  s->established = TRUE;
  g_main_loop_quit (s->loop);
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Sender *s = user_data;
  g_autoptr(GError) error = NULL;

  s->stream = pu_connection_open_stream_finish (PU_CONNECTION (source), result, &error);
  g_assert_no_error (error);
  sender_write (s);
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (s->stream)), s->buf, 1,
                             G_PRIORITY_DEFAULT, NULL, on_answer, s);
}

static Result
bench_quic (guint64  bytes,
            gboolean direct)
{
  g_autoptr(PuIdentity) client_id = pu_identity_generate ();
  g_autoptr(PuIdentity) server_id = pu_identity_generate ();
  g_autoptr(PuCertificate) client_cert = pu_certificate_new (client_id, NULL);
  g_autoptr(PuCertificate) server_cert = pu_certificate_new (server_id, NULL);
  g_autoptr(GSocket) client_socket = udp_socket ();
  g_autoptr(GSocket) server_socket = udp_socket ();
  g_autoptr(BenchUdpPath) path = NULL;
  g_autoptr(PuIcePath) ice = NULL;
  g_autoptr(PuConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  Receiver *r = g_new0 (Receiver, 1);
  Sender *s = g_new0 (Sender, 1);
  GThread *thread;
  gint64 start, elapsed;
  double cpu;

  r->socket = server_socket;
  r->remote = client_socket;
  r->certificate = server_cert;
  r->context = g_main_context_new ();
  r->loop = g_main_loop_new (r->context, FALSE);
  if (direct)
    {
      ice = pu_ice_path_new (TRUE, 1, 1);
      g_main_context_push_thread_default (r->context);
      r->ice = pu_ice_path_new (FALSE, 1, 1);
      g_main_context_pop_thread_default (r->context);
      ice_pair (ice, r->ice, r->context);
    }
  else
    path = udp_path_new (client_socket, server_socket);
  thread = g_thread_new ("receiver", receiver_thread, r);
  while (direct && pu_ice_path_get_state (ice) != PU_ICE_PATH_CONNECTED)
    {
      g_assert_cmpint (pu_ice_path_get_state (ice), !=, PU_ICE_PATH_FAILED);
      g_main_context_iteration (NULL, TRUE);
    }

  s->loop = g_main_loop_new (NULL, FALSE);
  s->to_send = bytes;
  connection = pu_connection_new_client (client_cert, pu_identity_get_peer_id (server_id),
                                         direct ? PU_PATH (ice) : PU_PATH (path), &error);
  g_assert_no_error (error);
  if (direct)
    pu_ice_path_set_receiver (ice, connection);
  else
    path->receiver = connection;
  g_signal_connect (connection, "handshake-completed", G_CALLBACK (on_established), s);
  g_main_loop_run (s->loop);
  g_assert_true (s->established);

  start = g_get_monotonic_time ();
  cpu = cpu_seconds ();
  pu_connection_open_stream_async (connection, NULL, on_opened, s);
  g_main_loop_run (s->loop);
  elapsed = g_get_monotonic_time () - start;
  cpu = cpu_seconds () - cpu;
  g_assert_true (s->answered);

  pu_connection_close (connection);
  g_thread_join (thread);
  if (direct)
    pu_ice_path_close (ice);
  else
    path->receiver = NULL;
  g_clear_object (&r->ice);

  g_clear_object (&s->stream);
  g_main_loop_unref (s->loop);
  g_main_loop_unref (r->loop);
  g_main_context_unref (r->context);
  g_free (r);
  g_free (s);
  return result_new (bytes, elapsed, cpu);
}

static gpointer
tcp_receiver (gpointer data)
{
  GSocket *listener = data;
  g_autoptr(GSocket) socket = g_socket_accept (listener, NULL, NULL);
  g_autofree guint8 *buf = g_malloc (CHUNK);

  while (g_socket_receive (socket, (char *) buf, CHUNK, NULL, NULL) > 0)
    ;
  g_socket_send (socket, "!", 1, NULL, NULL);
  return NULL;
}

static Result
bench_tcp (guint64 bytes)
{
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *buf = g_malloc0 (CHUNK);
  GThread *thread;
  guint64 sent = 0;
  gint64 start, elapsed;
  double cpu;
  char answer;

  listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                           &error);
  g_assert_no_error (error);
  g_socket_bind (listener, any, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (listener, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (listener, &error);
  thread = g_thread_new ("tcp receiver", tcp_receiver, listener);

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_socket_connect (socket, bound, NULL, &error);
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  cpu = cpu_seconds ();
  while (sent < bytes)
    {
      gssize n = g_socket_send (socket, (const char *) buf, MIN (CHUNK, bytes - sent), NULL,
                                &error);

      g_assert_no_error (error);
      sent += n;
    }
  g_socket_shutdown (socket, FALSE, TRUE, &error);
  g_assert_cmpint (g_socket_receive (socket, &answer, 1, NULL, &error), ==, 1);
  elapsed = g_get_monotonic_time () - start;
  g_thread_join (thread);
  cpu = cpu_seconds () - cpu;

  return result_new (bytes, elapsed, cpu);
}

int
main (int   argc,
      char *argv[])
{
  guint64 megabytes = argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 200;
  guint64 bytes = MAX (megabytes, 1) * 1000 * 1000;
  Result quic, direct, tcp;

  quic = bench_quic (bytes, FALSE);
  direct = bench_quic (bytes, TRUE);
  tcp = bench_tcp (bytes);
  g_print ("transfer: %" G_GUINT64_FORMAT " MB on one stream, loopback, load average %s",
           bytes / 1000000, "");
  {
    g_autofree char *load = NULL;

    g_file_get_contents ("/proc/loadavg", &load, NULL, NULL);
    g_print ("%s", load != NULL ? load : "unknown\n");
  }
  g_print ("                                      MB/s   MB per CPU-second\n");
  g_print ("QUIC (ngtcp2, AES-128-GCM) over UDP: %8.1f   %8.1f\n", quic.mb_per_s,
           quic.mb_per_cpu_s);
  g_print ("QUIC over the direct path (libnice):  %8.1f   %8.1f\n", direct.mb_per_s,
           direct.mb_per_cpu_s);
  g_print ("raw TCP:                             %8.1f   %8.1f\n", tcp.mb_per_s, tcp.mb_per_cpu_s);
  g_print ("ratio QUIC / TCP:                    %8.3f   %8.3f\n", quic.mb_per_s / tcp.mb_per_s,
           quic.mb_per_cpu_s / tcp.mb_per_cpu_s);
  g_print ("ratio direct path / TCP:             %8.3f   %8.3f\n",
           direct.mb_per_s / tcp.mb_per_s, direct.mb_per_cpu_s / tcp.mb_per_cpu_s);
  return 0;
}
