/* pu-proxy.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-proxy.h"

#include <glib/gi18n-lib.h>

#include "pu-splice.h"

struct _PuProxy
{
  GObject           parent_instance;

  PuNode           *node;
  PuPeerId          peer;
  char             *service;
  GSocketService   *listener;
  guint16           port;
  guint             n_active;
  guint64           n_completed;
  GCancellable     *cancellable;
};

enum {
  SIGNAL_STREAM_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PuProxy, pu_proxy, G_TYPE_OBJECT)

typedef struct {
  PuProxy           *proxy;
  GSocketConnection *local;
} Carry;

static void
carry_free (Carry *carry)
{
  carry->proxy->n_active--;
  g_clear_object (&carry->local);
  g_object_unref (carry->proxy);
  g_free (carry);
}

static void
spliced_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Carry *carry = user_data;
  g_autoptr(GError) error = NULL;

  if (pu_splice_finish (result, NULL, NULL, &error))
    carry->proxy->n_completed++;
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_signal_emit (carry->proxy, signals[SIGNAL_STREAM_FAILED], 0, error);
  carry_free (carry);
}

static void
opened_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Carry *carry = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(PuStream) stream = pu_node_open_stream_finish (PU_NODE (object), result, &error);

  if (stream == NULL)
    {
      /* The TCP client sees the connection close; the reason goes to whoever
       * runs the proxy. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_signal_emit (carry->proxy, signals[SIGNAL_STREAM_FAILED], 0, error);
      g_io_stream_close (G_IO_STREAM (carry->local), NULL, NULL);
      carry_free (carry);
      return;
    }
  pu_splice_async (G_IO_STREAM (stream), G_IO_STREAM (carry->local),
                   carry->proxy->cancellable, spliced_cb, carry);
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source,
             PuProxy           *self)
{
  Carry *carry;

  if (self->n_active >= PU_PROXY_MAX_ACTIVE)
    {
      g_autoptr(GError) error = g_error_new (G_IO_ERROR, G_IO_ERROR_TOO_MANY_OPEN_FILES,
                                             _("More than %u connections at once; closed one"),
                                             PU_PROXY_MAX_ACTIVE);

      g_signal_emit (self, signals[SIGNAL_STREAM_FAILED], 0, error);
      return TRUE;
    }

  carry = g_new0 (Carry, 1);
  carry->proxy = g_object_ref (self);
  carry->local = g_object_ref (connection);
  self->n_active++;
  pu_node_open_stream_async (self->node, &self->peer, PU_STREAM_KIND_PROXY, self->service,
                             self->cancellable, opened_cb, carry);
  return TRUE;
}

guint16
pu_proxy_get_port (PuProxy *self)
{
  g_return_val_if_fail (PU_IS_PROXY (self), 0);

  return self->port;
}

const PuPeerId *
pu_proxy_get_peer (PuProxy *self)
{
  g_return_val_if_fail (PU_IS_PROXY (self), NULL);

  return &self->peer;
}

const char *
pu_proxy_get_service (PuProxy *self)
{
  g_return_val_if_fail (PU_IS_PROXY (self), NULL);

  return self->service;
}

guint
pu_proxy_get_n_active (PuProxy *self)
{
  g_return_val_if_fail (PU_IS_PROXY (self), 0);

  return self->n_active;
}

guint64
pu_proxy_get_n_completed (PuProxy *self)
{
  g_return_val_if_fail (PU_IS_PROXY (self), 0);

  return self->n_completed;
}

void
pu_proxy_stop (PuProxy *self)
{
  g_return_if_fail (PU_IS_PROXY (self));

  g_cancellable_cancel (self->cancellable);
  if (self->listener != NULL)
    {
      g_socket_service_stop (self->listener);
      g_socket_listener_close (G_SOCKET_LISTENER (self->listener));
    }
}

static void
pu_proxy_dispose (GObject *object)
{
  PuProxy *self = PU_PROXY (object);

  if (self->listener != NULL)
    {
      pu_proxy_stop (self);
      g_signal_handlers_disconnect_by_data (self->listener, self);
      g_clear_object (&self->listener);
    }
  g_clear_object (&self->cancellable);
  g_clear_object (&self->node);
  g_clear_pointer (&self->service, g_free);

  G_OBJECT_CLASS (pu_proxy_parent_class)->dispose (object);
}

static void
pu_proxy_class_init (PuProxyClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pu_proxy_dispose;

  signals[SIGNAL_STREAM_FAILED] =
    g_signal_new ("stream-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
pu_proxy_init (PuProxy *self)
{
  self->cancellable = g_cancellable_new ();
}

PuProxy *
pu_proxy_new (PuNode              *node,
              const PuPeerId      *peer,
              const char          *service,
              GInetSocketAddress  *listen,
              GError             **error)
{
  g_autoptr(PuProxy) self = NULL;
  g_autoptr(GSocketAddress) bound = NULL;

  g_return_val_if_fail (PU_IS_NODE (node), NULL);
  g_return_val_if_fail (peer != NULL, NULL);
  g_return_val_if_fail (service != NULL, NULL);
  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (listen), NULL);

  self = g_object_new (PU_TYPE_PROXY, NULL);
  self->node = g_object_ref (node);
  self->peer = *peer;
  self->service = g_strdup (service);
  self->listener = g_socket_service_new ();
  /* Bursts of connections (a browser, a parallel sync) should queue, not fail. */
  g_socket_listener_set_backlog (G_SOCKET_LISTENER (self->listener), 256);
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->listener),
                                      G_SOCKET_ADDRESS (listen), G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &bound, error))
    return NULL;

  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (self->listener, "incoming", G_CALLBACK (incoming_cb), self);
  g_socket_service_start (self->listener);
  return g_steal_pointer (&self);
}
