/* pu-stream-input.c — the receiving half of a PuStream
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "pu-stream-private.h"

#define PU_TYPE_STREAM_INPUT (pu_stream_input_get_type ())
G_DECLARE_FINAL_TYPE (PuStreamInput, pu_stream_input, PU, STREAM_INPUT, GInputStream)

struct _PuStreamInput
{
  GInputStream  parent_instance;
  PuStream     *stream;  /* weak: the stream owns this half */
};

static void pu_stream_input_pollable_iface_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PuStreamInput, pu_stream_input, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      pu_stream_input_pollable_iface_init))

static gboolean
stream_gone (PuStreamInput  *self,
             GError        **error)
{
  if (self->stream != NULL)
    return FALSE;

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, _("The stream no longer exists"));
  return TRUE;
}

static gssize
pu_stream_input_read (GInputStream  *stream,
                      void          *buffer,
                      gsize          count,
                      GCancellable  *cancellable,
                      GError       **error)
{
  PuStreamInput *self = PU_STREAM_INPUT (stream);

  if (stream_gone (self, error))
    return -1;

  return _pu_stream_read (self->stream, buffer, count, error);
}

static gboolean
pu_stream_input_close (GInputStream  *stream,
                       GCancellable  *cancellable,
                       GError       **error)
{
  PuStreamInput *self = PU_STREAM_INPUT (stream);

  if (self->stream != NULL)
    _pu_stream_close_read (self->stream);
  return TRUE;
}

/* Closing never blocks, so it runs here rather than in a worker thread. */
static void
pu_stream_input_close_async (GInputStream        *stream,
                             int                  io_priority,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, pu_stream_input_close_async);
  pu_stream_input_close (stream, cancellable, NULL);
  g_task_return_boolean (task, TRUE);
}

static gboolean
pu_stream_input_close_finish (GInputStream  *stream,
                              GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
pu_stream_input_is_readable (GPollableInputStream *stream)
{
  PuStreamInput *self = PU_STREAM_INPUT (stream);

  return self->stream == NULL || _pu_stream_is_readable (self->stream);
}

static GSource *
pu_stream_input_create_source (GPollableInputStream *stream,
                               GCancellable         *cancellable)
{
  PuStreamInput *self = PU_STREAM_INPUT (stream);

  if (self->stream == NULL)
    {
      GSource *ready = g_timeout_source_new (0);
      GSource *source = g_pollable_source_new_full (stream, ready, cancellable);

      g_source_unref (ready);
      return source;
    }

  return _pu_stream_create_source (self->stream, G_OBJECT (stream), FALSE, cancellable);
}

static gssize
pu_stream_input_read_nonblocking (GPollableInputStream  *stream,
                                  void                  *buffer,
                                  gsize                  count,
                                  GError               **error)
{
  return pu_stream_input_read (G_INPUT_STREAM (stream), buffer, count, NULL, error);
}

static void
pu_stream_input_finalize (GObject *object)
{
  PuStreamInput *self = PU_STREAM_INPUT (object);

  g_clear_weak_pointer (&self->stream);

  G_OBJECT_CLASS (pu_stream_input_parent_class)->finalize (object);
}

static void
pu_stream_input_class_init (PuStreamInputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *input_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = pu_stream_input_finalize;
  input_class->read_fn = pu_stream_input_read;
  input_class->close_fn = pu_stream_input_close;
  input_class->close_async = pu_stream_input_close_async;
  input_class->close_finish = pu_stream_input_close_finish;
}

static void
pu_stream_input_pollable_iface_init (GPollableInputStreamInterface *iface)
{
  iface->is_readable = pu_stream_input_is_readable;
  iface->create_source = pu_stream_input_create_source;
  iface->read_nonblocking = pu_stream_input_read_nonblocking;
}

static void
pu_stream_input_init (PuStreamInput *self)
{
}

GInputStream *
_pu_stream_input_new (PuStream *stream)
{
  PuStreamInput *self = g_object_new (PU_TYPE_STREAM_INPUT, NULL);

  g_set_weak_pointer (&self->stream, stream);
  return G_INPUT_STREAM (self);
}
