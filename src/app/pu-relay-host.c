/* pu-relay-host.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-relay-host.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include "pu-edit.h"
#include "pu-error.h"
#include "pu-file.h"
#include "pu-relay-config.h"
#include "pu-relay-server.h"

struct _PuRelayHost
{
  GObject parent_instance;

  PuRelayServer *server;
  PuTrustStore *trust;
  char *addr;
};

G_DEFINE_FINAL_TYPE (PuRelayHost, pu_relay_host, G_TYPE_OBJECT)

/* The first IPv4 address of an interface that is up and not loopback: what
 * the other devices on the network reach; loopback when there is none. */
static char *
local_address (void)
{
  struct ifaddrs *addrs = NULL;
  char text[INET_ADDRSTRLEN] = "127.0.0.1";

  if (getifaddrs (&addrs) != 0)
    return g_strdup (text);
  for (struct ifaddrs *a = addrs; a != NULL; a = a->ifa_next)
    {
      if (a->ifa_addr == NULL || a->ifa_addr->sa_family != AF_INET ||
          (a->ifa_flags & IFF_UP) == 0 || (a->ifa_flags & IFF_LOOPBACK) != 0)
        continue;
      inet_ntop (AF_INET, &((struct sockaddr_in *) (gpointer) a->ifa_addr)->sin_addr, text,
                 sizeof text);
      break;
    }
  freeifaddrs (addrs);
  return g_strdup (text);
}

/* The relay's key: made on first use, private like the device's. */
static PuIdentity *
load_identity (const char  *dir,
               GError     **error)
{
  g_autofree char *path = g_build_filename (dir, "identity.key", NULL);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(PuIdentity) identity = pu_identity_load (path, &local_error);

  if (identity != NULL)
    return g_steal_pointer (&identity);
  if (!g_error_matches (local_error, PU_ERROR, PU_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  identity = pu_identity_generate ();
  if (!pu_identity_save (identity, path, error))
    return NULL;
  return g_steal_pointer (&identity);
}

PuRelayHost *
pu_relay_host_start (PuProfile  *profile,
                     guint16     port,
                     GError    **error)
{
  g_autoptr(PuRelayHost) self = g_object_new (PU_TYPE_RELAY_HOST, NULL);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(PuIdentity) identity = NULL;
  g_autoptr(GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) listen = g_inet_socket_address_new (any, port);
  g_autofree char *dir = NULL;
  g_autofree char *trust_path = NULL;
  g_autofree char *limits_path = NULL;
  g_autofree char *host = NULL;
  g_autofree char *id = NULL;
  const PuPeerId *device;
  PuRelayLimits limits;

  g_return_val_if_fail (PU_IS_PROFILE (profile), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  dir = g_build_filename (pu_config_get_dir (pu_profile_get_config (profile)), "relay", NULL);
  trust_path = g_build_filename (dir, "authorized_keys", NULL);
  limits_path = g_build_filename (dir, "relay.ini", NULL);
  if (!pu_dir_ensure_private (dir, error))
    return NULL;
  identity = load_identity (dir, error);
  if (identity == NULL || !pu_relay_limits_load (&limits, limits_path, error))
    return NULL;
  self->trust = pu_trust_store_new (trust_path, error);
  if (self->trust == NULL)
    return NULL;

  /* This device is served from the start. */
  device = pu_identity_get_peer_id (pu_profile_get_identity (profile));
  if (!pu_trust_store_is_authorized (self->trust, device, g_get_real_time () / G_USEC_PER_SEC) &&
      !pu_trust_store_add (self->trust, device, pu_config_get_device_name (pu_profile_get_config
                                                                             (profile)),
                           0, error))
    return NULL;

  self->server = pu_relay_server_new (identity, self->trust, error);
  if (self->server == NULL)
    return NULL;
  pu_relay_server_set_limits (self->server, &limits);
  if (!pu_relay_server_listen (self->server, G_INET_SOCKET_ADDRESS (listen), error))
    return NULL;

  host = local_address ();
  id = pu_peer_id_to_string (pu_relay_server_get_peer_id (self->server));
  self->addr = g_strdup_printf ("/ip4/%s/tcp/%u/p2p/%s", host,
                                pu_relay_server_get_port (self->server), id);
  /* Already there from an earlier start is fine. */
  if (!pu_edit_add_relay (profile, self->addr, &local_error) &&
      !g_error_matches (local_error, PU_ERROR, PU_ERROR_EXISTS))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&self);
}

const char *
pu_relay_host_get_addr (PuRelayHost *self)
{
  g_return_val_if_fail (PU_IS_RELAY_HOST (self), NULL);

  return self->addr;
}

static void
pu_relay_host_dispose (GObject *object)
{
  PuRelayHost *self = PU_RELAY_HOST (object);

  if (self->server != NULL)
    pu_relay_server_stop (self->server);
  g_clear_object (&self->server);
  g_clear_object (&self->trust);

  G_OBJECT_CLASS (pu_relay_host_parent_class)->dispose (object);
}

static void
pu_relay_host_finalize (GObject *object)
{
  g_free (PU_RELAY_HOST (object)->addr);

  G_OBJECT_CLASS (pu_relay_host_parent_class)->finalize (object);
}

static void
pu_relay_host_class_init (PuRelayHostClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = pu_relay_host_dispose;
  G_OBJECT_CLASS (klass)->finalize = pu_relay_host_finalize;
}

static void
pu_relay_host_init (PuRelayHost *self)
{
}
