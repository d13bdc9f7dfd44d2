/* pu-control.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-control.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <string.h>
#include <sys/un.h>
#include <unistd.h>

#include "pu-error.h"
#include "pu-label.h"
#include "pu-pair-session.h"
#include "pu-relay-client.h"
#include "pu-relay-frame.h"
#include "pu-sas.h"
#include "pu-services.h"
#include "pu-time.h"
#include "pu-version.h"

/* Methods carrying this annotation change trust or exposure. */
#define AUDIT_ANNOTATION "dev.peerup.PeerUp1.Audit"
#define LOCK_PID_MAX 32

struct _PuControl
{
  GObject            parent_instance;

  PuNode            *node;
  PuPeerUp1         *skeleton;
  GDBusAuthObserver *observer;
  GDBusServer       *server;
  char              *socket_path;
  int                lock_fd;     /* held (flock) while listening, else -1 */
  GPtrArray         *clients;     /* GDBusConnection of the private socket */
  guint              owner_id;
  PuForwards        *forwards;
  PuConfig          *config;      /* the one whose ::changed is followed */
  GVariant          *services;    /* as last announced */
  GHashTable        *pairings;    /* handle → Pairing */
  guint              n_pairings;  /* started, for handles */
  GDBusNodeInfo     *bus_info;    /* what the private socket answers as a bus */
  GPtrArray         *holds;       /* Hold */
  guint              n_bus_clients;
};

G_DEFINE_FINAL_TYPE (PuControl, pu_control, G_TYPE_OBJECT)

/* Dictionaries keep the order of their keys on the wire (and in
 * `peerup status --json`). */
static void
add (GVariantBuilder *dict,
     const char      *key,
     GVariant        *value)
{
  g_variant_builder_add (dict, "{sv}", key, value);
}

static GVariant *
relay_info (PuRelayClient *relay)
{
  GVariantBuilder dict = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autofree char *peer_id = pu_peer_id_to_string (pu_relay_client_get_peer_id (relay));
  gint64 rtt = pu_relay_client_get_rtt (relay);

  add (&dict, "address", g_variant_new_string (pu_relay_client_get_address (relay)));
  add (&dict, "peer_id", g_variant_new_string (peer_id));
  add (&dict, "connected", g_variant_new_boolean (pu_relay_client_is_connected (relay)));
  if (rtt > 0)
    add (&dict, "rtt_ms", g_variant_new_double (rtt / 1000.0));
  return g_variant_builder_end (&dict);
}

static GVariant *
peer_info (PuControl      *self,
           const PuPeerId *peer)
{
  GVariantBuilder dict = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  PuProfile *profile = pu_node_get_profile (self->node);
  const char *name = pu_config_name_for_peer (pu_profile_get_config (profile), peer);
  g_autofree char *peer_id = pu_peer_id_to_string (peer);
  g_autofree char *label = pu_node_dup_peer_label (self->node, peer);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gboolean authorized = pu_trust_store_is_authorized (pu_profile_get_trust_store (profile), peer,
                                                      now);
  PuNodePeerState state;

  pu_node_get_peer_state (self->node, peer, &state);
  add (&dict, "peer_id", g_variant_new_string (peer_id));
  if (name != NULL)
    add (&dict, "name", g_variant_new_string (name));
  add (&dict, "label", g_variant_new_string (label));
  add (&dict, "authorized", g_variant_new_boolean (authorized));
  add (&dict, "connected", g_variant_new_boolean (state.n_connections > 0));
  add (&dict, "connections", g_variant_new_uint32 (state.n_connections));
  if (state.n_connections > 0)
    add (&dict, "path", g_variant_new_string (pu_path_kind_to_string (state.path)));
  if (state.local_candidate != NULL)
    {
      add (&dict, "local_candidate", g_variant_new_string (state.local_candidate));
      add (&dict, "remote_candidate", g_variant_new_string (state.remote_candidate));
      add (&dict, "ip_version", g_variant_new_uint32 (state.ip_version));
    }
  if (state.rtt > 0)
    add (&dict, "rtt_ms", g_variant_new_double (state.rtt / 1000.0));
  return g_variant_builder_end (&dict);
}

static void
add_peer_once (GArray         *peers,
               GHashTable     *seen,
               const PuPeerId *peer)
{
  if (g_hash_table_contains (seen, peer))
    return;
  g_hash_table_add (seen, g_memdup2 (peer, sizeof *peer));
  g_array_append_val (peers, *peer);
}

/* Authorized peers (file order), named peers (by name), then any other peer
 * with an open connection. */
static GVariant *
peers_info (PuControl *self)
{
  PuProfile *profile = pu_node_get_profile (self->node);
  PuConfig *config = pu_profile_get_config (profile);
  g_autoptr(GPtrArray) trusted = pu_trust_store_list (pu_profile_get_trust_store (profile));
  g_auto(GStrv) names = pu_config_get_names (config);
  g_autoptr(GArray) connected = pu_node_list_peers (self->node);
  g_autoptr(GArray) peers = g_array_new (FALSE, FALSE, sizeof (PuPeerId));
  g_autoptr(GHashTable) seen = g_hash_table_new_full ((GHashFunc) pu_peer_id_hash,
                                                      (GEqualFunc) pu_peer_id_equal,
                                                      g_free, NULL);
  GVariantBuilder builder;

  for (guint i = 0; i < trusted->len; i++)
    add_peer_once (peers, seen, &((const PuTrustEntry *) trusted->pdata[i])->peer_id);
  for (guint i = 0; names[i] != NULL; i++)
    {
      PuPeerId peer;

      if (pu_config_resolve_peer (config, names[i], &peer, NULL))
        add_peer_once (peers, seen, &peer);
    }
  for (guint i = 0; i < connected->len; i++)
    add_peer_once (peers, seen, &g_array_index (connected, PuNodePeerState, i).peer);

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < peers->len; i++)
    g_variant_builder_add_value (&builder,
                                 peer_info (self, &g_array_index (peers, PuPeerId, i)));
  return g_variant_builder_end (&builder);
}

static GVariant *
service_info (const PuService *service)
{
  GVariantBuilder dict = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  g_autofree char *address = pu_service_get_address (service);
  const char * const none[] = { NULL };
  const char * const *allowed = service->allowed != NULL
                                ? (const char * const *) service->allowed : none;

  add (&dict, "name", g_variant_new_string (service->name));
  add (&dict, "address", g_variant_new_string (address));
  add (&dict, "enabled", g_variant_new_boolean (service->enabled));
  add (&dict, "allowed", g_variant_new_strv (allowed, -1));
  return g_variant_builder_end (&dict);
}

static GVariant *
services_info (PuConfig *config)
{
  GPtrArray *services = pu_config_get_services (config);
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < services->len; i++)
    g_variant_builder_add_value (&builder, service_info (services->pdata[i]));
  return g_variant_builder_end (&builder);
}

static GVariant *
forward_info (PuControl *self,
              PuProxy   *proxy)
{
  GVariantBuilder dict = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  guint16 port = pu_proxy_get_port (proxy);
  g_autofree char *address = g_strdup_printf ("127.0.0.1:%u", port);
  g_autofree char *peer_id = pu_peer_id_to_string (pu_proxy_get_peer (proxy));
  g_autofree char *label = pu_node_dup_peer_label (self->node, pu_proxy_get_peer (proxy));

  add (&dict, "port", g_variant_new_uint16 (port));
  add (&dict, "address", g_variant_new_string (address));
  add (&dict, "peer_id", g_variant_new_string (peer_id));
  add (&dict, "label", g_variant_new_string (label));
  add (&dict, "service", g_variant_new_string (pu_proxy_get_service (proxy)));
  add (&dict, "active", g_variant_new_uint32 (pu_proxy_get_n_active (proxy)));
  add (&dict, "completed", g_variant_new_uint64 (pu_proxy_get_n_completed (proxy)));
  return g_variant_builder_end (&dict);
}

static GVariant *
forwards_info (PuControl *self)
{
  GListModel *model = G_LIST_MODEL (self->forwards);
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(PuProxy) proxy = g_list_model_get_item (model, i);

      g_variant_builder_add_value (&builder, forward_info (self, proxy));
    }
  return g_variant_builder_end (&builder);
}

/* Pairings */

typedef struct {
  PuControl             *control;
  PuPairSession         *session;
  char                  *handle;
  guint                  serial;     /* started as the nth */
  /* An Invite waiting for its code: answering it consumes it. */
  GDBusMethodInvocation *invocation;
} Pairing;

static GVariant *
pairing_info (Pairing      *pairing,
              const GError *error)
{
  GVariantBuilder dict = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  const PuPeerId *peer = pu_pair_session_get_peer (pairing->session);

  add (&dict, "handle", g_variant_new_string (pairing->handle));
  add (&dict, "role", g_variant_new_string (pu_pair_session_is_inviter (pairing->session)
                                            ? "invite" : "join"));
  if (error != NULL)
    {
      g_autofree char *name = g_dbus_error_encode_gerror (error);

      add (&dict, "error", g_variant_new_string (name));
      add (&dict, "message", g_variant_new_string (error->message));
    }
  else if (peer != NULL)
    {
      g_autofree char *peer_id = pu_peer_id_to_string (peer);

      const char *serves = NULL;

      switch (pu_pair_session_get_sponsor_status (pairing->session))
        {
        case PU_RELAY_SPONSOR_OK:
          serves = "ok";
          break;
        case PU_RELAY_SPONSOR_DENIED:
          serves = "denied";
          break;
        case PU_RELAY_SPONSOR_INVALID:
          serves = "invalid";
          break;
        default:
          break;
        }
      add (&dict, "peer_id", g_variant_new_string (peer_id));
      add (&dict, "name", g_variant_new_string (pu_pair_session_get_name (pairing->session)));
      if (serves != NULL)
        add (&dict, "relay_serves", g_variant_new_string (serves));
    }
  return g_variant_builder_end (&dict);
}

static gint
compare_pairings (gconstpointer a,
                  gconstpointer b)
{
  const Pairing *pa = a;
  const Pairing *pb = b;

  return pa->serial < pb->serial ? -1 : pa->serial > pb->serial;
}

/* The pairings running, oldest first. */
static GVariant *
pairings_info (PuControl *self)
{
  g_autoptr(GList) pairings = g_hash_table_get_values (self->pairings);
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  pairings = g_list_sort (pairings, compare_pairings);
  for (GList *l = pairings; l != NULL; l = l->next)
    g_variant_builder_add_value (&builder, pairing_info (l->data, NULL));
  return g_variant_builder_end (&builder);
}

static GVariant *
status_info (PuControl *self)
{
  GVariantBuilder dict = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  PuProfile *profile = pu_node_get_profile (self->node);
  PuConfig *config = pu_profile_get_config (profile);
  g_autofree char *name = pu_profile_dup_device_name (profile);
  GPtrArray *relays = pu_node_get_relays (self->node);
  GVariantBuilder builder;

  add (&dict, "version", g_variant_new_string (PU_VERSION));
  add (&dict, "pid", g_variant_new_uint32 ((guint32) getpid ()));
  add (&dict, "peer_id",
       g_variant_new_string (pu_identity_get_peer_id_string (pu_profile_get_identity (profile))));
  add (&dict, "name", g_variant_new_string (name));
  add (&dict, "config", g_variant_new_string (pu_config_get_path (config)));

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < relays->len; i++)
    g_variant_builder_add_value (&builder, relay_info (relays->pdata[i]));
  add (&dict, "relays", g_variant_builder_end (&builder));
  add (&dict, "peers", peers_info (self));
  add (&dict, "services", services_info (config));
  add (&dict, "forwards", forwards_info (self));
  add (&dict, "pairings", pairings_info (self));
  return g_variant_builder_end (&dict);
}

static gboolean
handle_get_status_cb (PuPeerUp1             *skeleton,
                      GDBusMethodInvocation *invocation,
                      PuControl             *self)
{
  pu_peer_up1_complete_get_status (skeleton, invocation, status_info (self));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_get_peer_cb (PuPeerUp1             *skeleton,
                    GDBusMethodInvocation *invocation,
                    const char            *text,
                    PuControl             *self)
{
  PuConfig *config = pu_profile_get_config (pu_node_get_profile (self->node));
  GError *error = NULL;
  PuPeerId peer;

  if (!pu_config_resolve_peer (config, text, &peer, &error))
    {
      g_dbus_method_invocation_take_error (invocation, error);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  pu_peer_up1_complete_get_peer (skeleton, invocation, peer_info (self, &peer));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static PuConfig *
get_config (PuControl *self)
{
  return pu_profile_get_config (pu_node_get_profile (self->node));
}

/* Resolves @text (a name or a peer ID) or answers the call with the error. */
static gboolean
resolve_or_return (PuControl             *self,
                   GDBusMethodInvocation *invocation,
                   const char            *text,
                   PuPeerId              *peer)
{
  GError *error = NULL;

  if (pu_config_resolve_peer (get_config (self), text, peer, &error))
    return TRUE;
  g_dbus_method_invocation_take_error (invocation, error);
  return FALSE;
}

/* Answers with nothing, or with @error. */
static gboolean
complete_or_error (GDBusMethodInvocation *invocation,
                   gboolean               ok,
                   GError                *error)
{
  if (ok)
    g_dbus_method_invocation_return_value (invocation, NULL);
  else
    g_dbus_method_invocation_take_error (invocation, error);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_resolve_cb (PuPeerUp1             *skeleton,
                   GDBusMethodInvocation *invocation,
                   const char            *text,
                   PuControl             *self)
{
  g_autofree char *peer_id = NULL;
  g_autofree char *label = NULL;
  PuPeerId peer;

  if (!resolve_or_return (self, invocation, text, &peer))
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  peer_id = pu_peer_id_to_string (&peer);
  label = pu_node_dup_peer_label (self->node, &peer);
  pu_peer_up1_complete_resolve (skeleton, invocation, peer_id, label);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static void
pinged_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  GDBusMethodInvocation *invocation = user_data;
  GError *error = NULL;
  gint64 rtt = pu_node_ping_finish (PU_NODE (object), result, &error);

  if (rtt < 0)
    g_dbus_method_invocation_take_error (invocation, error);
  else
    g_dbus_method_invocation_return_value (invocation, g_variant_new ("(d)", rtt / 1000.0));
}

static gboolean
handle_ping_cb (PuPeerUp1             *skeleton,
                GDBusMethodInvocation *invocation,
                const char            *text,
                PuControl             *self)
{
  PuPeerId peer;

  if (resolve_or_return (self, invocation, text, &peer))
    pu_node_ping_async (self->node, &peer, NULL, pinged_cb, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_list_services_cb (PuPeerUp1             *skeleton,
                         GDBusMethodInvocation *invocation,
                         PuControl             *self)
{
  pu_peer_up1_complete_list_services (skeleton, invocation, services_info (get_config (self)));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_add_service_cb (PuPeerUp1             *skeleton,
                       GDBusMethodInvocation *invocation,
                       const char            *name,
                       const char            *address,
                       const char * const    *allowed,
                       PuControl             *self)
{
  PuConfig *config = get_config (self);
  GError *error = NULL;

  if (!pu_services_add (config, name, address, allowed, &error))
    return complete_or_error (invocation, FALSE, error);
  pu_peer_up1_complete_add_service (skeleton, invocation,
                                    service_info (pu_config_lookup_service (config, name)));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_remove_service_cb (PuPeerUp1             *skeleton,
                          GDBusMethodInvocation *invocation,
                          const char            *name,
                          PuControl             *self)
{
  GError *error = NULL;
  gboolean ok = pu_services_remove (get_config (self), name, &error);

  return complete_or_error (invocation, ok, error);
}

static gboolean
handle_enable_service_cb (PuPeerUp1             *skeleton,
                          GDBusMethodInvocation *invocation,
                          const char            *name,
                          PuControl             *self)
{
  GError *error = NULL;
  gboolean ok = pu_services_set_enabled (get_config (self), name, TRUE, &error);

  return complete_or_error (invocation, ok, error);
}

static gboolean
handle_disable_service_cb (PuPeerUp1             *skeleton,
                           GDBusMethodInvocation *invocation,
                           const char            *name,
                           PuControl             *self)
{
  GError *error = NULL;
  gboolean ok = pu_services_set_enabled (get_config (self), name, FALSE, &error);

  return complete_or_error (invocation, ok, error);
}

static gboolean
handle_set_service_allowed_cb (PuPeerUp1             *skeleton,
                               GDBusMethodInvocation *invocation,
                               const char            *name,
                               const char * const    *allowed,
                               PuControl             *self)
{
  GError *error = NULL;
  gboolean ok = pu_services_set_allowed (get_config (self), name, allowed, &error);

  return complete_or_error (invocation, ok, error);
}

/* A forward that closes when the client that opened it goes away. */
typedef struct {
  PuControl       *control;
  PuProxy         *proxy;
  GDBusConnection *connection;
  guint            watch_id;    /* of the client's name on a bus, else 0 */
} Hold;

static void
hold_free (Hold *hold)
{
  g_clear_handle_id (&hold->watch_id, g_bus_unwatch_name);
  g_clear_object (&hold->proxy);
  g_clear_object (&hold->connection);
  g_free (hold);
}

/* Closes the forwards @connection holds (all held ones when NULL). */
static void
release_holds (PuControl       *self,
               GDBusConnection *connection)
{
  g_autoptr(GArray) ports = g_array_new (FALSE, FALSE, sizeof (guint16));

  for (guint i = 0; i < self->holds->len; i++)
    {
      Hold *hold = self->holds->pdata[i];

      if (connection == NULL || hold->connection == connection)
        {
          guint16 port = pu_proxy_get_port (hold->proxy);

          g_array_append_val (ports, port);
        }
    }
  for (guint i = 0; i < ports->len; i++)
    {
      guint16 port = g_array_index (ports, guint16, i);

      g_message ("Control: closed the forward on 127.0.0.1:%u, its client went away", port);
      pu_forwards_close (self->forwards, port, NULL);
    }
}

/* Forgets holds on forwards that closed. */
static void
prune_holds (PuControl *self)
{
  for (guint i = self->holds->len; i > 0; i--)
    {
      Hold *hold = self->holds->pdata[i - 1];

      if (pu_forwards_lookup (self->forwards, pu_proxy_get_port (hold->proxy)) != hold->proxy)
        g_ptr_array_remove_index_fast (self->holds, i - 1);
    }
}

static void
hold_vanished_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  Hold *hold = user_data;
  guint16 port = pu_proxy_get_port (hold->proxy);

  g_message ("Control: closed the forward on 127.0.0.1:%u, its client went away", port);
  pu_forwards_close (hold->control->forwards, port, NULL);
}

static gboolean
handle_connect_cb (PuPeerUp1             *skeleton,
                   GDBusMethodInvocation *invocation,
                   const char            *text,
                   const char            *service,
                   guint16                port,
                   GVariant              *options,
                   PuControl             *self)
{
  GError *error = NULL;
  gboolean held = FALSE;
  PuProxy *proxy;
  PuPeerId peer;

  if (!resolve_or_return (self, invocation, text, &peer))
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  g_variant_lookup (options, "hold", "b", &held);
  proxy = pu_forwards_open (self->forwards, &peer, service, port, &error);
  if (proxy == NULL)
    return complete_or_error (invocation, FALSE, error);
  if (held)
    {
      Hold *hold = g_new0 (Hold, 1);
      const char *sender = g_dbus_method_invocation_get_sender (invocation);

      hold->control = self;
      hold->proxy = g_object_ref (proxy);
      hold->connection = g_object_ref (g_dbus_method_invocation_get_connection (invocation));
      g_ptr_array_add (self->holds, hold);
      /* On the private socket the connection is the client; on a bus, its
       * name is. */
      if (sender != NULL)
        hold->watch_id = g_bus_watch_name_on_connection (hold->connection, sender,
                                                         G_BUS_NAME_WATCHER_FLAGS_NONE, NULL,
                                                         hold_vanished_cb, hold, NULL);
    }
  pu_peer_up1_complete_connect (skeleton, invocation, pu_proxy_get_port (proxy));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_disconnect_cb (PuPeerUp1             *skeleton,
                      GDBusMethodInvocation *invocation,
                      guint16                port,
                      PuControl             *self)
{
  GError *error = NULL;
  gboolean ok = pu_forwards_close (self->forwards, port, &error);

  return complete_or_error (invocation, ok, error);
}

static gboolean
handle_list_forwards_cb (PuPeerUp1             *skeleton,
                         GDBusMethodInvocation *invocation,
                         PuControl             *self)
{
  pu_peer_up1_complete_list_forwards (skeleton, invocation, forwards_info (self));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* The other device: not this one. */
static gboolean
resolve_other_or_return (PuControl             *self,
                         GDBusMethodInvocation *invocation,
                         const char            *text,
                         PuPeerId              *peer)
{
  PuIdentity *identity = pu_profile_get_identity (pu_node_get_profile (self->node));
  g_autofree char *escaped = NULL;

  if (!resolve_or_return (self, invocation, text, peer))
    return FALSE;
  if (!pu_peer_id_equal (peer, pu_identity_get_peer_id (identity)))
    return TRUE;
  escaped = pu_label_escape (text, PU_LABEL_ECHO_MAX);
  g_dbus_method_invocation_return_error (invocation, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                                         _("%s is this device's own peer ID; give the other "
                                           "device's"), escaped);
  return FALSE;
}

static gboolean
handle_get_sas_cb (PuPeerUp1             *skeleton,
                   GDBusMethodInvocation *invocation,
                   const char            *text,
                   PuControl             *self)
{
  PuProfile *profile = pu_node_get_profile (self->node);
  const PuPeerId *own = pu_identity_get_peer_id (pu_profile_get_identity (profile));
  GVariantBuilder dict = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
  GVariantBuilder emoji = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_STRING_ARRAY);
  GVariantBuilder names = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_STRING_ARRAY);
  g_autofree char *peer_id = NULL;
  g_autofree char *digits = NULL;
  const PuTrustEntry *entry;
  PuPeerId peer;
  PuSas sas;

  if (!resolve_other_or_return (self, invocation, text, &peer))
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  pu_sas_compute (own, &peer, &sas);
  for (guint i = 0; i < PU_SAS_N_EMOJI; i++)
    {
      g_variant_builder_add (&emoji, "s", pu_sas_emoji (sas.emoji[i]));
      g_variant_builder_add (&names, "s", pu_sas_emoji_name (sas.emoji[i]));
    }
  peer_id = pu_peer_id_to_string (&peer);
  digits = pu_sas_format_number (&sas);
  entry = pu_trust_store_lookup (pu_profile_get_trust_store (profile), &peer);
  add (&dict, "peer_id", g_variant_new_string (peer_id));
  add (&dict, "emoji", g_variant_builder_end (&emoji));
  add (&dict, "names", g_variant_builder_end (&names));
  add (&dict, "digits", g_variant_new_string (digits));
  add (&dict, "verified",
       g_variant_new_boolean (entry != NULL && pu_sas_entry_is_verified (entry, own)));
  pu_peer_up1_complete_get_sas (skeleton, invocation, g_variant_builder_end (&dict));
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_verify_cb (PuPeerUp1             *skeleton,
                  GDBusMethodInvocation *invocation,
                  const char            *text,
                  PuControl             *self)
{
  PuProfile *profile = pu_node_get_profile (self->node);
  PuTrustStore *trust = pu_profile_get_trust_store (profile);
  GError *error = NULL;
  gboolean ok;
  PuPeerId peer;
  PuSas sas;

  if (!resolve_other_or_return (self, invocation, text, &peer))
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  if (pu_trust_store_lookup (trust, &peer) == NULL)
    {
      g_autofree char *escaped = pu_label_escape (text, PU_LABEL_ECHO_MAX);

      g_dbus_method_invocation_return_error (invocation, PU_ERROR, PU_ERROR_NOT_FOUND,
                                             _("%s is not authorized; authorize it first"),
                                             escaped);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  pu_sas_compute (pu_identity_get_peer_id (pu_profile_get_identity (profile)), &peer, &sas);
  ok = pu_trust_store_set_verified (trust, &peer, sas.verified, &error);
  return complete_or_error (invocation, ok, error);
}

static gboolean
handle_authorize_cb (PuPeerUp1             *skeleton,
                     GDBusMethodInvocation *invocation,
                     const char            *text,
                     const char            *comment,
                     const char            *expires_text,
                     PuControl             *self)
{
  PuTrustStore *trust = pu_profile_get_trust_store (pu_node_get_profile (self->node));
  GError *error = NULL;
  gint64 expires = 0;
  gboolean ok;
  PuPeerId peer;

  if (!resolve_other_or_return (self, invocation, text, &peer))
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  if (expires_text[0] != '\0' &&
      !pu_expiry_parse (expires_text, g_get_real_time () / G_USEC_PER_SEC, &expires, &error))
    return complete_or_error (invocation, FALSE, error);
  ok = pu_trust_store_add (trust, &peer, comment[0] != '\0' ? comment : NULL, expires, &error);
  return complete_or_error (invocation, ok, error);
}

static gboolean
handle_deauthorize_cb (PuPeerUp1             *skeleton,
                       GDBusMethodInvocation *invocation,
                       const char            *text,
                       PuControl             *self)
{
  PuTrustStore *trust = pu_profile_get_trust_store (pu_node_get_profile (self->node));
  GError *error = NULL;
  gboolean ok;
  PuPeerId peer;

  if (!resolve_or_return (self, invocation, text, &peer))
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  ok = pu_trust_store_remove (trust, &peer, &error);
  return complete_or_error (invocation, ok, error);
}


static void
pairing_free (Pairing *pairing)
{
  g_signal_handlers_disconnect_by_data (pairing->session, pairing);
  pu_pair_session_cancel (pairing->session);
  g_clear_object (&pairing->session);
  if (pairing->invocation != NULL)
    g_dbus_method_invocation_return_error (pairing->invocation, PU_ERROR, PU_ERROR_FAILED,
                                           _("The Peer Up core stopped; start it and try "
                                             "again"));
  g_free (pairing->handle);
  g_free (pairing);
}


static void
pairing_ready_cb (PuPairSession *session,
                  Pairing       *pairing)
{
  const char *uri = pu_pair_session_get_uri (session);

  pu_peer_up1_complete_invite (pairing->control->skeleton, g_steal_pointer (&pairing->invocation),
                               pairing->handle, pu_pair_session_get_code (session),
                               uri != NULL ? uri : "");
}

static void
pairing_wrong_code_cb (PuPairSession *session,
                       guint          failures,
                       Pairing       *pairing)
{
  pu_peer_up1_emit_pairing_wrong_code (pairing->control->skeleton, pairing->handle, failures);
}

static void
pairing_finished_cb (PuPairSession *session,
                     const GError  *error,
                     Pairing       *pairing)
{
  PuControl *self = pairing->control;

  if (error == NULL)
    g_message ("Control: pairing %s finished with %s", pairing->handle,
               pu_pair_session_get_name (session));
  else
    g_message ("Control: pairing %s failed: %s", pairing->handle, error->message);
  if (pairing->invocation != NULL)
    g_dbus_method_invocation_return_gerror (g_steal_pointer (&pairing->invocation), error);
  else
    pu_peer_up1_emit_pairing_finished (self->skeleton, pairing_info (pairing, error));
  g_hash_table_remove (self->pairings, pairing->handle);
}

/* Answers with an error when PU_CONTROL_MAX_PAIRINGS run already. */
static gboolean
room_for_pairing (PuControl             *self,
                  GDBusMethodInvocation *invocation)
{
  if (g_hash_table_size (self->pairings) < PU_CONTROL_MAX_PAIRINGS)
    return TRUE;
  g_dbus_method_invocation_return_error (invocation, PU_ERROR, PU_ERROR_TOO_LARGE,
                                         _("%u pairings are running already; cancel one or "
                                           "wait until one ends"), PU_CONTROL_MAX_PAIRINGS);
  return FALSE;
}

static Pairing *
add_pairing (PuControl     *self,
             PuPairSession *session)
{
  Pairing *pairing = g_new0 (Pairing, 1);

  pairing->control = self;
  pairing->session = session;
  pairing->serial = ++self->n_pairings;
  pairing->handle = g_strdup_printf ("pairing-%u", pairing->serial);
  g_signal_connect (session, "ready", G_CALLBACK (pairing_ready_cb), pairing);
  g_signal_connect (session, "wrong-code", G_CALLBACK (pairing_wrong_code_cb), pairing);
  g_signal_connect (session, "finished", G_CALLBACK (pairing_finished_cb), pairing);
  g_hash_table_insert (self->pairings, pairing->handle, pairing);
  pu_peer_up1_emit_pairing_started (self->skeleton, pairing_info (pairing, NULL));
  return pairing;
}

static gboolean
handle_invite_cb (PuPeerUp1             *skeleton,
                  GDBusMethodInvocation *invocation,
                  GVariant              *options,
                  PuControl             *self)
{
  const char *name = NULL;
  guint32 ttl = PU_PAIR_SESSION_DEFAULT_TTL_SECONDS;
  gboolean short_code = FALSE;
  GError *error = NULL;
  PuPairSession *session;
  Pairing *pairing;

  if (!room_for_pairing (self, invocation))
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  g_variant_lookup (options, "name", "&s", &name);
  g_variant_lookup (options, "ttl", "u", &ttl);
  g_variant_lookup (options, "short", "b", &short_code);
  session = pu_pair_session_invite (pu_node_get_profile (self->node), name, ttl, short_code,
                                    &error);
  if (session == NULL)
    return complete_or_error (invocation, FALSE, error);
  pairing = add_pairing (self, session);
  pairing->invocation = invocation;
  g_message ("Control: pairing %s invites", pairing->handle);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_join_cb (PuPeerUp1             *skeleton,
                GDBusMethodInvocation *invocation,
                const char            *code,
                GVariant              *options,
                PuControl             *self)
{
  const char *name = NULL;
  const char *relay_text = NULL;
  g_autoptr(PuRelayAddr) relay = NULL;
  GError *error = NULL;
  PuPairSession *session;
  Pairing *pairing;

  if (!room_for_pairing (self, invocation))
    return G_DBUS_METHOD_INVOCATION_HANDLED;
  g_variant_lookup (options, "name", "&s", &name);
  if (g_variant_lookup (options, "relay", "&s", &relay_text))
    {
      relay = pu_relay_addr_parse (relay_text, NULL, &error);
      if (relay == NULL)
        return complete_or_error (invocation, FALSE, error);
    }
  session = pu_pair_session_join (pu_node_get_profile (self->node), code, name, relay, &error);
  if (session == NULL)
    return complete_or_error (invocation, FALSE, error);
  pairing = add_pairing (self, session);
  g_message ("Control: pairing %s joins", pairing->handle);
  pu_peer_up1_complete_join (skeleton, invocation, pairing->handle);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

static gboolean
handle_cancel_pairing_cb (PuPeerUp1             *skeleton,
                          GDBusMethodInvocation *invocation,
                          const char            *handle,
                          PuControl             *self)
{
  Pairing *pairing = g_hash_table_lookup (self->pairings, handle);

  if (pairing == NULL)
    {
      g_autofree char *escaped = pu_label_escape (handle, PU_LABEL_ECHO_MAX);

      g_dbus_method_invocation_return_error (invocation, PU_ERROR, PU_ERROR_NOT_FOUND,
                                             _("No pairing %s is running; it may have "
                                               "finished"), escaped);
      return G_DBUS_METHOD_INVOCATION_HANDLED;
    }
  pu_pair_session_cancel (pairing->session);
  pu_peer_up1_complete_cancel_pairing (skeleton, invocation);
  return G_DBUS_METHOD_INVOCATION_HANDLED;
}

/* "process 1234" on the private socket, the unique name on a bus. */
static char *
describe_caller (GDBusMethodInvocation *invocation)
{
  GDBusConnection *connection = g_dbus_method_invocation_get_connection (invocation);
  GCredentials *credentials = g_dbus_connection_get_peer_credentials (connection);
  const char *sender = g_dbus_method_invocation_get_sender (invocation);
  pid_t pid = credentials != NULL ? g_credentials_get_unix_pid (credentials, NULL) : -1;

  if (pid > 0)
    return g_strdup_printf ("process %d", (int) pid);
  return g_strdup_printf ("bus client %s", sender != NULL ? sender : "(unknown)");
}

/* Runs before every method call: the one place that logs who changed trust
 * or exposure. */
static gboolean
authorize_method_cb (GDBusInterfaceSkeleton *skeleton,
                     GDBusMethodInvocation  *invocation,
                     PuControl              *self)
{
  const GDBusMethodInfo *info = g_dbus_method_invocation_get_method_info (invocation);
  g_autofree char *caller = describe_caller (invocation);
  const char *method = g_dbus_method_invocation_get_method_name (invocation);

  if (info != NULL &&
      g_strcmp0 (g_dbus_annotation_info_lookup (info->annotations, AUDIT_ANNOTATION),
                 "true") == 0)
    {
      g_autofree char *arguments = NULL;

      /* Codes are secrets: they stay out of the log. */
      if (!g_str_equal (method, "Join"))
        arguments = g_variant_print (g_dbus_method_invocation_get_parameters (invocation),
                                     FALSE);
      g_message ("Control: %s called %s %s", caller, method,
                 arguments != NULL ? arguments : "(…)");
    }
  else
    g_debug ("Control: %s called %s", caller, method);
  return TRUE;
}

static void
relay_changed_cb (PuNode        *node,
                  PuRelayClient *relay,
                  PuControl     *self)
{
  pu_peer_up1_emit_relay_changed (self->skeleton, relay_info (relay));
}

static void
peer_changed_cb (PuNode         *node,
                 const PuPeerId *peer,
                 PuControl      *self)
{
  pu_peer_up1_emit_peer_changed (self->skeleton, peer_info (self, peer));
}

/* Announces the services when they differ from what was announced. */
static void
update_services (PuControl *self)
{
  g_autoptr(GVariant) services = g_variant_ref_sink (services_info (get_config (self)));

  if (self->services != NULL && g_variant_equal (services, self->services))
    return;
  g_clear_pointer (&self->services, g_variant_unref);
  self->services = g_variant_ref (services);
  pu_peer_up1_emit_services_changed (self->skeleton, services);
}

static void
config_changed_cb (PuConfig  *config,
                   PuControl *self)
{
  update_services (self);
}

static void
follow_config (PuControl *self)
{
  if (self->config != NULL)
    g_signal_handlers_disconnect_by_data (self->config, self);
  g_set_object (&self->config, get_config (self));
  g_signal_connect (self->config, "changed", G_CALLBACK (config_changed_cb), self);
}

static void
profile_config_changed_cb (PuProfile *profile,
                           PuConfig  *previous,
                           PuControl *self)
{
  follow_config (self);
  update_services (self);
}

static void
trust_changed_cb (PuTrustStore *trust,
                  PuControl    *self)
{
  pu_peer_up1_emit_trust_changed (self->skeleton, peers_info (self));
}

static void
forwards_changed_cb (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     PuControl  *self)
{
  if (removed > 0)
    prune_holds (self);
  pu_peer_up1_emit_forwards_changed (self->skeleton, forwards_info (self));
}

static void
forward_failed_cb (PuForwards   *forwards,
                   PuProxy      *proxy,
                   const GError *error,
                   PuControl    *self)
{
  pu_peer_up1_emit_forward_failed (self->skeleton, forward_info (self, proxy), error->message);
}

gboolean
pu_control_credentials_allowed (GCredentials *credentials)
{
  uid_t uid;

  if (credentials == NULL)
    return FALSE;
  uid = g_credentials_get_unix_user (credentials, NULL);
  return uid != (uid_t) -1 && uid == getuid ();
}

/* Runs in the server's authentication thread: touches nothing shared. */
static gboolean
authorize_peer_cb (GDBusAuthObserver *observer,
                   GIOStream         *stream,
                   GCredentials      *credentials,
                   gpointer           user_data)
{
  g_autofree char *who = NULL;

  if (pu_control_credentials_allowed (credentials))
    return TRUE;
  who = credentials != NULL ? g_credentials_to_string (credentials) : g_strdup ("unknown");
  g_message ("Refused a control connection from another user (%s)", who);
  return FALSE;
}

/* Only EXTERNAL proves who the client is (kernel credentials). */
static gboolean
allow_mechanism_cb (GDBusAuthObserver *observer,
                    const char        *mechanism,
                    gpointer           user_data)
{
  return g_strcmp0 (mechanism, "EXTERNAL") == 0;
}

static void
client_closed_cb (GDBusConnection *connection,
                  gboolean         remote_peer_vanished,
                  GError          *error,
                  PuControl       *self)
{
  g_dbus_interface_skeleton_unexport_from_connection (G_DBUS_INTERFACE_SKELETON (self->skeleton),
                                                      connection);
  g_signal_handlers_disconnect_by_data (connection, self);
  release_holds (self, connection);
  g_ptr_array_remove_fast (self->clients, connection);
}

/* Tools made for a message bus (`gdbus call --address unix:path=…`) greet it
 * first: the private socket answers as a bus of one would, so they work on
 * it too. */
static const char bus_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.DBus'>"
  "    <method name='Hello'><arg type='s' direction='out'/></method>"
  "    <method name='AddMatch'><arg type='s' direction='in'/></method>"
  "    <method name='RemoveMatch'><arg type='s' direction='in'/></method>"
  "  </interface>"
  "</node>";

static void
bus_method_cb (GDBusConnection       *connection,
               const char            *sender,
               const char            *object_path,
               const char            *interface_name,
               const char            *method_name,
               GVariant              *parameters,
               GDBusMethodInvocation *invocation,
               gpointer               user_data)
{
  PuControl *self = user_data;

  if (g_str_equal (method_name, "Hello"))
    {
      g_autofree char *name = g_strdup_printf (":1.%u", ++self->n_bus_clients);

      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(s)", name));
      return;
    }
  /* Signals go to every client of the socket: nothing to match. */
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable bus_vtable = { bus_method_cb, NULL, NULL, { 0 } };

static gboolean
answer_as_bus (PuControl        *self,
               GDBusConnection  *connection,
               GError          **error)
{
  return g_dbus_connection_register_object (connection, "/org/freedesktop/DBus",
                                            self->bus_info->interfaces[0], &bus_vtable, self,
                                            NULL, error) != 0;
}

static gboolean
new_connection_cb (GDBusServer     *server,
                   GDBusConnection *connection,
                   PuControl       *self)
{
  g_autoptr(GError) error = NULL;

  if (self->clients->len >= PU_CONTROL_MAX_CLIENTS)
    {
      g_message ("Refused a control connection: %u clients are connected already",
                 self->clients->len);
      return FALSE;
    }
  if (!pu_control_export (self, connection, &error) || !answer_as_bus (self, connection, &error))
    {
      g_message ("Could not serve a control connection: %s", error->message);
      return FALSE;
    }
  g_ptr_array_add (self->clients, g_object_ref (connection));
  g_signal_connect (connection, "closed", G_CALLBACK (client_closed_cb), self);
  return TRUE;
}

static gboolean
set_io_error (GError     **error,
              int          saved_errno,
              const char  *path)
{
  g_set_error (error, PU_ERROR, PU_ERROR_IO, _("Could not use %s: %s"), path,
               g_strerror (saved_errno));
  return FALSE;
}

/* Takes the lock beside the socket, which only a running core holds. */
static int
take_lock (const char  *lock_path,
           GError     **error)
{
  char pid[LOCK_PID_MAX] = "";
  int fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  gssize n;

  if (fd < 0)
    {
      set_io_error (error, errno, lock_path);
      return -1;
    }
  if (flock (fd, LOCK_EX | LOCK_NB) == 0)
    {
      g_autofree char *own = g_strdup_printf ("%d\n", (int) getpid ());

      if (ftruncate (fd, 0) != 0 || pwrite (fd, own, strlen (own), 0) < 0)
        g_debug ("Could not write the pid to %s: %s", lock_path, g_strerror (errno));
      return fd;
    }
  if (errno != EWOULDBLOCK)
    {
      set_io_error (error, errno, lock_path);
      close (fd);
      return -1;
    }

  n = pread (fd, pid, sizeof pid - 1, 0);
  close (fd);
  pid[MAX (n, 0)] = '\0';
  g_strstrip (pid);
  g_set_error (error, PU_ERROR, PU_ERROR_EXISTS,
               _("Another Peer Up core (pid %s) is already running for this device; stop it "
                 "first, or see it with `peerup status`"),
               pid[0] != '\0' ? pid : "?");
  return -1;
}

gboolean
pu_control_listen (PuControl   *self,
                   const char  *socket_path,
                   GError     **error)
{
  g_autofree char *lock_path = NULL;
  g_autofree char *escaped = NULL;
  g_autofree char *address = NULL;
  g_autofree char *guid = NULL;
  GStatBuf st;
  int fd;

  g_return_val_if_fail (PU_IS_CONTROL (self), FALSE);
  g_return_val_if_fail (socket_path != NULL, FALSE);
  g_return_val_if_fail (self->server == NULL, FALSE);

  if (strlen (socket_path) >= sizeof ((struct sockaddr_un *) NULL)->sun_path)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_TOO_LARGE,
                   _("The control socket path %s is too long; set XDG_RUNTIME_DIR to a "
                     "shorter directory"), socket_path);
      return FALSE;
    }
  if (!pu_control_socket_ensure_dir (socket_path, error))
    return FALSE;

  lock_path = g_strconcat (socket_path, ".lock", NULL);
  fd = take_lock (lock_path, error);
  if (fd < 0)
    return FALSE;

  /* With the lock held, a socket still there belongs to a core that died. */
  if (g_lstat (socket_path, &st) == 0)
    {
      if (g_unlink (socket_path) != 0)
        {
          close (fd);
          return set_io_error (error, errno, socket_path);
        }
      g_message ("Replaced %s, left by a Peer Up core that stopped", socket_path);
    }

  escaped = g_dbus_address_escape_value (socket_path);
  address = g_strdup_printf ("unix:path=%s", escaped);
  guid = g_dbus_generate_guid ();
  self->server = g_dbus_server_new_sync (address,
                                         G_DBUS_SERVER_FLAGS_AUTHENTICATION_REQUIRE_SAME_USER,
                                         guid, self->observer, NULL, error);
  if (self->server == NULL)
    {
      close (fd);
      return FALSE;
    }
  /* The directory already keeps others out; the socket says so too. */
  if (g_chmod (socket_path, 0600) != 0)
    g_debug ("Could not chmod %s: %s", socket_path, g_strerror (errno));
  self->lock_fd = fd;
  self->socket_path = g_strdup (socket_path);
  g_signal_connect (self->server, "new-connection", G_CALLBACK (new_connection_cb), self);
  g_dbus_server_start (self->server);
  return TRUE;
}

const char *
pu_control_get_socket_path (PuControl *self)
{
  g_return_val_if_fail (PU_IS_CONTROL (self), NULL);

  return self->socket_path;
}

gboolean
pu_control_export (PuControl        *self,
                   GDBusConnection  *connection,
                   GError          **error)
{
  g_return_val_if_fail (PU_IS_CONTROL (self), FALSE);
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), FALSE);

  return g_dbus_interface_skeleton_export (G_DBUS_INTERFACE_SKELETON (self->skeleton),
                                           connection, PU_CONTROL_OBJECT_PATH, error);
}

static void
bus_acquired_cb (GDBusConnection *connection,
                 const char      *name,
                 gpointer         user_data)
{
  PuControl *self = user_data;
  g_autoptr(GError) error = NULL;

  if (!pu_control_export (self, connection, &error))
    g_message ("Could not export the control API on the session bus: %s", error->message);
}

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  g_message ("Control API on the session bus as %s", name);
}

static void
name_lost_cb (GDBusConnection *connection,
              const char      *name,
              gpointer         user_data)
{
  PuControl *self = user_data;

  if (connection == NULL)
    {
      g_message ("Could not reach the session bus; the control API is on %s only",
                 self->socket_path != NULL ? self->socket_path : "no socket");
      return;
    }
  g_dbus_interface_skeleton_unexport_from_connection (G_DBUS_INTERFACE_SKELETON (self->skeleton),
                                                      connection);
  g_message ("%s is taken on the session bus (by the desktop app or another daemon); the "
             "control API is on %s", name,
             self->socket_path != NULL ? self->socket_path : "no socket");
}

/* Without a bus address, GLib would try to start a bus (dbus-launch). */
static gboolean
session_bus_exists (void)
{
  const char *address = g_getenv ("DBUS_SESSION_BUS_ADDRESS");
  const char *runtime = g_getenv ("XDG_RUNTIME_DIR");
  g_autofree char *bus = NULL;
  GStatBuf st;

  if (address != NULL && address[0] != '\0')
    return TRUE;
  if (runtime == NULL || !g_path_is_absolute (runtime))
    return FALSE;
  bus = g_build_filename (runtime, "bus", NULL);
  return g_lstat (bus, &st) == 0 && S_ISSOCK (st.st_mode);
}

void
pu_control_own_bus_name (PuControl *self)
{
  g_return_if_fail (PU_IS_CONTROL (self));

  if (self->owner_id != 0)
    return;
  if (!session_bus_exists ())
    {
      g_debug ("No session bus; the control API is on the private socket only");
      return;
    }
  self->owner_id = g_bus_own_name (G_BUS_TYPE_SESSION, PU_CONTROL_BUS_NAME,
                                   G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE, bus_acquired_cb,
                                   name_acquired_cb, name_lost_cb, self, NULL);
}

PuNode *
pu_control_get_node (PuControl *self)
{
  g_return_val_if_fail (PU_IS_CONTROL (self), NULL);

  return self->node;
}

PuForwards *
pu_control_get_forwards (PuControl *self)
{
  g_return_val_if_fail (PU_IS_CONTROL (self), NULL);

  return self->forwards;
}

static void
pu_control_dispose (GObject *object)
{
  PuControl *self = PU_CONTROL (object);

  g_clear_handle_id (&self->owner_id, g_bus_unown_name);
  if (self->skeleton != NULL &&
      g_dbus_interface_skeleton_get_object_path (G_DBUS_INTERFACE_SKELETON (self->skeleton)))
    g_dbus_interface_skeleton_unexport (G_DBUS_INTERFACE_SKELETON (self->skeleton));
  if (self->clients != NULL)
    for (guint i = 0; i < self->clients->len; i++)
      {
        g_signal_handlers_disconnect_by_data (self->clients->pdata[i], self);
        g_dbus_connection_close (self->clients->pdata[i], NULL, NULL, NULL);
      }
  g_clear_pointer (&self->clients, g_ptr_array_unref);
  if (self->server != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->server, self);
      g_dbus_server_stop (self->server);
      /* Some GLib versions remove it on stop, others leave it. */
      if (g_unlink (self->socket_path) != 0 && errno != ENOENT)
        g_debug ("Could not remove %s: %s", self->socket_path, g_strerror (errno));
      g_clear_object (&self->server);
    }
  if (self->lock_fd >= 0)
    {
      close (self->lock_fd);
      self->lock_fd = -1;
    }
  g_clear_pointer (&self->pairings, g_hash_table_unref);
  g_clear_pointer (&self->holds, g_ptr_array_unref);
  if (self->forwards != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->forwards, self);
      pu_forwards_close_all (self->forwards);
    }
  g_clear_object (&self->forwards);
  if (self->config != NULL)
    g_signal_handlers_disconnect_by_data (self->config, self);
  g_clear_object (&self->config);
  g_clear_pointer (&self->services, g_variant_unref);
  if (self->node != NULL)
    {
      PuProfile *profile = pu_node_get_profile (self->node);

      g_signal_handlers_disconnect_by_data (profile, self);
      g_signal_handlers_disconnect_by_data (pu_profile_get_trust_store (profile), self);
      g_signal_handlers_disconnect_by_data (self->node, self);
    }
  g_clear_object (&self->node);
  g_clear_object (&self->skeleton);
  g_clear_object (&self->observer);
  g_clear_pointer (&self->bus_info, g_dbus_node_info_unref);

  G_OBJECT_CLASS (pu_control_parent_class)->dispose (object);
}

static void
pu_control_finalize (GObject *object)
{
  PuControl *self = PU_CONTROL (object);

  g_free (self->socket_path);

  G_OBJECT_CLASS (pu_control_parent_class)->finalize (object);
}

static void
pu_control_class_init (PuControlClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pu_control_dispose;
  object_class->finalize = pu_control_finalize;
}

static void
pu_control_init (PuControl *self)
{
  self->lock_fd = -1;
  self->clients = g_ptr_array_new_with_free_func (g_object_unref);
  self->skeleton = pu_peer_up1_skeleton_new ();
  self->observer = g_dbus_auth_observer_new ();
  g_signal_connect (self->observer, "authorize-authenticated-peer",
                    G_CALLBACK (authorize_peer_cb), NULL);
  g_signal_connect (self->observer, "allow-mechanism", G_CALLBACK (allow_mechanism_cb), NULL);
  g_signal_connect (self->skeleton, "g-authorize-method", G_CALLBACK (authorize_method_cb),
                    self);
  g_signal_connect (self->skeleton, "handle-get-status", G_CALLBACK (handle_get_status_cb),
                    self);
  g_signal_connect (self->skeleton, "handle-get-peer", G_CALLBACK (handle_get_peer_cb), self);
#define HANDLE(name, func) \
  g_signal_connect (self->skeleton, "handle-" name, G_CALLBACK (func), self)
  HANDLE ("resolve", handle_resolve_cb);
  HANDLE ("ping", handle_ping_cb);
  HANDLE ("list-services", handle_list_services_cb);
  HANDLE ("add-service", handle_add_service_cb);
  HANDLE ("remove-service", handle_remove_service_cb);
  HANDLE ("enable-service", handle_enable_service_cb);
  HANDLE ("disable-service", handle_disable_service_cb);
  HANDLE ("set-service-allowed", handle_set_service_allowed_cb);
  HANDLE ("connect", handle_connect_cb);
  HANDLE ("disconnect", handle_disconnect_cb);
  HANDLE ("list-forwards", handle_list_forwards_cb);
  HANDLE ("get-sas", handle_get_sas_cb);
  HANDLE ("verify", handle_verify_cb);
  HANDLE ("authorize", handle_authorize_cb);
  HANDLE ("deauthorize", handle_deauthorize_cb);
  HANDLE ("invite", handle_invite_cb);
  HANDLE ("join", handle_join_cb);
  HANDLE ("cancel-pairing", handle_cancel_pairing_cb);
#undef HANDLE
  self->bus_info = g_dbus_node_info_new_for_xml (bus_xml, NULL);
  self->holds = g_ptr_array_new_with_free_func ((GDestroyNotify) hold_free);
  self->pairings = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                          (GDestroyNotify) pairing_free);
}

PuControl *
pu_control_new (PuNode *node)
{
  PuControl *self;
  PuProfile *profile;

  g_return_val_if_fail (PU_IS_NODE (node), NULL);

  self = g_object_new (PU_TYPE_CONTROL, NULL);
  self->node = g_object_ref (node);
  profile = pu_node_get_profile (node);
  pu_peer_up1_set_version (self->skeleton, PU_VERSION);
  pu_peer_up1_set_peer_id (self->skeleton,
                           pu_identity_get_peer_id_string (pu_profile_get_identity (profile)));
  g_signal_connect (node, "relay-changed", G_CALLBACK (relay_changed_cb), self);
  g_signal_connect (node, "peer-changed", G_CALLBACK (peer_changed_cb), self);
  g_signal_connect (profile, "config-changed", G_CALLBACK (profile_config_changed_cb), self);
  g_signal_connect (pu_profile_get_trust_store (profile), "changed",
                    G_CALLBACK (trust_changed_cb), self);
  follow_config (self);
  self->services = g_variant_ref_sink (services_info (self->config));
  self->forwards = pu_forwards_new (node);
  g_signal_connect (self->forwards, "items-changed", G_CALLBACK (forwards_changed_cb), self);
  g_signal_connect (self->forwards, "forward-failed", G_CALLBACK (forward_failed_cb), self);
  return self;
}
