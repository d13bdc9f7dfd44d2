/* pu-application.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-application.h"

#include <glib-unix.h>
#include <glib/gi18n-lib.h>
#include <signal.h>

#include "pu-autostart.h"
#include "pu-control.h"
#include "pu-error.h"
#include "pu-invite-code.h"
#include "pu-preferences-window.h"
#include "pu-relay-host.h"
#include "pu-tray.h"
#include "pu-version.h"
#include "pu-window.h"

struct _PuApplication
{
  AdwApplication parent_instance;

  char *config_path;
  PuProfile *profile;
  GError *profile_error;
  gboolean needs_setup;

  GSettings *settings;
  GDBusConnection *connection;  /* the application's own, from dbus_register */
  PuNode *node;
  PuControl *control;
  GError *node_error;
  char *relays_key;             /* the relays the node was made with, to tell when it
                                 * must be made again */
  GHashTable *online;           /* peer ID strings with a connection */
  GHashTable *last_seen;        /* peer ID string → gint64 * (Unix seconds) */
  PuTray *tray;                 /* while the setting says so */
  guint n_pairings;             /* under way */
  PuRelayHost *relay_host;      /* while the setting says so */
  GError *relay_host_error;
  guint16 relay_host_port;      /* PU_RELAY_DEFAULT_PORT, or another for tests */

  gboolean paused;
  gboolean start_hidden;         /* --hide-window or D-Bus activation */
  gboolean activated;
  gboolean window_shown;
  gboolean held;
  guint sigterm_id;
  guint sigint_id;
};

G_DEFINE_FINAL_TYPE (PuApplication, pu_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_CONFIG_PATH,
  PROP_PROFILE,
  PROP_NODE,
  PROP_RELAY_HOST,
  PROP_RELAY_HOST_PORT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
peer_changed_cb (PuApplication  *self,
                 const PuPeerId *peer,
                 PuNode         *node)
{
  g_autofree char *id = pu_peer_id_to_string (peer);
  g_autofree char *label = NULL;
  g_autofree char *title = NULL;
  g_autoptr(GNotification) notification = NULL;
  PuNodePeerState state;
  GtkWindow *window;
  gint64 *seen = g_new (gint64, 1);

  *seen = g_get_real_time () / G_USEC_PER_SEC;
  g_hash_table_replace (self->last_seen, g_strdup (id), seen);
  if (!pu_node_get_peer_state (node, peer, &state))
    {
      g_hash_table_remove (self->online, id);
      return;
    }
  if (!g_hash_table_add (self->online, g_strdup (id)))
    return;

  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (!g_settings_get_boolean (self->settings, "notify-peers-online") ||
      (window != NULL && gtk_window_is_active (window)))
    return;

  label = pu_node_dup_peer_label (node, peer);
  /* Translators: %s is a device name. */
  title = g_strdup_printf (_("%s is online"), label);
  notification = g_notification_new (title);
  g_notification_set_body (notification, _("You can reach its services now."));
  g_notification_set_default_action_and_target (notification, "app.show-peer", "s", id);
  g_notification_add_button_with_target (notification, _("Show"), "app.show-peer", "s", id);
  g_application_send_notification (G_APPLICATION (self), "peer-online", notification);
}

void
pu_application_notify_paired (PuApplication  *self,
                              const PuPeerId *peer,
                              const char     *name)
{
  g_autofree char *id = NULL;
  g_autofree char *title = NULL;
  g_autoptr(GNotification) notification = NULL;

  g_return_if_fail (PU_IS_APPLICATION (self));
  g_return_if_fail (peer != NULL && name != NULL);

  id = pu_peer_id_to_string (peer);
  /* Translators: %s is a device name. */
  title = g_strdup_printf (_("Paired with %s"), name);
  notification = g_notification_new (title);
  g_notification_set_body (notification,
                           _("Compare the emoji on both devices to verify the pairing."));
  g_notification_set_default_action_and_target (notification, "app.show-peer", "s", id);
  g_notification_add_button_with_target (notification, _("Verify"), "app.show-peer", "s", id);
  g_application_send_notification (G_APPLICATION (self), "paired", notification);
}

/* The tray icon follows the setting and shows the running node. */
static void
update_tray (PuApplication *self)
{
  g_autoptr(GError) error = NULL;
  gboolean want = self->settings != NULL && self->connection != NULL &&
                  g_settings_get_boolean (self->settings, "show-tray-icon");

  if (!want)
    {
      g_clear_object (&self->tray);
      return;
    }
  if (self->tray == NULL)
    self->tray = pu_tray_new (self->connection, G_ACTION_GROUP (self), &error);
  if (self->tray == NULL)
    {
      g_message ("No tray icon: %s", error->message);
      return;
    }
  pu_tray_set_node (self->tray, self->node);
  pu_tray_set_pairing (self->tray, self->n_pairings > 0);
}

void
pu_application_set_pairing (PuApplication *self,
                            gboolean       pairing)
{
  g_return_if_fail (PU_IS_APPLICATION (self));
  g_return_if_fail (pairing || self->n_pairings > 0);

  self->n_pairings = pairing ? self->n_pairings + 1 : self->n_pairings - 1;
  update_tray (self);
}

static void
stop_node (PuApplication *self)
{
  if (self->node == NULL && self->node_error == NULL)
    return;
  if (self->node != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->node, self);
      pu_node_stop (self->node);
    }
  if (self->control != NULL)
    pu_forwards_close_all (pu_control_get_forwards (self->control));
  /* The control API goes first: it removes the socket and lets go of the
   * lock at once, even while a call in flight still holds a reference, so
   * the next core can take them. */
  if (self->control != NULL)
    g_object_run_dispose (G_OBJECT (self->control));
  g_clear_object (&self->control);
  g_clear_object (&self->node);
  g_clear_error (&self->node_error);
  g_clear_pointer (&self->relays_key, g_free);
  g_hash_table_remove_all (self->online);
  update_tray (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NODE]);
}

/* Runs the device's node unless paused, or says why it cannot. */
static void
start_node (PuApplication *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuNode) node = NULL;
  g_autoptr(PuControl) control = NULL;
  g_autofree char *socket_path = NULL;

  stop_node (self);
  if (self->profile == NULL || self->paused)
    return;

  self->relays_key = pu_config_dup_relays_key (pu_profile_get_config (self->profile));
  node = pu_node_new (self->profile, TRUE, &error);
  if (node != NULL)
    {
      /* Also what keeps the app and `peerup daemon` from serving one device
       * twice. */
      control = pu_control_new (node);
      socket_path = pu_control_socket_path (pu_config_get_path (pu_profile_get_config
                                                                  (self->profile)));
      if (pu_control_listen (control, socket_path, &error) && self->connection != NULL)
        pu_control_export (control, self->connection, &error);
    }
  if (error != NULL)
    {
      g_message ("The core of this device is not running: %s", error->message);
      self->node_error = g_steal_pointer (&error);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NODE]);
      return;
    }

  self->node = g_steal_pointer (&node);
  self->control = g_steal_pointer (&control);
  g_signal_connect_swapped (self->node, "peer-changed", G_CALLBACK (peer_changed_cb), self);
  pu_node_start (self->node);
  /* The settings it started with are the ones to roll back to, as for the
   * daemon. */
  if (!pu_config_archive (pu_profile_get_config (self->profile), &error))
    g_message ("Could not archive %s: %s",
               pu_config_get_path (pu_profile_get_config (self->profile)), error->message);
  update_tray (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NODE]);
}

/* A node uses the relays it was made with: new ones need a new node. */
static void
config_changed_cb (PuApplication *self)
{
  g_autofree char *key = pu_config_dup_relays_key (pu_profile_get_config (self->profile));

  if (self->node != NULL && g_strcmp0 (key, self->relays_key) != 0)
    start_node (self);
}

/* The hosted relay follows the setting, for the open device. */
static void
update_relay_host (PuApplication *self)
{
  gboolean want = self->profile != NULL && self->settings != NULL &&
                  g_settings_get_boolean (self->settings, "host-relay");

  if (want == (self->relay_host != NULL))
    return;
  g_clear_object (&self->relay_host);
  g_clear_error (&self->relay_host_error);
  if (want)
    self->relay_host = pu_relay_host_start (self->profile, self->relay_host_port,
                                            &self->relay_host_error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RELAY_HOST]);
}

PuRelayHost *
pu_application_get_relay_host (PuApplication *self)
{
  g_return_val_if_fail (PU_IS_APPLICATION (self), NULL);

  return self->relay_host;
}

const GError *
pu_application_get_relay_host_error (PuApplication *self)
{
  g_return_val_if_fail (PU_IS_APPLICATION (self), NULL);

  return self->relay_host_error;
}

static void
set_profile (PuApplication *self,
             PuProfile     *profile,
             GError        *error)
{
  if (self->profile != NULL)
    g_signal_handlers_disconnect_by_data (self->profile, self);
  g_clear_error (&self->profile_error);
  g_set_object (&self->profile, profile);
  self->profile_error = error;
  if (profile != NULL)
    g_signal_connect_swapped (profile, "config-changed", G_CALLBACK (config_changed_cb), self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROFILE]);
  start_node (self);
  update_relay_host (self);
}

gboolean
pu_application_load_profile (PuApplication  *self,
                             GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(PuProfile) profile = NULL;

  g_return_val_if_fail (PU_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  profile = pu_profile_open (self->config_path, &local_error);
  /* A device never set up is set up by the user, on the first-run page;
   * anything else (a key others can read, a broken file) is for the user to
   * fix, so it is reported and nothing is touched. */
  self->needs_setup = g_error_matches (local_error, PU_ERROR, PU_ERROR_NOT_FOUND);
  if (self->needs_setup)
    g_clear_error (&local_error);

  set_profile (self, profile, local_error != NULL ? g_error_copy (local_error) : NULL);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

gboolean
pu_application_set_up (PuApplication  *self,
                       const char     *name,
                       const char     *relay,
                       GError        **error)
{
  g_autoptr(PuProfile) profile = NULL;

  g_return_val_if_fail (PU_IS_APPLICATION (self), FALSE);
  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  profile = pu_profile_init (self->config_path, name, relay, NULL, error);
  if (profile == NULL)
    return FALSE;
  self->needs_setup = FALSE;
  set_profile (self, profile, NULL);
  return TRUE;
}

gboolean
pu_application_needs_setup (PuApplication *self)
{
  g_return_val_if_fail (PU_IS_APPLICATION (self), FALSE);

  return self->needs_setup;
}

PuProfile *
pu_application_get_profile (PuApplication *self)
{
  g_return_val_if_fail (PU_IS_APPLICATION (self), NULL);

  return self->profile;
}

const GError *
pu_application_get_profile_error (PuApplication *self)
{
  g_return_val_if_fail (PU_IS_APPLICATION (self), NULL);

  return self->profile_error;
}

PuNode *
pu_application_get_node (PuApplication *self)
{
  g_return_val_if_fail (PU_IS_APPLICATION (self), NULL);

  return self->node;
}

PuForwards *
pu_application_get_forwards (PuApplication *self)
{
  g_return_val_if_fail (PU_IS_APPLICATION (self), NULL);

  /* The control API's own: its clients see what the app opens. */
  return self->control != NULL ? pu_control_get_forwards (self->control) : NULL;
}

const GError *
pu_application_get_node_error (PuApplication *self)
{
  g_return_val_if_fail (PU_IS_APPLICATION (self), NULL);

  return self->node_error;
}

gint64
pu_application_get_last_seen (PuApplication  *self,
                              const PuPeerId *peer)
{
  g_autofree char *id = NULL;
  gint64 *seen;

  g_return_val_if_fail (PU_IS_APPLICATION (self), 0);
  g_return_val_if_fail (peer != NULL, 0);

  id = pu_peer_id_to_string (peer);
  seen = g_hash_table_lookup (self->last_seen, id);
  return seen != NULL ? *seen : 0;
}

const char *
pu_application_get_socket_path (PuApplication *self)
{
  g_return_val_if_fail (PU_IS_APPLICATION (self), NULL);

  return self->control != NULL ? pu_control_get_socket_path (self->control) : NULL;
}

const char *
pu_application_get_config_path (PuApplication *self)
{
  g_return_val_if_fail (PU_IS_APPLICATION (self), NULL);

  return self->config_path;
}

/* Running with no window: while the setting says so, and when started
 * hidden until a window was shown. */
static void
update_hold (PuApplication *self)
{
  gboolean want = g_settings_get_boolean (self->settings, "run-in-background") ||
                  (self->start_hidden && !self->window_shown);

  if (want == self->held)
    return;
  self->held = want;
  if (want)
    g_application_hold (G_APPLICATION (self));
  else
    g_application_release (G_APPLICATION (self));
}

static PuWindow *
present_window (PuApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (pu_window_new (self));
  gtk_window_present (window);
  self->window_shown = TRUE;
  update_hold (self);
  return PU_WINDOW (window);
}

static void
show_window_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  present_window (PU_APPLICATION (user_data));
}

static void
add_device_activated (GSimpleAction *action,
                      GVariant      *parameter,
                      gpointer       user_data)
{
  pu_window_add_device (present_window (PU_APPLICATION (user_data)));
}

static void
show_peer_activated (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  PuPeerId peer;

  if (!pu_peer_id_parse (g_variant_get_string (parameter, NULL), &peer, NULL))
    return;
  pu_window_show_peer (present_window (PU_APPLICATION (user_data)), &peer);
}

static void
pause_changed (GSimpleAction *action,
               GVariant      *value,
               gpointer       user_data)
{
  PuApplication *self = PU_APPLICATION (user_data);

  self->paused = g_variant_get_boolean (value);
  g_simple_action_set_state (action, value);
  start_node (self);
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  PuApplication *self = PU_APPLICATION (user_data);
  GtkWindow *preferences = pu_preferences_window_new (GTK_WINDOW (present_window (self)),
                                                      self->profile);

  gtk_window_present (preferences);
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  GList *windows;

  /* Windows hold the application: they go first. */
  while ((windows = gtk_application_get_windows (app)) != NULL)
    gtk_window_destroy (windows->data);
  g_application_quit (G_APPLICATION (app));
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  g_autofree char *debug_info = NULL;

  debug_info = g_strdup_printf ("Peer Up %s\nCommit: %s\nBuilt: %s\n"
                                "GLib %u.%u.%u\nGTK %u.%u.%u\nlibadwaita %u.%u.%u\n",
                                PU_VERSION, PU_GIT_COMMIT, PU_BUILD_DATE,
                                glib_major_version, glib_minor_version, glib_micro_version,
                                gtk_get_major_version (), gtk_get_minor_version (),
                                gtk_get_micro_version (),
                                adw_get_major_version (), adw_get_minor_version (),
                                adw_get_micro_version ());

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("Peer Up"),
                         "application-icon", PU_APP_ID,
                         "developer-name", _("The Peer Up developers"),
                         "version", PU_VERSION,
                         "comments", _("Reach your own machines from anywhere, "
                                       "with no accounts and no vendor."),
                         "copyright", _("© 2026 The Peer Up developers"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "debug-info", debug_info,
                         /* Translators: your names, one per line. */
                         "translator-credits", _("translator-credits"),
                         NULL);
}

static void
help_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);

  gtk_show_uri (gtk_application_get_active_window (app), "help:peerup", GDK_CURRENT_TIME);
}

static const GActionEntry app_actions[] = {
  { .name = "show-window", .activate = show_window_activated },
  { .name = "add-device", .activate = add_device_activated },
  { .name = "show-peer", .activate = show_peer_activated, .parameter_type = "s" },
  { .name = "pause", .state = "false", .change_state = pause_changed },
  { .name = "preferences", .activate = preferences_activated },
  { .name = "quit", .activate = quit_activated },
  { .name = "about", .activate = about_activated },
  { .name = "help", .activate = help_activated },
};

/* The session ending (SIGTERM) or Ctrl+C stop the core as Quit does. */
static gboolean
quit_signal_cb (gpointer user_data)
{
  g_action_group_activate_action (G_ACTION_GROUP (user_data), "quit", NULL);
  return G_SOURCE_CONTINUE;
}

static void
start_at_login_changed_cb (PuApplication *self)
{
  g_autoptr(GError) error = NULL;

  if (!pu_autostart_set (g_settings_get_boolean (self->settings, "start-at-login"), &error))
    g_message ("%s", error->message);
}

static void
pu_application_startup (GApplication *application)
{
  PuApplication *self = PU_APPLICATION (application);
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *help_accels[] = { "F1", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  static const char *add_device_accels[] = { "<Control>n", NULL };

  G_APPLICATION_CLASS (pu_application_parent_class)->startup (application);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.help", help_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences",
                                         preferences_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.add-device",
                                         add_device_accels);
  gtk_window_set_default_icon_name (PU_APP_ID);
  self->sigterm_id = g_unix_signal_add (SIGTERM, quit_signal_cb, self);
  self->sigint_id = g_unix_signal_add (SIGINT, quit_signal_cb, self);

  self->settings = g_settings_new (PU_APP_ID);
  g_signal_connect_swapped (self->settings, "changed::run-in-background",
                            G_CALLBACK (update_hold), self);
  g_signal_connect_swapped (self->settings, "changed::start-at-login",
                            G_CALLBACK (start_at_login_changed_cb), self);
  g_signal_connect_swapped (self->settings, "changed::show-tray-icon",
                            G_CALLBACK (update_tray), self);
  g_signal_connect_swapped (self->settings, "changed::host-relay",
                            G_CALLBACK (update_relay_host), self);
  /* Started for the node alone (D-Bus activation): no window unless asked. */
  if (g_application_get_flags (application) & G_APPLICATION_IS_SERVICE)
    self->start_hidden = self->activated = TRUE;
  update_hold (self);

  /* Failures are shown by the window, which offers to try again. */
  pu_application_load_profile (self, NULL);
  update_tray (self);
}

static void
pu_application_shutdown (GApplication *application)
{
  PuApplication *self = PU_APPLICATION (application);

  stop_node (self);
  g_clear_object (&self->relay_host);
  g_clear_object (&self->tray);
  g_clear_handle_id (&self->sigterm_id, g_source_remove);
  g_clear_handle_id (&self->sigint_id, g_source_remove);

  G_APPLICATION_CLASS (pu_application_parent_class)->shutdown (application);
}

static void
pu_application_activate (GApplication *application)
{
  PuApplication *self = PU_APPLICATION (application);

  /* --hide-window: the activation of the start itself shows nothing. */
  if (self->start_hidden && !self->activated)
    {
      self->activated = TRUE;
      return;
    }
  self->activated = TRUE;
  present_window (self);
}

/* A peerup: link (scanned or clicked) opens the join flow with its code; on
 * a device not set up yet, the first run with the code filled in. */
static void
pu_application_open (GApplication  *application,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  PuApplication *self = PU_APPLICATION (application);

  self->activated = TRUE;
  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *uri = g_file_get_uri (files[i]);

      if (g_str_has_prefix (uri, PU_INVITE_URI_SCHEME))
        pu_window_join (present_window (self), uri);
      else
        g_message ("Not a Peer Up link, ignored: %s", uri);
    }
}

static gboolean
pu_application_dbus_register (GApplication     *application,
                              GDBusConnection  *connection,
                              const char       *object_path,
                              GError          **error)
{
  PuApplication *self = PU_APPLICATION (application);

  if (!G_APPLICATION_CLASS (pu_application_parent_class)->dbus_register (application,
                                                                         connection,
                                                                         object_path, error))
    return FALSE;
  g_set_object (&self->connection, connection);
  return TRUE;
}

static void
pu_application_dbus_unregister (GApplication    *application,
                                GDBusConnection *connection,
                                const char      *object_path)
{
  PuApplication *self = PU_APPLICATION (application);

  g_clear_object (&self->connection);
  G_APPLICATION_CLASS (pu_application_parent_class)->dbus_unregister (application, connection,
                                                                      object_path);
}

static int
pu_application_handle_local_options (GApplication *application,
                                     GVariantDict *options)
{
  PuApplication *self = PU_APPLICATION (application);
  const char *config_path = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("peerup-desktop %s (commit %s, built %s)\n",
               PU_VERSION, PU_GIT_COMMIT, PU_BUILD_DATE);
      return 0;
    }
  if (g_variant_dict_contains (options, "hide-window"))
    self->start_hidden = TRUE;

  /* Another config.ini is another device: it gets its own instance instead
   * of activating the one already running. */
  if (g_variant_dict_lookup (options, "config", "^&ay", &config_path))
    {
      g_object_set (self, "config-path", config_path, NULL);
      g_application_set_flags (application,
                               g_application_get_flags (application)
                               | G_APPLICATION_NON_UNIQUE);
    }

  return -1;
}

static void
pu_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  PuApplication *self = PU_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_CONFIG_PATH:
      g_value_set_string (value, self->config_path);
      break;
    case PROP_PROFILE:
      g_value_set_object (value, self->profile);
      break;
    case PROP_NODE:
      g_value_set_object (value, self->node);
      break;
    case PROP_RELAY_HOST:
      g_value_set_object (value, self->relay_host);
      break;
    case PROP_RELAY_HOST_PORT:
      g_value_set_uint (value, self->relay_host_port);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pu_application_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  PuApplication *self = PU_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_CONFIG_PATH:
      g_free (self->config_path);
      self->config_path = g_value_dup_string (value);
      break;
    case PROP_RELAY_HOST_PORT:
      self->relay_host_port = (guint16) g_value_get_uint (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pu_application_finalize (GObject *object)
{
  PuApplication *self = PU_APPLICATION (object);

  g_clear_pointer (&self->config_path, g_free);
  g_clear_object (&self->profile);
  g_clear_error (&self->profile_error);
  g_clear_object (&self->control);
  g_clear_object (&self->node);
  g_clear_error (&self->node_error);
  g_clear_pointer (&self->relays_key, g_free);
  g_clear_pointer (&self->online, g_hash_table_unref);
  g_clear_pointer (&self->last_seen, g_hash_table_unref);
  g_clear_object (&self->tray);
  g_clear_object (&self->relay_host);
  g_clear_error (&self->relay_host_error);
  g_clear_object (&self->connection);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (pu_application_parent_class)->finalize (object);
}

static void
pu_application_class_init (PuApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->get_property = pu_application_get_property;
  object_class->set_property = pu_application_set_property;
  object_class->finalize = pu_application_finalize;

  app_class->startup = pu_application_startup;
  app_class->shutdown = pu_application_shutdown;
  app_class->activate = pu_application_activate;
  app_class->open = pu_application_open;
  app_class->handle_local_options = pu_application_handle_local_options;
  app_class->dbus_register = pu_application_dbus_register;
  app_class->dbus_unregister = pu_application_dbus_unregister;

  /* Set before startup (--config, or a test); later changes apply on the
   * next pu_application_load_profile(). */
  properties[PROP_CONFIG_PATH] =
    g_param_spec_string ("config-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROFILE] =
    g_param_spec_object ("profile", NULL, NULL, PU_TYPE_PROFILE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NODE] =
    g_param_spec_object ("node", NULL, NULL, PU_TYPE_NODE,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_RELAY_HOST] =
    g_param_spec_object ("relay-host", NULL, NULL, PU_TYPE_RELAY_HOST,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /* Where a hosted relay listens; 0 picks a free port (tests). */
  properties[PROP_RELAY_HOST_PORT] =
    g_param_spec_uint ("relay-host-port", NULL, NULL, 0, G_MAXUINT16, PU_RELAY_DEFAULT_PORT,
                       G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
pu_application_init (PuApplication *self)
{
  static const GOptionEntry options[] = {
    { "config", 'c', G_OPTION_FLAG_NONE, G_OPTION_ARG_FILENAME, NULL,
      N_("Use this config.ini instead of the default one"), N_("FILE") },
    { "hide-window", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
      N_("Start in the background, without a window"), NULL },
    { "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
      N_("Show the version and exit"), NULL },
    { NULL }
  };

  self->online = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->last_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_application_add_main_option_entries (G_APPLICATION (self), options);
}

PuApplication *
pu_application_new (void)
{
  return g_object_new (PU_TYPE_APPLICATION,
                       "application-id", PU_APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", "/dev/peerup/PeerUp",
                       NULL);
}
