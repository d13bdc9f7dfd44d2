/* pu-stream.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-stream.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pu-connection-private.h"
#include "pu-stream-private.h"

/* Bytes live in a queue of chunks that never move once written: QUIC keeps
 * pointers to sent data until the peer acknowledges it. */
#define CHUNK_MIN (4 * 1024)
#define CHUNK_MAX (64 * 1024)
/* Unsent bytes offered to QUIC at a time: more than a packet takes. */
#define PEEK_MAX (64 * 1024)

typedef struct {
  gsize  start;  /* consumed from the front */
  gsize  len;    /* written */
  gsize  cap;
  guint8 data[];
} Chunk;

typedef struct {
  GQueue  chunks;
  gsize   len;    /* unconsumed bytes */
  Chunk  *spare;  /* one emptied chunk, reused: saves malloc churn */
} ByteQueue;

struct _PuStream
{
  GIOStream      parent_instance;

  PuConnection  *connection;  /* not owned; NULL once the connection is gone */
  gint64         id;
  GInputStream  *input;
  GOutputStream *output;
  GList          send_link;

  ByteQueue      recvq;
  gboolean       recv_fin;
  gboolean       read_closed;
  GError        *read_error;

  ByteQueue      sendq;       /* unacknowledged, then unsent bytes */
  gsize          sent;        /* bytes at the front of sendq handed to QUIC */
  gboolean       fin_pending;
  gboolean       fin_sent;
  GError        *write_error;

  gboolean       quic_closed;
};

G_DEFINE_FINAL_TYPE (PuStream, pu_stream, G_TYPE_IO_STREAM)

static void
byte_queue_push (ByteQueue    *q,
                 const guint8 *data,
                 gsize         len)
{
  q->len += len;
  while (len > 0)
    {
      Chunk *tail = g_queue_peek_tail (&q->chunks);
      gsize n;

      if (tail == NULL || tail->len == tail->cap)
        {
          /* A queue that already holds data is streaming: use big chunks. */
          gsize cap = q->len > len ? CHUNK_MAX : CLAMP (len, CHUNK_MIN, CHUNK_MAX);

          if (q->spare != NULL && q->spare->cap >= cap)
            tail = g_steal_pointer (&q->spare);
          else
            {
              tail = g_malloc (sizeof (Chunk) + cap);
              tail->cap = cap;
            }
          tail->start = tail->len = 0;
          g_queue_push_tail (&q->chunks, tail);
        }

      n = MIN (len, tail->cap - tail->len);
      memcpy (tail->data + tail->len, data, n);
      tail->len += n;
      data += n;
      len -= n;
    }
}

/* Drops @len bytes from the front, copying them to @out unless it is NULL. */
static void
byte_queue_pop (ByteQueue *q,
                guint8    *out,
                gsize      len)
{
  g_assert (len <= q->len);

  q->len -= len;
  while (len > 0)
    {
      Chunk *head = g_queue_peek_head (&q->chunks);
      gsize n = MIN (len, head->len - head->start);

      if (out != NULL)
        {
          memcpy (out, head->data + head->start, n);
          out += n;
        }
      head->start += n;
      len -= n;
      if (head->start == head->len && (head->len == head->cap || q->len == 0))
        {
          g_queue_pop_head (&q->chunks);
          if (q->spare == NULL)
            q->spare = head;
          else
            g_free (head);
        }
    }
}

/* Points @vecs at the last @count bytes, or at their first @max_bytes or a
 * little more; sets @covered to how many it points at. They sit in the last
 * few chunks, while everything before them (sent, waiting for
 * acknowledgement) may fill many: the walk starts from the back. */
static gsize
byte_queue_peek_last (ByteQueue  *q,
                      gsize       count,
                      gsize       max_bytes,
                      ngtcp2_vec *vecs,
                      gsize       max_vecs,
                      gsize      *covered)
{
  GList *l = q->chunks.tail;
  gsize skip, n = 0;

  g_assert (count <= q->len);

  *covered = 0;
  if (count == 0)
    return 0;
  for (;;)
    {
      Chunk *chunk = l->data;
      gsize avail = chunk->len - chunk->start;

      if (avail >= count)
        {
          skip = avail - count;
          break;
        }
      count -= avail;
      l = l->prev;
    }

  for (; l != NULL && n < max_vecs && *covered < max_bytes; l = l->next)
    {
      Chunk *chunk = l->data;

      vecs[n].base = chunk->data + chunk->start + skip;
      vecs[n].len = chunk->len - chunk->start - skip;
      *covered += vecs[n].len;
      skip = 0;
      n++;
    }

  return n;
}

static void
byte_queue_clear (ByteQueue *q)
{
  g_queue_clear_full (&q->chunks, g_free);
  g_clear_pointer (&q->spare, g_free);
  q->len = 0;
}

static GInputStream *
pu_stream_get_input_stream (GIOStream *stream)
{
  return PU_STREAM (stream)->input;
}

static GOutputStream *
pu_stream_get_output_stream (GIOStream *stream)
{
  return PU_STREAM (stream)->output;
}

static void
pu_stream_finalize (GObject *object)
{
  PuStream *self = PU_STREAM (object);

  g_clear_object (&self->input);
  g_clear_object (&self->output);
  byte_queue_clear (&self->recvq);
  byte_queue_clear (&self->sendq);
  g_clear_error (&self->read_error);
  g_clear_error (&self->write_error);

  G_OBJECT_CLASS (pu_stream_parent_class)->finalize (object);
}

static void
pu_stream_class_init (PuStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  object_class->finalize = pu_stream_finalize;
  stream_class->get_input_stream = pu_stream_get_input_stream;
  stream_class->get_output_stream = pu_stream_get_output_stream;
}

static void
pu_stream_init (PuStream *self)
{
  self->send_link.data = self;
}

PuStream *
_pu_stream_new (PuConnection *connection,
                gint64        id)
{
  PuStream *self = g_object_new (PU_TYPE_STREAM, NULL);

  self->connection = connection;
  self->id = id;
  self->input = _pu_stream_input_new (self);
  self->output = _pu_stream_output_new (self);
  return self;
}

gint64
pu_stream_get_id (PuStream *self)
{
  g_return_val_if_fail (PU_IS_STREAM (self), -1);

  return self->id;
}

void
pu_stream_abort (PuStream *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (PU_IS_STREAM (self));

  error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The stream was aborted"));
  if (self->connection != NULL && !self->quic_closed)
    _pu_connection_stream_shutdown (self->connection, self, !self->recv_fin, !self->fin_sent);
  _pu_stream_fail_read (self, error);
  _pu_stream_fail_write (self, error);
}

void
_pu_stream_deliver (PuStream     *self,
                    const guint8 *data,
                    gsize         len,
                    gboolean      fin)
{
  /* After the input is closed the bytes are worthless, but their credit is not. */
  if (self->read_closed || self->read_error != NULL)
    {
      if (len > 0 && self->connection != NULL)
        _pu_connection_stream_consumed (self->connection, self, len, FALSE);
      return;
    }

  byte_queue_push (&self->recvq, data, len);
  if (fin)
    self->recv_fin = TRUE;
}

void
_pu_stream_acked (PuStream *self,
                  gsize     len)
{
  /* Acknowledgements arrive in order and never beyond what was sent. */
  len = MIN (len, self->sent);
  byte_queue_pop (&self->sendq, NULL, len);
  self->sent -= len;
}

/* Bytes written but not yet handed to QUIC. Those handed over stay queued
 * until acknowledged, but congestion control and the peer's window already
 * bound them; counting them too would cap a stream at one buffer per round
 * trip. */
static gsize
unsent (PuStream *self)
{
  return self->sendq.len - self->sent;
}

gsize
_pu_stream_peek_unsent (PuStream   *self,
                        ngtcp2_vec *vecs,
                        gsize       max_vecs,
                        gboolean   *fin)
{
  gsize covered;
  gsize n = byte_queue_peek_last (&self->sendq, unsent (self), PEEK_MAX, vecs, max_vecs,
                                  &covered);

  *fin = self->fin_pending && !self->fin_sent && covered == unsent (self);
  return n;
}

void
_pu_stream_sent (PuStream *self,
                 gsize     len,
                 gboolean  fin)
{
  g_assert (self->sent + len <= self->sendq.len);

  self->sent += len;
  if (fin && self->sent == self->sendq.len)
    self->fin_sent = TRUE;
}

gboolean
_pu_stream_has_unsent (PuStream *self)
{
  if (self->write_error != NULL || self->quic_closed)
    return FALSE;

  return self->sent < self->sendq.len || (self->fin_pending && !self->fin_sent);
}

void
_pu_stream_fail_read (PuStream     *self,
                      const GError *error)
{
  if (self->read_error == NULL && !self->recv_fin)
    self->read_error = g_error_copy (error);
}

void
_pu_stream_fail_write (PuStream     *self,
                       const GError *error)
{
  if (self->write_error != NULL || self->fin_sent)
    return;

  self->write_error = g_error_copy (error);
  /* Nothing queued will ever go out; QUIC has dropped its references. */
  byte_queue_clear (&self->sendq);
  self->sent = 0;
}

void
_pu_stream_quic_closed (PuStream *self)
{
  self->quic_closed = TRUE;
}

void
_pu_stream_detach (PuStream     *self,
                   const GError *error)
{
  _pu_stream_fail_read (self, error);
  _pu_stream_fail_write (self, error);
  self->quic_closed = TRUE;
  self->connection = NULL;
}

GList *
_pu_stream_get_send_link (PuStream *self)
{
  return &self->send_link;
}

gssize
_pu_stream_read (PuStream  *self,
                 void      *buffer,
                 gsize      count,
                 GError   **error)
{
  gsize n = MIN (count, self->recvq.len);

  if (n > 0)
    {
      byte_queue_pop (&self->recvq, buffer, n);
      if (self->connection != NULL)
        _pu_connection_stream_consumed (self->connection, self, n, !self->quic_closed);
      return n;
    }

  if (count == 0 || self->recv_fin)
    return 0;

  if (self->read_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->read_error));
      return -1;
    }

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK,
                       _("No data received yet on this stream"));
  return -1;
}

gssize
_pu_stream_write (PuStream    *self,
                  const void  *buffer,
                  gsize        count,
                  GError     **error)
{
  gsize room, n;

  if (self->write_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->write_error));
      return -1;
    }

  room = PU_STREAM_SEND_BUFFER_MAX - MIN (unsent (self), PU_STREAM_SEND_BUFFER_MAX);
  if (room == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK,
                           _("The stream's send buffer is full"));
      return -1;
    }

  n = MIN (count, room);
  byte_queue_push (&self->sendq, buffer, n);
  if (self->connection != NULL)
    _pu_connection_stream_ready (self->connection, self);
  return n;
}

gboolean
_pu_stream_is_readable (PuStream *self)
{
  return self->recvq.len > 0 || self->recv_fin || self->read_error != NULL;
}

gboolean
_pu_stream_is_writable (PuStream *self)
{
  return self->write_error != NULL || unsent (self) < PU_STREAM_SEND_BUFFER_MAX;
}

void
_pu_stream_close_read (PuStream *self)
{
  gsize discarded = self->recvq.len;

  if (self->read_closed)
    return;
  self->read_closed = TRUE;

  byte_queue_clear (&self->recvq);
  if (self->connection == NULL)
    return;

  if (!self->recv_fin && self->read_error == NULL && !self->quic_closed)
    _pu_connection_stream_shutdown (self->connection, self, TRUE, FALSE);
  if (discarded > 0)
    _pu_connection_stream_consumed (self->connection, self, discarded, FALSE);
}

void
_pu_stream_close_write (PuStream *self)
{
  if (self->fin_pending)
    return;

  self->fin_pending = TRUE;
  if (self->connection != NULL && _pu_stream_has_unsent (self))
    _pu_connection_stream_ready (self->connection, self);
}

/* Level-triggered readiness: checked before every poll of the main loop, and
 * state only changes on that thread, so no wakeup is ever missed. */
typedef struct {
  GSource   source;
  PuStream *stream;
  GObject  *pollable;
  gboolean  for_output;
} ReadySource;

static gboolean
ready_source_is_ready (ReadySource *rs)
{
  return rs->for_output ? _pu_stream_is_writable (rs->stream)
                        : _pu_stream_is_readable (rs->stream);
}

static gboolean
ready_source_prepare (GSource *source,
                      gint    *timeout)
{
  *timeout = -1;
  return ready_source_is_ready ((ReadySource *) source);
}

static gboolean
ready_source_check (GSource *source)
{
  return ready_source_is_ready ((ReadySource *) source);
}

static gboolean
ready_source_dispatch (GSource     *source,
                       GSourceFunc  callback,
                       gpointer     user_data)
{
  ReadySource *rs = (ReadySource *) source;

  if (callback == NULL)
    return G_SOURCE_CONTINUE;
  return ((GPollableSourceFunc) (void (*) (void)) callback) (rs->pollable, user_data);
}

static void
ready_source_finalize (GSource *source)
{
  ReadySource *rs = (ReadySource *) source;

  g_clear_object (&rs->stream);
  g_clear_object (&rs->pollable);
}

static GSourceFuncs ready_source_funcs = {
  ready_source_prepare,
  ready_source_check,
  ready_source_dispatch,
  ready_source_finalize,
  NULL, NULL,
};

GSource *
_pu_stream_create_source (PuStream     *self,
                          GObject      *pollable,
                          gboolean      for_output,
                          GCancellable *cancellable)
{
  GSource *source = g_source_new (&ready_source_funcs, sizeof (ReadySource));
  ReadySource *rs = (ReadySource *) source;

  rs->stream = g_object_ref (self);
  rs->pollable = g_object_ref (pollable);
  rs->for_output = for_output;
  g_source_set_static_name (source, for_output ? "PuStream writable" : "PuStream readable");

  /* Cancelling wakes the source so the caller sees G_IO_ERROR_CANCELLED. */
  if (cancellable != NULL)
    {
      GSource *cancel = g_cancellable_source_new (cancellable);

      g_source_set_dummy_callback (cancel);
      g_source_add_child_source (source, cancel);
      g_source_unref (cancel);
    }

  return source;
}
