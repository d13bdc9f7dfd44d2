/* pu-stream-output.c — the sending half of a PuStream
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n-lib.h>

#include "pu-stream-private.h"

#define PU_TYPE_STREAM_OUTPUT (pu_stream_output_get_type ())
G_DECLARE_FINAL_TYPE (PuStreamOutput, pu_stream_output, PU, STREAM_OUTPUT, GOutputStream)

struct _PuStreamOutput
{
  GOutputStream  parent_instance;
  PuStream     *stream;  /* weak: the stream owns this half */
};

static void pu_stream_output_pollable_iface_init (GPollableOutputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PuStreamOutput, pu_stream_output, G_TYPE_OUTPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_OUTPUT_STREAM,
                                                      pu_stream_output_pollable_iface_init))

static gboolean
stream_gone (PuStreamOutput  *self,
             GError        **error)
{
  if (self->stream != NULL)
    return FALSE;

  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, _("The stream no longer exists"));
  return TRUE;
}

static gssize
pu_stream_output_write (GOutputStream  *stream,
                        const void     *buffer,
                        gsize           count,
                        GCancellable   *cancellable,
                        GError        **error)
{
  PuStreamOutput *self = PU_STREAM_OUTPUT (stream);

  if (stream_gone (self, error))
    return -1;

  return _pu_stream_write (self->stream, buffer, count, error);
}

static gboolean
pu_stream_output_close (GOutputStream  *stream,
                       GCancellable  *cancellable,
                       GError       **error)
{
  PuStreamOutput *self = PU_STREAM_OUTPUT (stream);

  if (self->stream != NULL)
    _pu_stream_close_write (self->stream);
  return TRUE;
}

/* Closing never blocks, so it runs here rather than in a worker thread. */
static void
pu_stream_output_close_async (GOutputStream        *stream,
                             int                  io_priority,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, pu_stream_output_close_async);
  pu_stream_output_close (stream, cancellable, NULL);
  g_task_return_boolean (task, TRUE);
}

static gboolean
pu_stream_output_close_finish (GOutputStream  *stream,
                              GAsyncResult  *result,
                              GError       **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static gboolean
pu_stream_output_is_writable (GPollableOutputStream *stream)
{
  PuStreamOutput *self = PU_STREAM_OUTPUT (stream);

  return self->stream == NULL || _pu_stream_is_writable (self->stream);
}

static GSource *
pu_stream_output_create_source (GPollableOutputStream *stream,
                               GCancellable         *cancellable)
{
  PuStreamOutput *self = PU_STREAM_OUTPUT (stream);

  if (self->stream == NULL)
    {
      GSource *ready = g_timeout_source_new (0);
      GSource *source = g_pollable_source_new_full (stream, ready, cancellable);

      g_source_unref (ready);
      return source;
    }

  return _pu_stream_create_source (self->stream, G_OBJECT (stream), TRUE, cancellable);
}

static gssize
pu_stream_output_write_nonblocking (GPollableOutputStream  *stream,
                                    const void             *buffer,
                                    gsize                   count,
                                    GError                **error)
{
  return pu_stream_output_write (G_OUTPUT_STREAM (stream), buffer, count, NULL, error);
}

static void
pu_stream_output_finalize (GObject *object)
{
  PuStreamOutput *self = PU_STREAM_OUTPUT (object);

  g_clear_weak_pointer (&self->stream);

  G_OBJECT_CLASS (pu_stream_output_parent_class)->finalize (object);
}

static void
pu_stream_output_class_init (PuStreamOutputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GOutputStreamClass *output_class = G_OUTPUT_STREAM_CLASS (klass);

  object_class->finalize = pu_stream_output_finalize;
  output_class->write_fn = pu_stream_output_write;
  output_class->close_fn = pu_stream_output_close;
  output_class->close_async = pu_stream_output_close_async;
  output_class->close_finish = pu_stream_output_close_finish;
}

static void
pu_stream_output_pollable_iface_init (GPollableOutputStreamInterface *iface)
{
  iface->is_writable = pu_stream_output_is_writable;
  iface->create_source = pu_stream_output_create_source;
  iface->write_nonblocking = pu_stream_output_write_nonblocking;
}

static void
pu_stream_output_init (PuStreamOutput *self)
{
}

GOutputStream *
_pu_stream_output_new (PuStream *stream)
{
  PuStreamOutput *self = g_object_new (PU_TYPE_STREAM_OUTPUT, NULL);

  g_set_weak_pointer (&self->stream, stream);
  return G_OUTPUT_STREAM (self);
}
