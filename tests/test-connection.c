/* test-connection.c — QUIC connections and streams over in-process paths
 *
 * No timings are asserted; each wait has a generous guard that only stops a
 * hung test.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "pu-certificate.h"
#include "pu-connection.h"
#include "pu-test-path.h"

#define GUARD_SECONDS 240
#define CHUNK (64 * 1024)

#define WAIT_UNTIL(expr)                                                            \
  G_STMT_START {                                                                    \
    gint64 deadline_ = g_get_monotonic_time () + GUARD_SECONDS * G_USEC_PER_SEC;    \
    while (!(expr))                                                                 \
      {                                                                             \
        if (g_get_monotonic_time () > deadline_)                                    \
          g_error ("Gave up waiting for %s", #expr);                                \
        g_main_context_iteration (NULL, TRUE);                                      \
      }                                                                             \
  } G_STMT_END

typedef struct {
  PuConnection *connection;
  gboolean      completed;
  GError       *closed;
  GPtrArray    *incoming;
} Side;

typedef struct {
  PuIdentity    *client_id;
  PuIdentity    *server_id;
  PuCertificate *client_cert;
  PuCertificate *server_cert;
  PuTestPath    *client_path;
  PuTestPath    *server_path;
  Side           client;
  Side           server;
  gboolean       authorize;
  guint          authorize_calls;
  guint          wake_id;
} Pair;

static gboolean
wake (gpointer user_data)
{
  /* Keeps g_main_context_iteration() from sleeping past a guard. */
  return G_SOURCE_CONTINUE;
}

static void
on_completed (PuConnection *connection,
              Side         *side)
{
  g_assert_false (side->completed);
  side->completed = TRUE;
}

static void
on_closed (PuConnection *connection,
           const GError *error,
           Side         *side)
{
  g_assert_nonnull (error);
  g_assert_null (side->closed);
  side->closed = g_error_copy (error);
}

static void
on_incoming (PuConnection *connection,
             PuStream     *stream,
             Side         *side)
{
  g_ptr_array_add (side->incoming, g_object_ref (stream));
}

static gboolean
authorize (const PuPeerId *peer,
           gpointer        user_data)
{
  Pair *pair = user_data;

  pair->authorize_calls++;
  g_assert_true (pu_peer_id_equal (peer, pu_identity_get_peer_id (pair->client_id)));
  return pair->authorize;
}

static void
side_connect (Side *side)
{
  side->incoming = g_ptr_array_new_with_free_func (g_object_unref);
  g_signal_connect (side->connection, "handshake-completed", G_CALLBACK (on_completed), side);
  g_signal_connect (side->connection, "closed", G_CALLBACK (on_closed), side);
  g_signal_connect (side->connection, "incoming-stream", G_CALLBACK (on_incoming), side);
}

/* A client dialing @dial (the server's ID when NULL) and a server that lets
 * it in when @allow. Nothing runs until the main loop does. */
static Pair *
pair_new (gboolean        allow,
          const PuPeerId *dial)
{
  Pair *pair = g_new0 (Pair, 1);
  g_autoptr(GError) error = NULL;

  pair->authorize = allow;
  pair->client_id = pu_identity_generate ();
  pair->server_id = pu_identity_generate ();
  pair->client_cert = pu_certificate_new (pair->client_id, &error);
  g_assert_no_error (error);
  pair->server_cert = pu_certificate_new (pair->server_id, &error);
  g_assert_no_error (error);
  pu_test_path_new_pair (&pair->client_path, &pair->server_path);

  pair->client.connection =
    pu_connection_new_client (pair->client_cert,
                              dial != NULL ? dial : pu_identity_get_peer_id (pair->server_id),
                              PU_PATH (pair->client_path), &error);
  g_assert_no_error (error);
  pair->server.connection =
    pu_connection_new_server (pair->server_cert, authorize, pair, NULL,
                              PU_PATH (pair->server_path), &error);
  g_assert_no_error (error);

  pu_test_path_set_receiver (pair->client_path, pair->client.connection);
  pu_test_path_set_receiver (pair->server_path, pair->server.connection);
  side_connect (&pair->client);
  side_connect (&pair->server);
  pair->wake_id = g_timeout_add (100, wake, NULL);
  return pair;
}

static void
side_clear (Side *side)
{
  g_signal_handlers_disconnect_by_data (side->connection, side);
  g_clear_object (&side->connection);
  g_clear_error (&side->closed);
  g_clear_pointer (&side->incoming, g_ptr_array_unref);
}

static void
pair_free (Pair *pair)
{
  side_clear (&pair->client);
  side_clear (&pair->server);
  g_clear_object (&pair->client_path);
  g_clear_object (&pair->server_path);
  g_clear_object (&pair->client_cert);
  g_clear_object (&pair->server_cert);
  g_clear_object (&pair->client_id);
  g_clear_object (&pair->server_id);
  g_clear_handle_id (&pair->wake_id, g_source_remove);
  /* Let queued deliveries and releases run out. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_free (pair);
}

static Pair *
pair_new_established (void)
{
  Pair *pair = pair_new (TRUE, NULL);

  WAIT_UNTIL (pair->client.completed && pair->server.completed);
  return pair;
}

static void
on_opened (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  PuStream **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = pu_connection_open_stream_finish (PU_CONNECTION (source), result, &error);
  g_assert_no_error (error);
}

static PuStream *
open_stream (PuConnection *connection)
{
  PuStream *stream = NULL;

  pu_connection_open_stream_async (connection, NULL, on_opened, &stream);
  WAIT_UNTIL (stream != NULL);
  return stream;
}

/* Deterministic bytes, different for each seed. */
static void
fill (guint32 *state,
      guint8  *buf,
      gsize    len)
{
  for (gsize i = 0; i < len; i++)
    {
      *state ^= *state << 13;
      *state ^= *state >> 17;
      *state ^= *state << 5;
      buf[i] = (guint8) *state;
    }
}

/* Sends @to_send generated bytes then closes the output, and reads the
 * input to end-of-file, checksumming both sides. */
typedef struct {
  PuStream  *stream;
  guint64    to_send;
  guint64    sent;
  guint32    state;
  GChecksum *sent_sum;
  guint8     wbuf[CHUNK];
  gboolean   send_done;
  guint64    received;
  GChecksum *recv_sum;
  guint8     rbuf[CHUNK];
  gboolean   recv_done;
} Transfer;

static void write_next (Transfer *t);
static void read_next (Transfer *t);

static void
on_output_closed (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Transfer *t = user_data;
  g_autoptr(GError) error = NULL;

  g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, &error);
  g_assert_no_error (error);
  t->send_done = TRUE;
}

static void
on_written (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Transfer *t = user_data;
  g_autoptr(GError) error = NULL;
  gsize written;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, &written, &error);
  g_assert_no_error (error);
  t->sent += written;
  write_next (t);
}

static void
write_next (Transfer *t)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (t->stream));
  gsize n = MIN (CHUNK, t->to_send - t->sent);

  if (n == 0)
    {
      g_output_stream_close_async (out, G_PRIORITY_DEFAULT, NULL, on_output_closed, t);
      return;
    }

  fill (&t->state, t->wbuf, n);
  g_checksum_update (t->sent_sum, t->wbuf, n);
  g_output_stream_write_all_async (out, t->wbuf, n, G_PRIORITY_DEFAULT, NULL, on_written, t);
}

static void
on_read (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Transfer *t = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);

  g_assert_no_error (error);
  if (n == 0)
    {
      t->recv_done = TRUE;
      return;
    }
  t->received += n;
  g_checksum_update (t->recv_sum, t->rbuf, n);
  read_next (t);
}

static void
read_next (Transfer *t)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (t->stream)), t->rbuf,
                             sizeof t->rbuf, G_PRIORITY_DEFAULT, NULL, on_read, t);
}

static Transfer *
transfer_start (PuStream *stream,
                guint64   to_send,
                guint32   seed)
{
  Transfer *t = g_new0 (Transfer, 1);

  t->stream = g_object_ref (stream);
  t->to_send = to_send;
  t->state = seed;
  t->sent_sum = g_checksum_new (G_CHECKSUM_SHA256);
  t->recv_sum = g_checksum_new (G_CHECKSUM_SHA256);
  write_next (t);
  read_next (t);
  return t;
}

static void
transfer_free (Transfer *t)
{
  g_object_unref (t->stream);
  g_checksum_free (t->sent_sum);
  g_checksum_free (t->recv_sum);
  g_free (t);
}

/* Whatever one end sent, the other received, byte for byte. */
static void
assert_delivered (Transfer *from,
                  Transfer *to)
{
  g_assert_cmpuint (to->received, ==, from->to_send);
  g_assert_cmpstr (g_checksum_get_string (to->recv_sum), ==,
                   g_checksum_get_string (from->sent_sum));
}

static void
test_handshake (void)
{
  Pair *pair = pair_new_established ();
  g_autofree char *expected = pu_peer_id_to_string (pu_identity_get_peer_id (pair->client_id));
  const PuPeerId *server_saw = pu_connection_get_peer_id (pair->server.connection);
  g_autofree char *seen = pu_peer_id_to_string (server_saw);

  g_assert_true (pu_peer_id_equal (pu_connection_get_peer_id (pair->client.connection),
                                   pu_identity_get_peer_id (pair->server_id)));
  g_assert_cmpstr (seen, ==, expected);
  g_assert_cmpuint (pair->authorize_calls, ==, 1);
  g_assert_true (pu_connection_is_established (pair->client.connection));
  g_assert_true (pu_connection_is_established (pair->server.connection));
  g_assert_false (pu_connection_is_server (pair->client.connection));
  g_assert_true (pu_connection_is_server (pair->server.connection));
  g_assert_null (pair->client.closed);
  g_assert_null (pair->server.closed);

  pair_free (pair);
}

static void
test_wrong_peer (void)
{
  g_autoptr(PuIdentity) other = pu_identity_generate ();
  g_autofree char *other_text = pu_peer_id_to_string (pu_identity_get_peer_id (other));
  Pair *pair = pair_new (TRUE, pu_identity_get_peer_id (other));
  g_autofree char *server_text = pu_peer_id_to_string (pu_identity_get_peer_id (pair->server_id));

  WAIT_UNTIL (pair->client.closed != NULL && pair->server.closed != NULL);

  g_assert_error (pair->client.closed, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (pair->client.closed->message, other_text));
  g_assert_nonnull (strstr (pair->client.closed->message, server_text));
  g_assert_error (pair->server.closed, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_false (pair->client.completed);
  g_assert_false (pair->server.completed);
  g_assert_null (pu_connection_get_peer_id (pair->client.connection));

  pair_free (pair);
}

static void
on_open_failed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GError **out = user_data;
  g_autoptr(PuStream) stream = pu_connection_open_stream_finish (PU_CONNECTION (source), result,
                                                                 out);

  g_assert_null (stream);
  g_assert_nonnull (*out);
}

static void
test_unauthorized (void)
{
  Pair *pair = pair_new (FALSE, NULL);
  g_autofree char *client_text = pu_peer_id_to_string (pu_identity_get_peer_id (pair->client_id));
  g_autoptr(GError) open_error = NULL;

  /* The client asks for a stream at once; it must never get one. */
  pu_connection_open_stream_async (pair->client.connection, NULL, on_open_failed, &open_error);
  WAIT_UNTIL (pair->client.closed != NULL && pair->server.closed != NULL && open_error != NULL);

  g_assert_cmpuint (pair->authorize_calls, ==, 1);
  g_assert_error (pair->server.closed, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_assert_nonnull (strstr (pair->server.closed->message, client_text));
  g_assert_error (pair->client.closed, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_error (open_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED);
  g_assert_false (pair->client.completed);
  g_assert_false (pair->server.completed);
  g_assert_cmpuint (pair->server.incoming->len, ==, 0);

  pair_free (pair);
}

/* @size bytes each way on one stream, with an optional path change once
 * @switch_after bytes have arrived at the server (0: never). */
static void
run_transfer (Pair    *pair,
              guint64  size,
              guint64  switch_after)
{
  g_autoptr(PuStream) stream = open_stream (pair->client.connection);
  Transfer *client = transfer_start (stream, size, 0x12345678);
  Transfer *server = NULL;
  g_autoptr(PuTestPath) new_client_path = NULL;
  g_autoptr(PuTestPath) new_server_path = NULL;

  WAIT_UNTIL (pair->server.incoming->len == 1);
  server = transfer_start (g_ptr_array_index (pair->server.incoming, 0), size, 0x9abcdef0);

  if (switch_after > 0)
    {
      WAIT_UNTIL (server->received >= switch_after && client->received >= switch_after);
      g_assert_false (server->recv_done);
      pu_test_path_new_pair (&new_client_path, &new_server_path);
      pu_test_path_set_receiver (new_client_path, pair->client.connection);
      pu_test_path_set_receiver (new_server_path, pair->server.connection);
      pu_connection_set_path (pair->client.connection, PU_PATH (new_client_path));
      pu_connection_set_path (pair->server.connection, PU_PATH (new_server_path));
      /* The old path is gone for good. */
      pu_test_path_set_loss (pair->client_path, 100);
      pu_test_path_set_loss (pair->server_path, 100);
    }

  WAIT_UNTIL (client->send_done && client->recv_done && server->send_done && server->recv_done);
  assert_delivered (client, server);
  assert_delivered (server, client);
  g_assert_null (pair->client.closed);
  g_assert_null (pair->server.closed);

  if (switch_after > 0)
    {
      g_assert_true (pu_connection_get_path (pair->client.connection) ==
                     PU_PATH (new_client_path));
      g_assert_cmpuint (pu_test_path_get_sent (new_client_path), >, 0);
      g_assert_cmpuint (pu_test_path_get_sent (new_server_path), >, 0);
    }

  transfer_free (client);
  transfer_free (server);
}

static void
test_transfer (void)
{
  Pair *pair = pair_new_established ();

  run_transfer (pair, 20 * 1024 * 1024, 0);
  pair_free (pair);
}

static void
test_path_switch (void)
{
  Pair *pair = pair_new_established ();

  run_transfer (pair, 8 * 1024 * 1024, 2 * 1024 * 1024);
  pair_free (pair);
}

static void
test_loss (void)
{
  Pair *pair = pair_new (TRUE, NULL);

  /* Loss from the first packet on, handshake included. */
  pu_test_path_set_loss (pair->client_path, 5);
  pu_test_path_set_loss (pair->server_path, 5);
  pu_test_path_set_reorder (pair->client_path, 2);
  pu_test_path_set_reorder (pair->server_path, 2);
  WAIT_UNTIL (pair->client.completed && pair->server.completed);

  run_transfer (pair, 2 * 1024 * 1024, 0);
  pair_free (pair);
}

/* The server echoes each stream; each client stream checks its own data. */
typedef struct {
  PuStream *stream;
  guint8    buf[4096];
  gsize     pending;
  gboolean  done;
} Echo;

static void echo_read (Echo *echo);

static void
on_echo_written (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Echo *echo = user_data;
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error);
  g_assert_no_error (error);
  echo_read (echo);
}

static void
on_echo_closed (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  Echo *echo = user_data;

  g_assert_true (g_output_stream_close_finish (G_OUTPUT_STREAM (source), result, NULL));
  echo->done = TRUE;
}

static void
on_echo_read (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  Echo *echo = user_data;
  g_autoptr(GError) error = NULL;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (echo->stream));

  g_assert_no_error (error);
  if (n == 0)
    g_output_stream_close_async (out, G_PRIORITY_DEFAULT, NULL, on_echo_closed, echo);
  else
    g_output_stream_write_all_async (out, echo->buf, n, G_PRIORITY_DEFAULT, NULL,
                                     on_echo_written, echo);
}

static void
echo_read (Echo *echo)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (echo->stream)),
                             echo->buf, sizeof echo->buf, G_PRIORITY_DEFAULT, NULL,
                             on_echo_read, echo);
}

static void
on_echo_stream (PuConnection *connection,
                PuStream     *stream,
                GPtrArray    *echoes)
{
  Echo *echo = g_new0 (Echo, 1);

  echo->stream = g_object_ref (stream);
  g_ptr_array_add (echoes, echo);
  echo_read (echo);
}

static void
echo_free (Echo *echo)
{
  g_object_unref (echo->stream);
  g_free (echo);
}

#define N_STREAMS 200

static void
on_many_opened (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  GPtrArray *transfers = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PuStream) stream = pu_connection_open_stream_finish (PU_CONNECTION (source), result,
                                                                 &error);

  g_assert_no_error (error);
  /* Each stream sends a different amount of different data. */
  g_ptr_array_add (transfers, transfer_start (stream, 1000 + 97 * transfers->len,
                                              transfers->len + 1));
}

static gboolean
all_done (GPtrArray *transfers)
{
  for (guint i = 0; i < transfers->len; i++)
    {
      Transfer *t = g_ptr_array_index (transfers, i);

      if (!t->send_done || !t->recv_done)
        return FALSE;
    }
  return TRUE;
}

static void
test_many_streams (void)
{
  Pair *pair = pair_new_established ();
  g_autoptr(GPtrArray) echoes = g_ptr_array_new_with_free_func ((GDestroyNotify) echo_free);
  g_autoptr(GPtrArray) transfers = g_ptr_array_new_with_free_func ((GDestroyNotify) transfer_free);

  g_signal_connect (pair->server.connection, "incoming-stream", G_CALLBACK (on_echo_stream),
                    echoes);
  /* All requested at once: the streams run concurrently. */
  for (guint i = 0; i < N_STREAMS; i++)
    pu_connection_open_stream_async (pair->client.connection, NULL, on_many_opened, transfers);

  WAIT_UNTIL (transfers->len == N_STREAMS);
  WAIT_UNTIL (all_done (transfers));

  g_assert_cmpuint (echoes->len, ==, N_STREAMS);
  for (guint i = 0; i < transfers->len; i++)
    {
      Transfer *t = g_ptr_array_index (transfers, i);

      g_assert_cmpuint (t->received, ==, t->to_send);
      g_assert_cmpstr (g_checksum_get_string (t->recv_sum), ==,
                       g_checksum_get_string (t->sent_sum));
    }
  g_assert_null (pair->client.closed);

  g_signal_handlers_disconnect_by_data (pair->server.connection, echoes);
  pair_free (pair);
}

static void
write_all (PuStream   *stream,
           const char *text)
{
  GOutputStream *out = g_io_stream_get_output_stream (G_IO_STREAM (stream));
  g_autoptr(GError) error = NULL;

  /* Small writes fit the send buffer, so the non-blocking call succeeds. */
  g_assert_cmpint (g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (out),
                                                               text, strlen (text), NULL,
                                                               &error), ==, strlen (text));
  g_assert_no_error (error);
}

/* Reads until @len bytes or end-of-file, whichever comes first. */
static char *
read_upto (PuStream *stream,
           gsize     len,
           gboolean *eof)
{
  GPollableInputStream *in = G_POLLABLE_INPUT_STREAM (
    g_io_stream_get_input_stream (G_IO_STREAM (stream)));
  GString *s = g_string_new (NULL);

  *eof = FALSE;
  while (s->len < len && !*eof)
    {
      char buf[256];
      g_autoptr(GError) error = NULL;
      gssize n;

      WAIT_UNTIL (g_pollable_input_stream_is_readable (in));
      n = g_pollable_input_stream_read_nonblocking (in, buf, MIN (sizeof buf, len - s->len),
                                                    NULL, &error);
      g_assert_no_error (error);
      if (n == 0)
        *eof = TRUE;
      g_string_append_len (s, buf, n);
    }

  return g_string_free (s, FALSE);
}

static void
test_half_close (void)
{
  Pair *pair = pair_new_established ();
  g_autoptr(PuStream) client = open_stream (pair->client.connection);
  PuStream *server;
  g_autofree char *a = NULL, *b = NULL, *c = NULL, *d = NULL;
  g_autoptr(GError) error = NULL;
  gboolean eof;

  write_all (client, "hello");
  WAIT_UNTIL (pair->server.incoming->len == 1);
  server = g_ptr_array_index (pair->server.incoming, 0);
  a = read_upto (server, 5, &eof);
  g_assert_cmpstr (a, ==, "hello");
  g_assert_false (eof);

  /* The server finishes first; the client can still send afterwards. */
  write_all (server, "bye");
  g_output_stream_close (g_io_stream_get_output_stream (G_IO_STREAM (server)), NULL, &error);
  g_assert_no_error (error);
  b = read_upto (client, 100, &eof);
  g_assert_cmpstr (b, ==, "bye");
  g_assert_true (eof);

  write_all (client, "one more");
  g_output_stream_close (g_io_stream_get_output_stream (G_IO_STREAM (client)), NULL, &error);
  g_assert_no_error (error);
  c = read_upto (server, 100, &eof);
  g_assert_cmpstr (c, ==, "one more");
  g_assert_true (eof);

  /* Reading past the end keeps answering end-of-file. */
  d = read_upto (client, 100, &eof);
  g_assert_cmpstr (d, ==, "");
  g_assert_true (eof);

  g_assert_null (pair->client.closed);
  pair_free (pair);
}

static void
on_spliced (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (g_io_stream_splice_finish (result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
test_splice (void)
{
  Pair *pair = pair_new_established ();
  g_autoptr(PuStream) one = open_stream (pair->client.connection);
  g_autoptr(PuStream) two = open_stream (pair->client.connection);
  g_autofree char *a = NULL, *b = NULL;
  g_autoptr(GError) error = NULL;
  gboolean spliced = FALSE, eof;

  /* The server relays its two incoming streams to each other, like a proxy. */
  write_all (one, "through the tunnel");
  write_all (two, "and back");
  WAIT_UNTIL (pair->server.incoming->len == 2);
  g_io_stream_splice_async (g_ptr_array_index (pair->server.incoming, 0),
                            g_ptr_array_index (pair->server.incoming, 1),
                            G_IO_STREAM_SPLICE_CLOSE_STREAM1 | G_IO_STREAM_SPLICE_CLOSE_STREAM2,
                            G_PRIORITY_DEFAULT, NULL, on_spliced, &spliced);

  a = read_upto (two, strlen ("through the tunnel"), &eof);
  g_assert_cmpstr (a, ==, "through the tunnel");
  b = read_upto (one, strlen ("and back"), &eof);
  g_assert_cmpstr (b, ==, "and back");

  g_io_stream_close (G_IO_STREAM (one), NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (g_io_stream_get_output_stream (G_IO_STREAM (two)), NULL, &error);
  g_assert_no_error (error);
  WAIT_UNTIL (spliced);

  g_free (a);
  a = read_upto (two, 100, &eof);
  g_assert_cmpstr (a, ==, "");
  g_assert_true (eof);

  pair_free (pair);
}

static void
test_abort (void)
{
  Pair *pair = pair_new_established ();
  g_autoptr(PuStream) client = open_stream (pair->client.connection);
  GInputStream *in;
  PuStream *server;
  g_autoptr(GError) error = NULL;
  g_autofree char *got = NULL;
  char buf[16];
  gboolean eof;

  write_all (client, "partial");
  WAIT_UNTIL (pair->server.incoming->len == 1);
  server = g_ptr_array_index (pair->server.incoming, 0);
  got = read_upto (server, 7, &eof);
  g_assert_cmpstr (got, ==, "partial");

  pu_stream_abort (client);
  in = g_io_stream_get_input_stream (G_IO_STREAM (server));
  WAIT_UNTIL (g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (in)));
  g_assert_cmpint (g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (in), buf,
                                                             sizeof buf, NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  g_clear_error (&error);

  /* The aborting side fails its own calls too. */
  g_assert_cmpint (g_output_stream_write (g_io_stream_get_output_stream (G_IO_STREAM (client)),
                                          "x", 1, NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  g_assert_null (pair->client.closed);
  g_assert_null (pair->server.closed);
  pair_free (pair);
}

static void
test_close (void)
{
  Pair *pair = pair_new_established ();
  g_autoptr(PuStream) stream = open_stream (pair->client.connection);
  g_autoptr(GError) error = NULL;
  char buf[4];

  write_all (stream, "x");
  WAIT_UNTIL (pair->server.incoming->len == 1);

  pu_connection_close (pair->client.connection);
  g_assert_error (pair->client.closed, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_assert_true (pu_connection_is_closed (pair->client.connection));
  WAIT_UNTIL (pair->server.closed != NULL);
  g_assert_error (pair->server.closed, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);

  /* Streams fail with the connection's reason. */
  g_assert_cmpint (g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (stream)),
                                        buf, sizeof buf, NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);

  pair_free (pair);
}

static void
test_idle_timeout (void)
{
  Pair *pair = pair_new (TRUE, NULL);

  pu_connection_set_idle_timeout (pair->client.connection, 600);
  pu_connection_set_idle_timeout (pair->server.connection, 600);
  WAIT_UNTIL (pair->client.completed && pair->server.completed);

  /* Keep-alives hold a quiet connection open for several timeouts... */
  {
    gint64 until = g_get_monotonic_time () + 2 * G_USEC_PER_SEC;

    WAIT_UNTIL (g_get_monotonic_time () > until);
    g_assert_null (pair->client.closed);
    g_assert_null (pair->server.closed);
  }

  /* ...until the path dies. */
  pu_test_path_set_loss (pair->client_path, 100);
  pu_test_path_set_loss (pair->server_path, 100);
  WAIT_UNTIL (pair->client.closed != NULL && pair->server.closed != NULL);
  g_assert_error (pair->client.closed, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_error (pair->server.closed, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);

  pair_free (pair);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/connection/handshake", test_handshake);
  g_test_add_func ("/connection/wrong-peer", test_wrong_peer);
  g_test_add_func ("/connection/unauthorized", test_unauthorized);
  g_test_add_func ("/connection/transfer", test_transfer);
  g_test_add_func ("/connection/many-streams", test_many_streams);
  g_test_add_func ("/connection/half-close", test_half_close);
  g_test_add_func ("/connection/splice", test_splice);
  g_test_add_func ("/connection/abort", test_abort);
  g_test_add_func ("/connection/path-switch", test_path_switch);
  g_test_add_func ("/connection/loss", test_loss);
  g_test_add_func ("/connection/close", test_close);
  g_test_add_func ("/connection/idle-timeout", test_idle_timeout);

  return g_test_run ();
}
