/* pu-websocket.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-websocket.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "pu-error.h"

#define OPCODE_CONTINUATION 0x0
#define OPCODE_TEXT 0x1
#define OPCODE_BINARY 0x2
#define OPCODE_CLOSE 0x8
#define OPCODE_PING 0x9
#define OPCODE_PONG 0xa
#define CONTROL_MAX 125

/* The read buffer starts small (idle connections are the many) and doubles
 * while reads fill it, up to a whole frame and READ_CHUNK more; a wakeup
 * reads at most READ_BUDGET before the rest of the main loop gets a turn. */
#define READ_START (4 * 1024)
#define READ_CHUNK (64 * 1024)
#define READ_BUDGET (256 * 1024)
#define CLOSE_TIMEOUT_SECONDS 5
/* Masking keys are drawn this many bytes at a time: one getrandom() per
 * frame costs as much as masking the frame. */
#define MASK_POOL 256

struct _PuWebsocket
{
  GObject                parent_instance;

  GIOStream             *stream;
  GSocket               *socket;  /* under the stream, if it is on one */
  GPollableInputStream  *input;
  GPollableOutputStream *output;
  PuWebsocketRole        role;
  gsize                  max_message;
  PuWebsocketState       state;
  gboolean               close_received;
  gushort                close_code;
  GMainContext          *context;
  GSource               *read_source;
  GSource               *write_source;
  GSource               *pending_source; /* reads what may wait in the buffers */
  GSource               *close_timer;

  guint8                *in;     /* received, not yet parsed */
  gsize                  in_len;
  gsize                  in_cap;
  GByteArray            *out;    /* frames to send, from out_sent on */
  gsize                  out_sent;
  GByteArray            *message; /* fragments of a message so far, or NULL */
  guint8                 message_opcode;
  guint8                 mask_pool[MASK_POOL]; /* random bytes, from mask_used on */
  gsize                  mask_used;
};

G_DEFINE_FINAL_TYPE (PuWebsocket, pu_websocket, G_TYPE_OBJECT)

enum {
  SIGNAL_MESSAGE,
  SIGNAL_TEXT,
  SIGNAL_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void flush (PuWebsocket *self);
static void process_input (PuWebsocket *self);

static int
malformed (GError     **error,
           const char  *why)
{
  g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
               _("Malformed WebSocket frame (%s); check that both ends run Peer Up"), why);
  return -1;
}

static void
clear_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

/* Attaches a new source and keeps a reference to it in @field. */
static void
attach (PuWebsocket *self,
        GSource    **field,
        GSource     *source,
        GSourceFunc  func)
{
  g_source_set_callback (source, func, self, NULL);
  /* Our callbacks never run the main loop, and GLib would otherwise take the
   * socket's descriptor out of the poll set and put it back around every
   * dispatch, each time waking the loop with a write to its eventfd. */
  g_source_set_can_recurse (source, TRUE);
  g_source_attach (source, self->context);
  *field = source;
}

static gboolean on_readable (PuWebsocket *self);
static gboolean on_pending (gpointer user_data);
static gboolean on_writable (PuWebsocket *self);

static gboolean
on_socket_readable (GSocket      *socket,
                    GIOCondition  condition,
                    gpointer      user_data)
{
  return on_readable (user_data);
}

static gboolean
on_socket_writable (GSocket      *socket,
                    GIOCondition  condition,
                    gpointer      user_data)
{
  return on_writable (user_data);
}

static gboolean
on_stream_readable (GObject  *stream,
                    gpointer  user_data)
{
  return on_readable (user_data);
}

static gboolean
on_stream_writable (GObject  *stream,
                    gpointer  user_data)
{
  return on_writable (user_data);
}

/* The socket a plain or TLS stream runs on, or NULL. */
static GSocket *
stream_socket (GIOStream *stream)
{
  g_autoptr(GIOStream) base = NULL;

  if (G_IS_TLS_CONNECTION (stream))
    g_object_get (stream, "base-io-stream", &base, NULL);
  else
    base = g_object_ref (stream);
  if (!G_IS_SOCKET_CONNECTION (base))
    return NULL;
  return g_object_ref (g_socket_connection_get_socket (G_SOCKET_CONNECTION (base)));
}

/* Waits for @condition (G_IO_IN or G_IO_OUT). On a socket the source is the
 * socket's own: a stream's source has child sources, and GLib takes each out
 * of the poll set and puts it back around its dispatch, waking the loop each
 * time. The reads and writes go through the stream all the same. */
static void
watch (PuWebsocket  *self,
       GSource     **field,
       GIOCondition  condition)
{
  gboolean in = condition == G_IO_IN;

  if (self->socket != NULL)
    attach (self, field, g_socket_create_source (self->socket, condition, NULL),
            in ? G_SOURCE_FUNC (on_socket_readable) : G_SOURCE_FUNC (on_socket_writable));
  else if (in)
    attach (self, field, g_pollable_input_stream_create_source (self->input, NULL),
            G_SOURCE_FUNC (on_stream_readable));
  else
    attach (self, field, g_pollable_output_stream_create_source (self->output, NULL),
            G_SOURCE_FUNC (on_stream_writable));
}

int
pu_websocket_frame_parse (const guint8      *data,
                          gsize              len,
                          PuWebsocketRole    role,
                          guint64            max_payload,
                          PuWebsocketFrame  *frame,
                          GError           **error)
{
  guint64 payload_len;
  gsize header_len = 2;

  g_return_val_if_fail (data != NULL || len == 0, -1);
  g_return_val_if_fail (frame != NULL, -1);

  if (len < 2)
    return 0;

  memset (frame, 0, sizeof *frame);
  frame->fin = (data[0] & 0x80) != 0;
  frame->opcode = data[0] & 0x0f;
  frame->masked = (data[1] & 0x80) != 0;
  payload_len = data[1] & 0x7f;

  if ((data[0] & 0x70) != 0)
    return malformed (error, _("extension bits set"));
  if (frame->opcode != OPCODE_CONTINUATION && frame->opcode != OPCODE_TEXT &&
      frame->opcode != OPCODE_BINARY && frame->opcode != OPCODE_CLOSE &&
      frame->opcode != OPCODE_PING && frame->opcode != OPCODE_PONG)
    return malformed (error, _("unknown opcode"));
  if (frame->masked != (role == PU_WEBSOCKET_SERVER))
    return malformed (error, frame->masked ? _("masked by the server")
                                           : _("not masked by the client"));

  if (payload_len == 126)
    {
      header_len = 4;
      if (len < header_len)
        return 0;
      payload_len = (guint64) data[2] << 8 | data[3];
      if (payload_len < 126)
        return malformed (error, _("length not in its shortest form"));
    }
  else if (payload_len == 127)
    {
      header_len = 10;
      if (len < header_len)
        return 0;
      payload_len = 0;
      for (guint i = 2; i < 10; i++)
        payload_len = payload_len << 8 | data[i];
      if (payload_len >> 63 != 0)
        return malformed (error, _("length out of range"));
      if (payload_len <= G_MAXUINT16)
        return malformed (error, _("length not in its shortest form"));
    }

  if (frame->opcode >= OPCODE_CLOSE && (!frame->fin || payload_len > CONTROL_MAX))
    return malformed (error, _("control frame fragmented or too long"));
  if (payload_len > max_payload)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_TOO_LARGE,
                   _("A WebSocket message is limited to %" G_GUINT64_FORMAT " bytes, this one "
                     "has %" G_GUINT64_FORMAT), max_payload, payload_len);
      return -1;
    }

  if (frame->masked)
    {
      if (len < header_len + 4)
        return 0;
      memcpy (frame->mask, data + header_len, 4);
      header_len += 4;
    }

  frame->payload_len = payload_len;
  frame->header_len = header_len;
  return 1;
}

void
pu_websocket_mask (guint8       *data,
                   gsize         len,
                   const guint8  mask[4])
{
  const guint8 mask8[8] = { mask[0], mask[1], mask[2], mask[3],
                            mask[0], mask[1], mask[2], mask[3] };
  guint64 word_mask;
  gsize i = 0;

  g_return_if_fail (data != NULL || len == 0);

  memcpy (&word_mask, mask8, sizeof word_mask);
  for (; i + 8 <= len; i += 8)
    {
      guint64 word;

      memcpy (&word, data + i, sizeof word);
      word ^= word_mask;
      memcpy (data + i, &word, sizeof word);
    }
  for (; i < len; i++)
    data[i] ^= mask[i & 3];
}

static gboolean
emit_closed (gpointer user_data)
{
  g_signal_emit (user_data, signals[SIGNAL_CLOSED], 0);
  return G_SOURCE_REMOVE;
}

/* Ends everything at once. Listeners hear of it from the main loop, never
 * from inside pu_websocket_send() or pu_websocket_close(), so they may drop
 * the connection without pulling it from under a caller. */
static void
close_stream (PuWebsocket *self)
{
  GSource *idle;

  if (self->state == PU_WEBSOCKET_CLOSED)
    return;

  self->state = PU_WEBSOCKET_CLOSED;
  clear_source (&self->read_source);
  clear_source (&self->write_source);
  clear_source (&self->pending_source);
  clear_source (&self->close_timer);
  g_clear_pointer (&self->message, g_byte_array_unref);
  g_io_stream_close_async (self->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);

  idle = g_idle_source_new ();
  /* As soon as the current dispatch is over, busy sockets or not. */
  g_source_set_priority (idle, G_PRIORITY_DEFAULT);
  g_source_set_callback (idle, emit_closed, g_object_ref (self), g_object_unref);
  g_source_attach (idle, self->context);
  g_source_unref (idle);
}

static void
append_frame (PuWebsocket  *self,
              guint8        opcode,
              const guint8 *head,
              gsize         head_len,
              const guint8 *payload,
              gsize         payload_len)
{
  guint8 header[PU_WEBSOCKET_HEADER_MAX];
  gsize len = head_len + payload_len;
  gsize header_len = 2, start;

  header[0] = 0x80 | opcode;
  if (len < 126)
    header[1] = (guint8) len;
  else if (len <= G_MAXUINT16)
    {
      header[1] = 126;
      header[2] = (guint8) (len >> 8);
      header[3] = (guint8) len;
      header_len = 4;
    }
  else
    {
      header[1] = 127;
      for (guint i = 0; i < 8; i++)
        header[2 + i] = (guint8) ((guint64) len >> (56 - 8 * i));
      header_len = 10;
    }
  if (self->role == PU_WEBSOCKET_CLIENT)
    {
      header[1] |= 0x80;
      if (self->mask_used == MASK_POOL)
        {
          randombytes_buf (self->mask_pool, MASK_POOL);
          self->mask_used = 0;
        }
      memcpy (header + header_len, self->mask_pool + self->mask_used, 4);
      self->mask_used += 4;
      header_len += 4;
    }

  g_byte_array_append (self->out, header, header_len);
  start = self->out->len;
  if (head_len > 0)
    g_byte_array_append (self->out, head, head_len);
  if (payload_len > 0)
    g_byte_array_append (self->out, payload, payload_len);
  if (self->role == PU_WEBSOCKET_CLIENT)
    pu_websocket_mask (self->out->data + start, len, header + header_len - 4);
}

static gboolean
on_writable (PuWebsocket *self)
{
  g_clear_pointer (&self->write_source, g_source_unref);
  flush (self);
  return G_SOURCE_REMOVE;
}

/* Writes what the socket takes and waits for room for the rest. */
static void
flush (PuWebsocket *self)
{
  while (self->state != PU_WEBSOCKET_CLOSED && self->out_sent < self->out->len)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_pollable_output_stream_write_nonblocking (self->output,
                                                             self->out->data + self->out_sent,
                                                             self->out->len - self->out_sent,
                                                             NULL, &error);

      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          if (self->write_source == NULL)
            watch (self, &self->write_source, G_IO_OUT);
          return;
        }
      if (n < 0)
        {
          close_stream (self);
          return;
        }
      self->out_sent += n;
    }

  if (self->state == PU_WEBSOCKET_CLOSED)
    return;
  g_byte_array_set_size (self->out, 0);
  self->out_sent = 0;
  /* Both close frames are through: the connection is done. */
  if (self->state == PU_WEBSOCKET_CLOSING && self->close_received)
    close_stream (self);
}

static gboolean
on_close_timeout (gpointer user_data)
{
  PuWebsocket *self = user_data;

  g_clear_pointer (&self->close_timer, g_source_unref);
  close_stream (self);
  return G_SOURCE_REMOVE;
}

/* Queues a close frame; the stream closes once it is out and the peer's
 * has come, or when the peer takes too long. */
static void
send_close (PuWebsocket *self,
            gushort      code,
            const char  *reason)
{
  guint8 payload[CONTROL_MAX];
  gsize len = 0;

  if (self->state != PU_WEBSOCKET_OPEN)
    return;

  if (code != PU_WEBSOCKET_CLOSE_NO_STATUS)
    {
      const char *end = NULL;
      gsize reason_len = reason != NULL ? strnlen (reason, CONTROL_MAX - 2) : 0;

      /* Keep the valid UTF-8 prefix so a cut never splits a character. */
      if (reason_len > 0)
        g_utf8_validate_len (reason, reason_len, &end);
      reason_len = reason_len > 0 ? (gsize) (end - reason) : 0;
      payload[0] = (guint8) (code >> 8);
      payload[1] = (guint8) code;
      if (reason_len > 0)
        memcpy (payload + 2, reason, reason_len);
      len = 2 + reason_len;
    }

  self->state = PU_WEBSOCKET_CLOSING;
  append_frame (self, OPCODE_CLOSE, NULL, 0, payload, len);
  attach (self, &self->close_timer, g_timeout_source_new_seconds (CLOSE_TIMEOUT_SECONDS),
          on_close_timeout);
  flush (self);
}

/* Tells the peer why and hangs up without waiting for its answer. */
static void
fail (PuWebsocket *self,
      gushort      code)
{
  send_close (self, code, NULL);
  self->close_received = TRUE;
  if (self->state == PU_WEBSOCKET_CLOSING && self->out_sent == self->out->len)
    close_stream (self);
}

static void
deliver (PuWebsocket  *self,
         guint8        opcode,
         const guint8 *data,
         gsize         len)
{
  g_autoptr(GBytes) message = NULL;

  /* Once closing, messages are no longer wanted. */
  if (self->state != PU_WEBSOCKET_OPEN)
    return;
  if (opcode == OPCODE_TEXT && !g_utf8_validate_len ((const char *) data, len, NULL))
    {
      fail (self, PU_WEBSOCKET_CLOSE_BAD_DATA);
      return;
    }
  message = g_bytes_new (data, len);
  g_signal_emit (self, signals[opcode == OPCODE_TEXT ? SIGNAL_TEXT : SIGNAL_MESSAGE], 0,
                 message);
}

static void
handle_close (PuWebsocket  *self,
              const guint8 *payload,
              gsize         len)
{
  gushort code = PU_WEBSOCKET_CLOSE_NO_STATUS;

  if (len == 1)
    {
      fail (self, PU_WEBSOCKET_CLOSE_PROTOCOL_ERROR);
      return;
    }
  if (len >= 2)
    code = (gushort) (payload[0] << 8 | payload[1]);

  self->close_received = TRUE;
  self->close_code = code;
  if (self->state == PU_WEBSOCKET_OPEN)
    /* Answer with the same code; flush() closes once it is out. */
    send_close (self, code, NULL);
  else if (self->out_sent == self->out->len)
    close_stream (self);
}

static void
handle_frame (PuWebsocket            *self,
              const PuWebsocketFrame *frame,
              guint8                 *payload)
{
  gsize len = frame->payload_len;

  if (frame->masked)
    pu_websocket_mask (payload, len, frame->mask);

  switch (frame->opcode)
    {
    case OPCODE_BINARY:
    case OPCODE_TEXT:
      if (self->message != NULL)
        fail (self, PU_WEBSOCKET_CLOSE_PROTOCOL_ERROR);
      else if (frame->fin)
        deliver (self, frame->opcode, payload, len);
      else
        {
          self->message = g_byte_array_new_take (g_memdup2 (payload, len), len);
          self->message_opcode = frame->opcode;
        }
      break;

    case OPCODE_CONTINUATION:
      if (self->message == NULL)
        fail (self, PU_WEBSOCKET_CLOSE_PROTOCOL_ERROR);
      else if (self->message->len + len > self->max_message)
        fail (self, PU_WEBSOCKET_CLOSE_TOO_BIG);
      else
        {
          g_byte_array_append (self->message, payload, len);
          if (frame->fin)
            {
              g_autoptr(GByteArray) message = g_steal_pointer (&self->message);

              deliver (self, self->message_opcode, message->data, message->len);
            }
        }
      break;

    case OPCODE_CLOSE:
      handle_close (self, payload, len);
      break;

    case OPCODE_PING:
      if (self->state == PU_WEBSOCKET_OPEN)
        {
          append_frame (self, OPCODE_PONG, NULL, 0, payload, len);
          flush (self);
        }
      break;

    case OPCODE_PONG:
    default:
      break;
    }
}

/* Handles every whole frame received and keeps the partial one. */
static void
process_input (PuWebsocket *self)
{
  gsize done = 0;

  while (self->state != PU_WEBSOCKET_CLOSED)
    {
      g_autoptr(GError) error = NULL;
      PuWebsocketFrame frame;
      int ret = pu_websocket_frame_parse (self->in + done, self->in_len - done, self->role,
                                          self->max_message, &frame, &error);

      if (ret < 0)
        {
          fail (self, g_error_matches (error, PU_ERROR, PU_ERROR_TOO_LARGE)
                        ? PU_WEBSOCKET_CLOSE_TOO_BIG : PU_WEBSOCKET_CLOSE_PROTOCOL_ERROR);
          return;
        }
      if (ret == 0 || self->in_len - done < frame.header_len + frame.payload_len)
        break;

      handle_frame (self, &frame, self->in + done + frame.header_len);
      done += frame.header_len + frame.payload_len;
    }

  if (self->state == PU_WEBSOCKET_CLOSED)
    return;
  memmove (self->in, self->in + done, self->in_len - done);
  self->in_len -= done;
}

static void
grow_input (PuWebsocket *self)
{
  gsize max = PU_WEBSOCKET_HEADER_MAX + self->max_message + READ_CHUNK;

  if (self->in_cap < max)
    {
      self->in_cap = MIN (2 * self->in_cap, max);
      self->in = g_realloc (self->in, self->in_cap);
    }
}

static gboolean
on_readable (PuWebsocket *self)
{
  gsize budget = READ_BUDGET;

  g_object_ref (self);

  while (self->state != PU_WEBSOCKET_CLOSED && budget > 0)
    {
      g_autoptr(GError) error = NULL;
      gsize room;
      gssize n;

      /* A partial frame never fills the largest buffer. */
      if (self->in_len == self->in_cap)
        grow_input (self);
      room = self->in_cap - self->in_len;
      g_assert (room > 0);
      n = g_pollable_input_stream_read_nonblocking (self->input, self->in + self->in_len, room,
                                                    NULL, &error);
      if (n < 0 && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        break;
      if (n <= 0)
        {
          /* The peer left, with or without the closing handshake. */
          close_stream (self);
          break;
        }
      self->in_len += n;
      budget -= MIN (budget, (gsize) n);
      process_input (self);
      if ((gsize) n == room)
        grow_input (self);
    }

  /* The TLS layer may hold more than the socket still signals. */
  if (budget == 0 && self->state != PU_WEBSOCKET_CLOSED && self->pending_source == NULL)
    attach (self, &self->pending_source, g_timeout_source_new (0), on_pending);
  g_object_unref (self);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_pending (gpointer user_data)
{
  PuWebsocket *self = user_data;

  g_clear_pointer (&self->pending_source, g_source_unref);
  g_object_ref (self);
  process_input (self);
  on_readable (self);
  g_object_unref (self);
  return G_SOURCE_REMOVE;
}

static void
pu_websocket_dispose (GObject *object)
{
  PuWebsocket *self = PU_WEBSOCKET (object);

  /* Gone without the closing handshake; nobody is left to tell. */
  if (self->state != PU_WEBSOCKET_CLOSED)
    {
      self->state = PU_WEBSOCKET_CLOSED;
      clear_source (&self->read_source);
      clear_source (&self->write_source);
      clear_source (&self->pending_source);
      clear_source (&self->close_timer);
      g_io_stream_close_async (self->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
    }
  g_clear_object (&self->stream);
  g_clear_object (&self->socket);

  G_OBJECT_CLASS (pu_websocket_parent_class)->dispose (object);
}

static void
pu_websocket_finalize (GObject *object)
{
  PuWebsocket *self = PU_WEBSOCKET (object);

  g_free (self->in);
  g_byte_array_unref (self->out);
  g_clear_pointer (&self->message, g_byte_array_unref);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (pu_websocket_parent_class)->finalize (object);
}

static void
pu_websocket_class_init (PuWebsocketClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pu_websocket_dispose;
  object_class->finalize = pu_websocket_finalize;

  signals[SIGNAL_MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  g_cclosure_marshal_VOID__BOXED, G_TYPE_NONE, 1, G_TYPE_BYTES);
  g_signal_set_va_marshaller (signals[SIGNAL_MESSAGE], G_TYPE_FROM_CLASS (klass),
                              g_cclosure_marshal_VOID__BOXEDv);
  signals[SIGNAL_TEXT] =
    g_signal_new ("text", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  g_cclosure_marshal_VOID__BOXED, G_TYPE_NONE, 1, G_TYPE_BYTES);
  signals[SIGNAL_CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 0);
}

static void
pu_websocket_init (PuWebsocket *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->out = g_byte_array_new ();
  self->mask_used = MASK_POOL;
}

PuWebsocket *
pu_websocket_new (GIOStream       *stream,
                  PuWebsocketRole  role,
                  gsize            max_message,
                  const guint8    *received,
                  gsize            received_len)
{
  PuWebsocket *self;

  g_return_val_if_fail (G_IS_IO_STREAM (stream), NULL);
  g_return_val_if_fail (G_IS_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (stream)),
                        NULL);
  g_return_val_if_fail (G_IS_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (stream)),
                        NULL);
  g_return_val_if_fail (max_message > 0, NULL);
  g_return_val_if_fail (received != NULL || received_len == 0, NULL);

  self = g_object_new (PU_TYPE_WEBSOCKET, NULL);
  self->stream = g_object_ref (stream);
  self->input = G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (stream));
  self->output = G_POLLABLE_OUTPUT_STREAM (g_io_stream_get_output_stream (stream));
  self->role = role;
  self->max_message = max_message;
  self->in_cap = MAX (READ_START, received_len);
  self->in = g_malloc (self->in_cap);

  self->socket = stream_socket (stream);
  watch (self, &self->read_source, G_IO_IN);
  if (received_len > 0)
    memcpy (self->in, received, received_len);
  self->in_len = received_len;
  /* What came with the upgrade, here or still in the TLS layer, is read
   * once the caller has connected its handlers. */
  attach (self, &self->pending_source, g_timeout_source_new (0), on_pending);
  return self;
}

gboolean
pu_websocket_send (PuWebsocket   *self,
                   const guint8  *head,
                   gsize          head_len,
                   const guint8  *payload,
                   gsize          payload_len,
                   gboolean       may_drop,
                   GError       **error)
{
  g_return_val_if_fail (PU_IS_WEBSOCKET (self), FALSE);
  g_return_val_if_fail (head != NULL || head_len == 0, FALSE);
  g_return_val_if_fail (payload != NULL || payload_len == 0, FALSE);

  if (self->state != PU_WEBSOCKET_OPEN)
    {
      g_set_error_literal (error, PU_ERROR, PU_ERROR_FAILED,
                           _("The connection is closing; the message was not sent"));
      return FALSE;
    }
  if (may_drop && self->out_sent < self->out->len)
    {
      g_set_error_literal (error, PU_ERROR, PU_ERROR_FAILED,
                           _("The connection is congested; the message was dropped"));
      return FALSE;
    }

  append_frame (self, OPCODE_BINARY, head, head_len, payload, payload_len);
  flush (self);
  return TRUE;
}

void
pu_websocket_close (PuWebsocket *self,
                    gushort      code,
                    const char  *reason)
{
  g_return_if_fail (PU_IS_WEBSOCKET (self));

  send_close (self, code, reason);
}

PuWebsocketState
pu_websocket_get_state (PuWebsocket *self)
{
  g_return_val_if_fail (PU_IS_WEBSOCKET (self), PU_WEBSOCKET_CLOSED);

  return self->state;
}

gushort
pu_websocket_get_close_code (PuWebsocket *self)
{
  g_return_val_if_fail (PU_IS_WEBSOCKET (self), 0);

  return self->close_code;
}
