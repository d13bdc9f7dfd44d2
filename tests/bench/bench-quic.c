/* bench-quic.c — QUIC stream throughput over UDP loopback and through a relay,
 * vs raw TCP loopback
 *
 * Usage: bench-quic [MEGABYTES [udp|relay|direct|tcp [RTT_MS [plain|gso|gro [DATAGRAM]]]]]
 *        (default 200, all, 0, plain, 1452)
 *
 * "udp": one QUIC stream between two connections over a UDP socket pair,
 * with RTT_MS of round trip added (each end holds what it receives). "gso"
 * sends each run of equal-size datagrams of one write in one sendmsg with
 * UDP_SEGMENT for the kernel to cut; "gro" adds UDP_GRO on the receiving
 * sockets, which then read coalesced datagrams and split them. DATAGRAM is
 * the QUIC datagram size the path offers (1200 to 1452).
 * "relay": a whole tunnel — a TCP client, a proxy on one node, the relay, the
 * serving node and a TCP service behind it — as `peerup proxy` sets it up,
 * with direct paths off. "direct": the same once ICE has moved it off the
 * relay.
 * Each end runs in its own thread with its own main context, as separate
 * devices would; every measurement moves the same bytes in the same run.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>

#include "pu-certificate.h"
#include "pu-connection.h"
#include "pu-node.h"
#include "pu-proxy.h"
#include "pu-relay-server.h"
#include "pu-test-util.h"
#include "pu-udp.h"

#define CHUNK (256 * 1024)
#define RECV_BATCH 64
#define DATAGRAM_MAX 1500
#define GRO_SEGMENTS_MAX 64  /* the kernel's UDP_GRO_CNT_MAX */
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

static double
thread_cpu_seconds (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static Result
result_new (guint64 bytes,
            gint64  elapsed_usec,
            double  cpu)
{
  Result r = { bytes / (elapsed_usec / (double) G_USEC_PER_SEC) / 1e6, bytes / cpu / 1e6 };

  return r;
}

/* How the "udp" measurement uses its sockets; set once from the command line. */
static gboolean udp_gso;
static gboolean udp_gro;
static gsize udp_datagram_size = 1452;

/* A PuPath over one UDP socket to one remote address. With a delay, what
 * arrives waits that long before the connection sees it: half a round trip. */
#define BENCH_TYPE_UDP_PATH (bench_udp_path_get_type ())
G_DECLARE_FINAL_TYPE (BenchUdpPath, bench_udp_path, BENCH, UDP_PATH, GObject)

struct _BenchUdpPath
{
  GObject         parent_instance;
  GSocket        *socket;
  struct sockaddr_storage remote;
  socklen_t       remote_len;
  PuConnection   *receiver;  /* not owned */
  GSource        *source;
  gsize           buf_size;  /* DATAGRAM_MAX, or PU_UDP_GRO_BYTES_MAX with GRO */
  guint8         *bufs;  /* RECV_BATCH × buf_size */
  PuDatagram     *datagrams;  /* RECV_BATCH × GRO_SEGMENTS_MAX */
  gint64          delay_usec;
  GQueue          delayed;  /* Delayed, oldest first */
  GSource        *timer;
};

typedef struct {
  gint64 due;
  gsize  len;
  guint8 data[];
} Delayed;

static void bench_udp_path_iface_init (PuPathInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (BenchUdpPath, bench_udp_path, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PU_TYPE_PATH, bench_udp_path_iface_init))

static gboolean
bench_udp_path_send (PuPath           *path,
                     const PuDatagram *datagrams,
                     guint             n)
{
  BenchUdpPath *self = BENCH_UDP_PATH (path);
  gboolean gso = udp_gso;

  /* A full socket buffer drops the rest, as a network would. */
  pu_udp_send (g_socket_get_fd (self->socket), (struct sockaddr *) &self->remote,
               self->remote_len, datagrams, n, &gso);
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
  return udp_datagram_size;
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
timer_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  return callback (user_data);
}

/* Runs at its ready time and stays attached. */
static GSourceFuncs timer_funcs = { NULL, NULL, timer_dispatch, NULL, NULL, NULL };

static gboolean
on_delay_timer (gpointer user_data)
{
  BenchUdpPath *self = user_data;
  gint64 now = g_get_monotonic_time ();
  Delayed *d;

  while ((d = g_queue_peek_head (&self->delayed)) != NULL && d->due <= now)
    {
      g_queue_pop_head (&self->delayed);
      if (self->receiver != NULL)
        pu_connection_receive_datagram (self->receiver, d->data, d->len);
      g_free (d);
    }
  g_source_set_ready_time (self->timer, d != NULL ? d->due : -1);
  return G_SOURCE_CONTINUE;
}

static void
deliver (BenchUdpPath *self,
         const guint8 *data,
         gsize         len)
{
  Delayed *d;

  if (self->delay_usec == 0)
    {
      if (self->receiver != NULL)
        pu_connection_receive_datagram (self->receiver, data, len);
      return;
    }

  d = g_malloc (sizeof (Delayed) + len);
  d->due = g_get_monotonic_time () + self->delay_usec;
  d->len = len;
  memcpy (d->data, data, len);
  if (g_queue_is_empty (&self->delayed))
    g_source_set_ready_time (self->timer, d->due);
  g_queue_push_tail (&self->delayed, d);
}

static gboolean
on_readable (GSocket      *socket,
             GIOCondition  condition,
             gpointer      user_data)
{
  BenchUdpPath *self = user_data;

  /* Bounded work per wakeup so timers and the other direction get a turn. */
  for (guint round = 0; round < 4; round++)
    {
      guint n_read;
      guint n = pu_udp_receive (g_socket_get_fd (socket), NULL, self->bufs, self->buf_size,
                                RECV_BATCH, self->datagrams, RECV_BATCH * GRO_SEGMENTS_MAX,
                                &n_read);

      if (n_read == 0)
        break;
      for (guint i = 0; i < n; i++)
        deliver (self, self->datagrams[i].data, self->datagrams[i].len);
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
  g_source_destroy (self->timer);
  g_source_unref (self->timer);
  g_queue_clear_full (&self->delayed, g_free);
  g_clear_object (&self->socket);
  g_free (self->bufs);
  g_free (self->datagrams);

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
  if (udp_gro)
    {
      g_assert_true (pu_udp_enable_gro (g_socket_get_fd (socket)));
    }
  return socket;
}

/* Attaches to the thread-default context of the caller. */
static BenchUdpPath *
udp_path_new (GSocket *socket,
              GSocket *remote,
              gint64   delay_usec)
{
  BenchUdpPath *self = g_object_new (BENCH_TYPE_UDP_PATH, NULL);
  g_autoptr(GSocketAddress) address = g_socket_get_local_address (remote, NULL);

  self->socket = g_object_ref (socket);
  self->remote_len = g_socket_address_get_native_size (address);
  g_assert_true (g_socket_address_to_native (address, &self->remote, sizeof self->remote, NULL));
  self->buf_size = udp_gro ? PU_UDP_GRO_BYTES_MAX : DATAGRAM_MAX;
  self->bufs = g_malloc (RECV_BATCH * self->buf_size);
  self->datagrams = g_new (PuDatagram, RECV_BATCH * GRO_SEGMENTS_MAX);
  self->delay_usec = delay_usec;
  self->source = g_socket_create_source (socket, G_IO_IN, NULL);
  g_source_set_callback (self->source, (GSourceFunc) (void (*) (void)) on_readable, self, NULL);
  g_source_attach (self->source, g_main_context_get_thread_default ());
  self->timer = g_source_new (&timer_funcs, sizeof (GSource));
  g_source_set_callback (self->timer, on_delay_timer, self, NULL);
  g_source_attach (self->timer, g_main_context_get_thread_default ());
  return self;
}

/* The receiving device: counts bytes to end-of-file, answers one byte. */
typedef struct {
  GSocket       *socket;
  GSocket       *remote;
  gint64         delay_usec;
  PuCertificate *certificate;
  GMainContext  *context;
  GMainLoop     *loop;
  PuStream      *stream;
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

static gpointer
receiver_thread (gpointer data)
{
  Receiver *r = data;
  g_autoptr(BenchUdpPath) path = NULL;
  g_autoptr(PuConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (r->context);
  path = udp_path_new (r->socket, r->remote, r->delay_usec);
  connection = pu_connection_new_server (r->certificate, allow_all, NULL, NULL, PU_PATH (path),
                                         &error);
  g_assert_no_error (error);
  path->receiver = connection;
  g_signal_connect (connection, "incoming-stream", G_CALLBACK (on_incoming), r);
  g_signal_connect (connection, "closed", G_CALLBACK (on_receiver_closed), r);
  g_main_loop_run (r->loop);

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
bench_quic (guint64 bytes,
            guint   rtt_ms)
{
  g_autoptr(PuIdentity) client_id = pu_identity_generate ();
  g_autoptr(PuIdentity) server_id = pu_identity_generate ();
  g_autoptr(PuCertificate) client_cert = pu_certificate_new (client_id, NULL);
  g_autoptr(PuCertificate) server_cert = pu_certificate_new (server_id, NULL);
  g_autoptr(GSocket) client_socket = udp_socket ();
  g_autoptr(GSocket) server_socket = udp_socket ();
  g_autoptr(BenchUdpPath) path = udp_path_new (client_socket, server_socket, rtt_ms * 500);
  g_autoptr(PuConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  Receiver *r = g_new0 (Receiver, 1);
  Sender *s = g_new0 (Sender, 1);
  GThread *thread;
  gint64 start, elapsed;
  double cpu;

  r->socket = server_socket;
  r->delay_usec = rtt_ms * 500;
  r->remote = client_socket;
  r->certificate = server_cert;
  r->context = g_main_context_new ();
  r->loop = g_main_loop_new (r->context, FALSE);
  thread = g_thread_new ("receiver", receiver_thread, r);

  s->loop = g_main_loop_new (NULL, FALSE);
  s->to_send = bytes;
  connection = pu_connection_new_client (client_cert, pu_identity_get_peer_id (server_id),
                                         PU_PATH (path), &error);
  g_assert_no_error (error);
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
  path->receiver = NULL;

  g_clear_object (&s->stream);
  g_main_loop_unref (s->loop);
  g_main_loop_unref (r->loop);
  g_main_context_unref (r->context);
  g_free (r);
  g_free (s);
  return result_new (bytes, elapsed, cpu);
}

/* The far end of every TCP measurement: reads each of @n_connections to its
 * end and answers one byte. */
typedef struct {
  GSocket *listener;
  guint    n_connections;
} Sink;

static gpointer
tcp_receiver (gpointer data)
{
  Sink *sink = data;
  g_autofree guint8 *buf = g_malloc (CHUNK);

  for (guint i = 0; i < sink->n_connections; i++)
    {
      g_autoptr(GSocket) socket = g_socket_accept (sink->listener, NULL, NULL);

      g_assert_nonnull (socket);
      while (g_socket_receive (socket, (char *) buf, CHUNK, NULL, NULL) > 0)
        ;
      g_socket_send (socket, "!", 1, NULL, NULL);
    }
  return NULL;
}

static GSocket *
tcp_listener (GSocketAddress **bound)
{
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GError) error = NULL;
  GSocket *listener;

  listener = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                           &error);
  g_assert_no_error (error);
  g_socket_bind (listener, any, TRUE, &error);
  g_assert_no_error (error);
  g_socket_listen (listener, &error);
  g_assert_no_error (error);
  *bound = g_socket_get_local_address (listener, &error);
  g_assert_no_error (error);
  return listener;
}

/* Sends @bytes to @to over TCP, half-closes and waits for the answer. */
static Result
tcp_send_all (GSocketAddress *to,
              guint64         bytes)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree guint8 *buf = g_malloc0 (CHUNK);
  guint64 sent = 0;
  gint64 start, elapsed;
  double cpu;
  char answer;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                         &error);
  g_assert_no_error (error);
  g_socket_connect (socket, to, NULL, &error);
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
  g_assert_no_error (error);
  g_assert_cmpint (g_socket_receive (socket, &answer, 1, NULL, &error), ==, 1);
  elapsed = g_get_monotonic_time () - start;
  cpu = cpu_seconds () - cpu;

  return result_new (bytes, elapsed, cpu);
}

static Result
bench_tcp (guint64 bytes)
{
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GSocket) listener = tcp_listener (&bound);
  Sink sink = { listener, 1 };
  GThread *thread = g_thread_new ("tcp receiver", tcp_receiver, &sink);
  Result result = tcp_send_all (bound, bytes);

  g_thread_join (thread);
  return result;
}

/* A thread running its own main context; work is handed to it and waited for. */
typedef struct {
  GMainContext *context;
  GMainLoop    *loop;
  GThread      *thread;
} Worker;

typedef void (*WorkFunc) (gpointer data);

typedef struct {
  WorkFunc  func;
  gpointer  data;
  GMutex    lock;
  GCond     cond;
  gboolean  done;
} Call;

static gpointer
worker_thread (gpointer data)
{
  Worker *w = data;

  g_main_context_push_thread_default (w->context);
  g_main_loop_run (w->loop);
  g_main_context_pop_thread_default (w->context);
  return NULL;
}

static void
worker_start (Worker     *w,
              const char *name)
{
  w->context = g_main_context_new ();
  w->loop = g_main_loop_new (w->context, FALSE);
  w->thread = g_thread_new (name, worker_thread, w);
}

static gboolean
call_cb (gpointer data)
{
  Call *c = data;

  c->func (c->data);
  g_mutex_lock (&c->lock);
  c->done = TRUE;
  g_cond_signal (&c->cond);
  g_mutex_unlock (&c->lock);
  return G_SOURCE_REMOVE;
}

/* Runs @func in the thread running @context (where it is the thread-default
 * context; NULL: the main thread) and waits. */
static void
context_call (GMainContext *context,
              WorkFunc      func,
              gpointer      data)
{
  Call c = { func, data };

  g_mutex_init (&c.lock);
  g_cond_init (&c.cond);
  g_main_context_invoke (context, call_cb, &c);
  g_mutex_lock (&c.lock);
  while (!c.done)
    g_cond_wait (&c.cond, &c.lock);
  g_mutex_unlock (&c.lock);
  g_mutex_clear (&c.lock);
  g_cond_clear (&c.cond);
}

static void
worker_call (Worker   *w,
             WorkFunc  func,
             gpointer  data)
{
  context_call (w->context, func, data);
}

static void
worker_stop (Worker *w)
{
  worker_call (w, (WorkFunc) g_main_loop_quit, w->loop);
  g_thread_join (w->thread);
  g_main_loop_unref (w->loop);
  g_main_context_unref (w->context);
}

/* Relay, serving node ("home", exposing the TCP receiver as "sink") and
 * dialing node ("laptop", with a proxy to it) of the tunnel measurements:
 * through the relay (direct paths off), or on the direct path ICE finds. */
typedef struct {
  char           *dir;
  Worker          relay_worker;
  Worker          home_worker;
  PuIdentity     *relay_identity;
  PuTrustStore   *relay_trust;
  PuRelayServer  *relay;
  char           *relay_addr;
  GSocketAddress *sink_addr;
  PuProfile      *home;
  PuNode         *home_node;
  PuProfile      *laptop;
  PuNode         *laptop_node;
  PuProxy        *proxy;
  GSocketAddress *proxy_addr;
  gboolean        direct;
  gboolean        is_direct;
  guint64         bytes;
  guint64         n_dropped;
  double          relay_cpu;  /* the relay thread's, start to stop */
  Result          result;
  gint64          first_usec;
  GMainLoop      *loop;
} Tunnel;

static PuProfile *
tunnel_profile (Tunnel     *t,
                const char *name)
{
  g_autofree char *path = g_build_filename (t->dir, name, "config.ini", NULL);
  g_autoptr(GError) error = NULL;
  PuProfile *profile = pu_profile_init (path, name, t->relay_addr, NULL, &error);

  g_assert_no_error (error);
  pu_trust_store_add (t->relay_trust, pu_identity_get_peer_id (pu_profile_get_identity (profile)),
                      name, 0, &error);
  g_assert_no_error (error);
  return profile;
}

static void
relay_start (gpointer data)
{
  Tunnel *t = data;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
  g_autofree char *trust_path = g_build_filename (t->dir, "relay-authorized_keys", NULL);
  g_autofree char *relay_id = NULL;
  g_autoptr(GError) error = NULL;

  t->relay_cpu = thread_cpu_seconds ();
  t->relay_identity = pu_identity_generate ();
  t->relay_trust = pu_trust_store_new (trust_path, &error);
  g_assert_no_error (error);
  t->relay = pu_relay_server_new (t->relay_identity, t->relay_trust, &error);
  g_assert_no_error (error);
  pu_relay_server_listen (t->relay, G_INET_SOCKET_ADDRESS (addr), &error);
  g_assert_no_error (error);
  relay_id = pu_peer_id_to_string (pu_relay_server_get_peer_id (t->relay));
  t->relay_addr = g_strdup_printf ("/ip4/127.0.0.1/tcp/%u/p2p/%s",
                                   pu_relay_server_get_port (t->relay), relay_id);
}

static void
relay_stop (gpointer data)
{
  Tunnel *t = data;

  t->n_dropped = pu_relay_server_get_n_dropped (t->relay);
  t->relay_cpu = thread_cpu_seconds () - t->relay_cpu;
  pu_relay_server_stop (t->relay);
  g_clear_object (&t->relay);
  g_clear_object (&t->relay_trust);
  g_clear_object (&t->relay_identity);
}

static void
home_start (gpointer data)
{
  Tunnel *t = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *sink = NULL;

  t->home = tunnel_profile (t, "home");
  sink = g_strdup_printf ("127.0.0.1:%u",
                          g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (t->sink_addr)));
  pu_config_add_service (pu_profile_get_config (t->home), "sink", sink, &error);
  g_assert_no_error (error);
  t->home_node = pu_node_new (t->home, TRUE, &error);
  g_assert_no_error (error);
  pu_node_set_direct_paths (t->home_node, t->direct);
  pu_node_start (t->home_node);
}

static void
home_authorize (gpointer data)
{
  Tunnel *t = data;
  g_autoptr(GError) error = NULL;

  pu_trust_store_add (pu_profile_get_trust_store (t->home),
                      pu_identity_get_peer_id (pu_profile_get_identity (t->laptop)),
                      "laptop", 0, &error);
  g_assert_no_error (error);
}

static void
home_stop (gpointer data)
{
  Tunnel *t = data;

  g_clear_object (&t->home_node);
  g_clear_object (&t->home);
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
check_direct (gpointer data)
{
  Tunnel *t = data;
  PuNodePeerState state;

  t->is_direct = pu_node_get_peer_state (t->laptop_node,
                                         pu_identity_get_peer_id (
                                           pu_profile_get_identity (t->home)),
                                         &state) &&
                 state.path == PU_PATH_KIND_DIRECT;
}

/* The TCP client: one byte to bring the connection up, then the measurement
 * (once the connection is on its direct path, when that is measured). */
static gpointer
tunnel_client (gpointer data)
{
  Tunnel *t = data;
  gint64 start = g_get_monotonic_time ();

  tcp_send_all (t->proxy_addr, 1);
  t->first_usec = g_get_monotonic_time () - start;
  for (guint i = 0; t->direct && !t->is_direct; i++)
    {
      g_assert_cmpuint (i, <, 2000);
      g_usleep (5000);
      context_call (NULL, check_direct, t);
    }
  t->result = tcp_send_all (t->proxy_addr, t->bytes);
  g_main_context_invoke (NULL, quit_cb, t->loop);
  return NULL;
}

static Result
bench_tunnel (guint64  bytes,
              gboolean direct)
{
  g_autoptr(GSocket) listener = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GError) error = NULL;
  GThread *sink_thread, *client;
  Tunnel t = { .bytes = bytes, .direct = direct };
  Sink sink;

  t.dir = pu_test_make_tmpdir ();
  listener = tcp_listener (&t.sink_addr);
  /* The connection's warm-up, then the measurement. */
  sink = (Sink) { listener, 2 };
  sink_thread = g_thread_new ("sink", tcp_receiver, &sink);

  worker_start (&t.relay_worker, "relay");
  worker_call (&t.relay_worker, relay_start, &t);
  worker_start (&t.home_worker, "home");
  worker_call (&t.home_worker, home_start, &t);

  t.laptop = tunnel_profile (&t, "laptop");
  worker_call (&t.home_worker, home_authorize, &t);
  t.laptop_node = pu_node_new (t.laptop, FALSE, &error);
  g_assert_no_error (error);
  pu_node_set_direct_paths (t.laptop_node, direct);
  pu_node_start (t.laptop_node);
  t.proxy = pu_proxy_new (t.laptop_node, pu_identity_get_peer_id (pu_profile_get_identity (t.home)),
                          "sink", G_INET_SOCKET_ADDRESS (any), &error);
  g_assert_no_error (error);
  t.proxy_addr = g_inet_socket_address_new (lo, pu_proxy_get_port (t.proxy));

  t.loop = g_main_loop_new (NULL, FALSE);
  client = g_thread_new ("client", tunnel_client, &t);
  g_main_loop_run (t.loop);
  g_thread_join (client);

  pu_proxy_stop (t.proxy);
  g_clear_object (&t.proxy);
  g_clear_object (&t.laptop_node);
  g_clear_object (&t.laptop);
  worker_call (&t.home_worker, home_stop, &t);
  worker_stop (&t.home_worker);
  worker_call (&t.relay_worker, relay_stop, &t);
  worker_stop (&t.relay_worker);
  for (guint i = 0; i < 100 && g_main_context_iteration (NULL, FALSE); i++)
    ;
  g_thread_join (sink_thread);

  if (!direct)
    g_print ("first byte and its answer through a new tunnel (relay and QUIC handshakes): "
             "%.1f ms\nrelay CPU: %.2f s per GB relayed\n", t.first_usec / 1000.0,
             t.relay_cpu / (bytes / 1e9));
  if (t.n_dropped > 0)
    g_print ("(the relay dropped %" G_GUINT64_FORMAT " packets for a full queue)\n", t.n_dropped);
  pu_test_remove_tree (t.dir);
  g_free (t.dir);
  g_free (t.relay_addr);
  g_clear_object (&t.sink_addr);
  g_clear_object (&t.proxy_addr);
  g_main_loop_unref (t.loop);
  return t.result;
}

static void
print_row (const char *what,
           Result      r)
{
  g_print ("%-40s %8.1f   %8.1f\n", what, r.mb_per_s, r.mb_per_cpu_s);
}

int
main (int   argc,
      char *argv[])
{
  guint64 megabytes = argc > 1 ? g_ascii_strtoull (argv[1], NULL, 10) : 200;
  guint64 bytes = MAX (megabytes, 1) * 1000 * 1000;
  const char *only = argc > 2 ? argv[2] : NULL;
  guint rtt_ms = argc > 3 ? (guint) g_ascii_strtoull (argv[3], NULL, 10) : 0;
  const char *offload = argc > 4 ? argv[4] : "plain";
  g_autofree char *load = NULL;
  Result tcp = { 0 };

  gboolean bad_mode = only != NULL && !g_str_equal (only, "udp") &&
                      !g_str_equal (only, "relay") && !g_str_equal (only, "direct") &&
                      !g_str_equal (only, "tcp");

  udp_gso = g_str_equal (offload, "gso") || g_str_equal (offload, "gro");
  udp_gro = g_str_equal (offload, "gro");
  if (argc > 5)
    udp_datagram_size = g_ascii_strtoull (argv[5], NULL, 10);
  if (bad_mode || (!udp_gso && !g_str_equal (offload, "plain")) ||
      udp_datagram_size < 1200 || udp_datagram_size > 1452)
    {
      g_printerr ("Usage: %s [MEGABYTES [udp|relay|direct|tcp [RTT_MS [plain|gso|gro "
                  "[DATAGRAM]]]]]\n", argv[0]);
      return 2;
    }

  g_file_get_contents ("/proc/loadavg", &load, NULL, NULL);
  g_print ("transfer: %" G_GUINT64_FORMAT " MB on one stream, loopback, load average %s",
           bytes / 1000000, load != NULL ? load : "unknown\n");
  g_print ("%-40s %8s   %s\n", "", "MB/s", "MB per CPU-second");
  if (only == NULL || g_str_equal (only, "tcp"))
    print_row ("raw TCP:", tcp = bench_tcp (bytes));
  if (only == NULL || g_str_equal (only, "udp"))
    {
      Result quic = bench_quic (bytes, rtt_ms);
      g_autofree char *what = g_strdup_printf ("QUIC (ngtcp2, AES-128-GCM) over UDP%s:",
                                               rtt_ms > 0 ? ", delayed" : "");

      g_print ("UDP: %s, %" G_GSIZE_FORMAT "-byte datagrams\n",
               udp_gro ? "GSO and GRO" : udp_gso ? "GSO" : "plain", udp_datagram_size);

      if (rtt_ms > 0)
        g_print ("round trip added on the UDP path: %u ms\n", rtt_ms);
      print_row (what, quic);
      if (tcp.mb_per_s > 0)
        g_print ("%-40s %8.3f   %8.3f\n", "  ratio to raw TCP:", quic.mb_per_s / tcp.mb_per_s,
                 quic.mb_per_cpu_s / tcp.mb_per_cpu_s);
    }
  for (guint i = 0; i < 2; i++)
    {
      const char *mode = i == 0 ? "relay" : "direct";
      Result tunnel;

      if (only != NULL && !g_str_equal (only, mode))
        continue;
      tunnel = bench_tunnel (bytes, i == 1);
      print_row (i == 0 ? "TCP tunnel through a relay (TLS WS):"
                        : "TCP tunnel on the direct ICE path:", tunnel);
      if (tcp.mb_per_s > 0)
        g_print ("%-40s %8.3f   %8.3f\n", "  ratio to raw TCP:", tunnel.mb_per_s / tcp.mb_per_s,
                 tunnel.mb_per_cpu_s / tcp.mb_per_cpu_s);
    }
  return 0;
}
