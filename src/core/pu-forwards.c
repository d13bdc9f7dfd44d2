/* pu-forwards.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-forwards.h"

#include <glib/gi18n-lib.h>

#include "pu-error.h"
#include "pu-label.h"

struct _PuForwards
{
  GObject    parent_instance;

  PuNode    *node;
  GPtrArray *proxies; /* PuProxy, in the order they were opened */
};

enum {
  SIGNAL_FORWARD_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void pu_forwards_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PuForwards, pu_forwards, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      pu_forwards_list_model_init))

static GType
pu_forwards_get_item_type (GListModel *model)
{
  return PU_TYPE_PROXY;
}

static guint
pu_forwards_get_n_items (GListModel *model)
{
  return PU_FORWARDS (model)->proxies->len;
}

static gpointer
pu_forwards_get_item (GListModel *model,
                      guint       position)
{
  PuForwards *self = PU_FORWARDS (model);

  if (position >= self->proxies->len)
    return NULL;
  return g_object_ref (self->proxies->pdata[position]);
}

static void
pu_forwards_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = pu_forwards_get_item_type;
  iface->get_n_items = pu_forwards_get_n_items;
  iface->get_item = pu_forwards_get_item;
}

static void
stream_failed_cb (PuProxy      *proxy,
                  const GError *error,
                  PuForwards   *self)
{
  g_signal_emit (self, signals[SIGNAL_FORWARD_FAILED], 0, proxy, error);
}

PuProxy *
pu_forwards_open (PuForwards      *self,
                  const PuPeerId  *peer,
                  const char      *service,
                  guint16          port,
                  GError         **error)
{
  g_autoptr(GInetAddress) lo = NULL;
  g_autoptr(GSocketAddress) listen = NULL;
  g_autoptr(GError) local_error = NULL;
  PuProxy *proxy;

  g_return_val_if_fail (PU_IS_FORWARDS (self), NULL);
  g_return_val_if_fail (peer != NULL, NULL);
  g_return_val_if_fail (service != NULL, NULL);

  if (!pu_label_validate (service, _("service name"), error))
    return NULL;
  if (self->proxies->len >= PU_FORWARDS_MAX)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_TOO_LARGE,
                   _("%u forwards are open already; close one first"), PU_FORWARDS_MAX);
      return NULL;
    }

  lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  listen = g_inet_socket_address_new (lo, port);
  proxy = pu_proxy_new (self->node, peer, service, G_INET_SOCKET_ADDRESS (listen), &local_error);
  if (proxy == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_ADDRESS_IN_USE))
        g_set_error (error, PU_ERROR, PU_ERROR_EXISTS,
                     _("127.0.0.1:%u is already in use; choose another local port, or 0 for "
                       "a free one"), (guint) port);
      else
        g_set_error (error, PU_ERROR, PU_ERROR_IO, _("Could not listen on 127.0.0.1:%u: %s"),
                     (guint) port, local_error->message);
      return NULL;
    }
  g_signal_connect (proxy, "stream-failed", G_CALLBACK (stream_failed_cb), self);
  g_ptr_array_add (self->proxies, proxy);
  g_list_model_items_changed (G_LIST_MODEL (self), self->proxies->len - 1, 0, 1);
  return proxy;
}

static gboolean
find_port (PuForwards *self,
           guint16     port,
           guint      *index)
{
  for (guint i = 0; i < self->proxies->len; i++)
    if (pu_proxy_get_port (self->proxies->pdata[i]) == port)
      {
        *index = i;
        return TRUE;
      }
  return FALSE;
}

PuProxy *
pu_forwards_lookup (PuForwards *self,
                    guint16     port)
{
  guint i;

  g_return_val_if_fail (PU_IS_FORWARDS (self), NULL);

  return find_port (self, port, &i) ? self->proxies->pdata[i] : NULL;
}

static void
stop_proxy (PuForwards *self,
            PuProxy    *proxy)
{
  g_signal_handlers_disconnect_by_data (proxy, self);
  pu_proxy_stop (proxy);
}

gboolean
pu_forwards_close (PuForwards  *self,
                   guint16      port,
                   GError     **error)
{
  g_autoptr(PuProxy) proxy = NULL;
  guint i;

  g_return_val_if_fail (PU_IS_FORWARDS (self), FALSE);

  if (port == 0 || !find_port (self, port, &i))
    {
      g_set_error (error, PU_ERROR, PU_ERROR_NOT_FOUND,
                   _("No forward on 127.0.0.1:%u; `peerup status` lists the open "
                     "ones"), (guint) port);
      return FALSE;
    }
  proxy = g_ptr_array_steal_index (self->proxies, i);
  stop_proxy (self, proxy);
  g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 0);
  return TRUE;
}

void
pu_forwards_close_all (PuForwards *self)
{
  g_autoptr(GPtrArray) proxies = NULL;

  g_return_if_fail (PU_IS_FORWARDS (self));

  if (self->proxies->len == 0)
    return;
  proxies = g_steal_pointer (&self->proxies);
  self->proxies = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < proxies->len; i++)
    stop_proxy (self, proxies->pdata[i]);
  g_list_model_items_changed (G_LIST_MODEL (self), 0, proxies->len, 0);
}

PuNode *
pu_forwards_get_node (PuForwards *self)
{
  g_return_val_if_fail (PU_IS_FORWARDS (self), NULL);

  return self->node;
}

static void
pu_forwards_dispose (GObject *object)
{
  PuForwards *self = PU_FORWARDS (object);

  if (self->proxies != NULL)
    for (guint i = 0; i < self->proxies->len; i++)
      stop_proxy (self, self->proxies->pdata[i]);
  g_clear_pointer (&self->proxies, g_ptr_array_unref);
  g_clear_object (&self->node);

  G_OBJECT_CLASS (pu_forwards_parent_class)->dispose (object);
}

static void
pu_forwards_class_init (PuForwardsClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pu_forwards_dispose;

  signals[SIGNAL_FORWARD_FAILED] =
    g_signal_new ("forward-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, PU_TYPE_PROXY, G_TYPE_ERROR);
}

static void
pu_forwards_init (PuForwards *self)
{
  self->proxies = g_ptr_array_new_with_free_func (g_object_unref);
}

PuForwards *
pu_forwards_new (PuNode *node)
{
  PuForwards *self;

  g_return_val_if_fail (PU_IS_NODE (node), NULL);

  self = g_object_new (PU_TYPE_FORWARDS, NULL);
  self->node = g_object_ref (node);
  return self;
}
