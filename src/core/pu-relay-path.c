/* pu-relay-path.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-relay-path.h"

struct _PuRelayPath
{
  GObject        parent_instance;

  PuRelayClient *client;
  PuPeerId       peer;
  guint64        instance;
};

static void pu_relay_path_iface_init (PuPathInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PuRelayPath, pu_relay_path, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PU_TYPE_PATH, pu_relay_path_iface_init))

static gboolean
pu_relay_path_send (PuPath           *path,
                    const PuDatagram *datagrams,
                    guint             n_datagrams)
{
  PuRelayPath *self = PU_RELAY_PATH (path);

  if (!pu_relay_client_is_running (self->client))
    return FALSE;
  /* A disconnected or congested relay drops; QUIC retransmits what matters. */
  pu_relay_client_send_packets (self->client, &self->peer, self->instance, datagrams,
                                n_datagrams);
  return TRUE;
}

static PuPathKind
pu_relay_path_get_kind (PuPath *path)
{
  return PU_PATH_KIND_RELAYED;
}

static gsize
pu_relay_path_get_max_datagram_size (PuPath *path)
{
  return PU_RELAY_PATH_DATAGRAM_MAX;
}

static char *
pu_relay_path_describe (PuPath *path)
{
  PuRelayPath *self = PU_RELAY_PATH (path);

  return g_strdup_printf ("relay %s", pu_relay_client_get_address (self->client));
}

static void
pu_relay_path_iface_init (PuPathInterface *iface)
{
  iface->send = pu_relay_path_send;
  iface->get_kind = pu_relay_path_get_kind;
  iface->get_max_datagram_size = pu_relay_path_get_max_datagram_size;
  iface->describe = pu_relay_path_describe;
}

static void
pu_relay_path_dispose (GObject *object)
{
  PuRelayPath *self = PU_RELAY_PATH (object);

  g_clear_object (&self->client);

  G_OBJECT_CLASS (pu_relay_path_parent_class)->dispose (object);
}

static void
pu_relay_path_class_init (PuRelayPathClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pu_relay_path_dispose;
}

static void
pu_relay_path_init (PuRelayPath *self)
{
}

PuRelayPath *
pu_relay_path_new (PuRelayClient  *client,
                   const PuPeerId *peer,
                   guint64         instance)
{
  PuRelayPath *self;

  g_return_val_if_fail (PU_IS_RELAY_CLIENT (client), NULL);
  g_return_val_if_fail (peer != NULL, NULL);

  self = g_object_new (PU_TYPE_RELAY_PATH, NULL);
  self->client = g_object_ref (client);
  self->peer = *peer;
  self->instance = instance;
  return self;
}

const PuPeerId *
pu_relay_path_get_peer (PuRelayPath *self)
{
  g_return_val_if_fail (PU_IS_RELAY_PATH (self), NULL);

  return &self->peer;
}

guint64
pu_relay_path_get_instance (PuRelayPath *self)
{
  g_return_val_if_fail (PU_IS_RELAY_PATH (self), 0);

  return self->instance;
}

void
pu_relay_path_set_instance (PuRelayPath *self,
                            guint64      instance)
{
  g_return_if_fail (PU_IS_RELAY_PATH (self));

  self->instance = instance;
}

PuRelayClient *
pu_relay_path_get_client (PuRelayPath *self)
{
  g_return_val_if_fail (PU_IS_RELAY_PATH (self), NULL);

  return self->client;
}
