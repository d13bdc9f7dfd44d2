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
#include "pu-relay-client.h"
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
services_info (PuConfig *config)
{
  GPtrArray *services = pu_config_get_services (config);
  GVariantBuilder builder;

  g_variant_builder_init (&builder, G_VARIANT_TYPE ("aa{sv}"));
  for (guint i = 0; i < services->len; i++)
    {
      const PuService *service = services->pdata[i];
      GVariantBuilder dict = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE_VARDICT);
      g_autofree char *address = pu_service_get_address (service);
      const char * const none[] = { NULL };
      const char * const *allowed = service->allowed != NULL
                                    ? (const char * const *) service->allowed : none;

      add (&dict, "name", g_variant_new_string (service->name));
      add (&dict, "address", g_variant_new_string (address));
      add (&dict, "enabled", g_variant_new_boolean (service->enabled));
      add (&dict, "allowed", g_variant_new_strv (allowed, -1));
      g_variant_builder_add_value (&builder, g_variant_builder_end (&dict));
    }
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
    g_message ("Control: %s called %s", caller, method);
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
  g_ptr_array_remove_fast (self->clients, connection);
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
  if (!pu_control_export (self, connection, &error))
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
  if (self->node != NULL)
    g_signal_handlers_disconnect_by_data (self->node, self);
  g_clear_object (&self->node);
  g_clear_object (&self->skeleton);
  g_clear_object (&self->observer);

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
  return self;
}
