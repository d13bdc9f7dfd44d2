/* pu-splice.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-splice.h"

#include "pu-stream.h"

/* Large enough that a fast path is not limited by read calls. */
#define CHUNK (64 * 1024)

typedef struct _Splice Splice;

typedef struct {
  Splice        *splice;
  GInputStream  *in;
  GIOStream     *dst;
  guint8        *buf;
  guint64        bytes;
  gboolean       done;
} Direction;

struct _Splice {
  GTask        *task;  /* unowned: the task owns the splice */
  GIOStream    *a;
  GIOStream    *b;
  Direction     dir[2];  /* a → b, b → a */
  GCancellable *cancellable;  /* ours: stops the other direction on failure */
  gulong        cancelled_id;
  GCancellable *caller_cancellable;
  GError       *error;
};

static void read_next (Direction *d);

static void
splice_free (Splice *s)
{
  if (s->caller_cancellable != NULL)
    g_cancellable_disconnect (s->caller_cancellable, s->cancelled_id);
  g_clear_object (&s->caller_cancellable);
  g_clear_object (&s->cancellable);
  for (guint i = 0; i < 2; i++)
    g_free (s->dir[i].buf);
  g_clear_object (&s->a);
  g_clear_object (&s->b);
  g_clear_error (&s->error);
  g_free (s);
}

static void
abort_stream (GIOStream *stream)
{
  if (PU_IS_STREAM (stream))
    pu_stream_abort (PU_STREAM (stream));
}

static void
direction_finished (GTask *task)
{
  Splice *s = g_task_get_task_data (task);

  if (!s->dir[0].done || !s->dir[1].done)
    return;

  if (s->error != NULL)
    {
      abort_stream (s->a);
      abort_stream (s->b);
    }
  g_io_stream_close_async (s->a, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_io_stream_close_async (s->b, G_PRIORITY_DEFAULT, NULL, NULL, NULL);

  if (s->error != NULL)
    g_task_return_error (task, g_steal_pointer (&s->error));
  else
    g_task_return_boolean (task, TRUE);
  g_object_unref (task);
}

static void
direction_fail (Direction *d,
                GTask     *task,
                GError    *error)
{
  Splice *s = d->splice;

  /* The first failure is the one worth reporting; the other direction then
   * fails with "cancelled". */
  if (s->error == NULL)
    s->error = error;
  else
    g_error_free (error);
  g_cancellable_cancel (s->cancellable);
  d->done = TRUE;
  direction_finished (task);
}

static void
half_closed_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Direction *d = user_data;
  GTask *task = d->splice->task;
  GError *error = NULL;

  if (!g_output_stream_close_finish (G_OUTPUT_STREAM (object), result, &error))
    {
      direction_fail (d, task, error);
      return;
    }
  d->done = TRUE;
  direction_finished (task);
}

/* End of input: pass it on as a half-close and keep the other way open. */
static void
half_close (Direction *d,
            GTask     *task)
{
  GError *error = NULL;

  if (G_IS_SOCKET_CONNECTION (d->dst))
    {
      GSocket *socket = g_socket_connection_get_socket (G_SOCKET_CONNECTION (d->dst));

      if (!g_socket_shutdown (socket, FALSE, TRUE, &error))
        {
          direction_fail (d, task, error);
          return;
        }
      d->done = TRUE;
      direction_finished (task);
      return;
    }

  g_output_stream_close_async (g_io_stream_get_output_stream (d->dst), G_PRIORITY_DEFAULT,
                               d->splice->cancellable, half_closed_cb, d);
}

static void
written_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Direction *d = user_data;
  GTask *task = d->splice->task;
  GError *error = NULL;
  gsize written = 0;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, &written, &error))
    {
      direction_fail (d, task, error);
      return;
    }
  d->bytes += written;
  read_next (d);
}

static void
read_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  Direction *d = user_data;
  GTask *task = d->splice->task;
  GError *error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (n < 0)
    {
      direction_fail (d, task, error);
      return;
    }
  if (n == 0)
    {
      half_close (d, task);
      return;
    }
  g_output_stream_write_all_async (g_io_stream_get_output_stream (d->dst), d->buf, n,
                                   G_PRIORITY_DEFAULT, d->splice->cancellable, written_cb, d);
}

static void
read_next (Direction *d)
{
  g_input_stream_read_async (d->in, d->buf, CHUNK, G_PRIORITY_DEFAULT,
                             d->splice->cancellable, read_cb, d);
}

static void
caller_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

void
pu_splice_async (GIOStream           *a,
                 GIOStream           *b,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  GTask *task;
  Splice *s;

  g_return_if_fail (G_IS_IO_STREAM (a));
  g_return_if_fail (G_IS_IO_STREAM (b));

  s = g_new0 (Splice, 1);
  s->a = g_object_ref (a);
  s->b = g_object_ref (b);
  s->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      s->caller_cancellable = g_object_ref (cancellable);
      s->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                               s->cancellable, NULL);
    }

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, pu_splice_async);
  g_task_set_task_data (task, s, (GDestroyNotify) splice_free);
  s->task = task;

  for (guint i = 0; i < 2; i++)
    {
      Direction *d = &s->dir[i];

      d->splice = s;
      d->in = g_io_stream_get_input_stream (i == 0 ? a : b);
      d->dst = i == 0 ? b : a;
      d->buf = g_malloc (CHUNK);
    }
  for (guint i = 0; i < 2; i++)
    read_next (&s->dir[i]);
}

gboolean
pu_splice_finish (GAsyncResult  *result,
                  guint64       *a_to_b,
                  guint64       *b_to_a,
                  GError       **error)
{
  Splice *s;

  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  s = g_task_get_task_data (G_TASK (result));
  if (a_to_b != NULL)
    *a_to_b = s->dir[0].bytes;
  if (b_to_a != NULL)
    *b_to_a = s->dir[1].bytes;
  return g_task_propagate_boolean (G_TASK (result), error);
}
