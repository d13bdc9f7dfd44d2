/* test-app.c — the desktop application and its window, in-process
 *
 * Needs a display (run under xvfb-run); skipped without one. Runs on a
 * private session bus, in-memory GSettings and a temporary config home, so
 * it never touches the user's own device or a running Peer Up.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <adwaita.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>

#include "pu-access-dialog.h"
#include "pu-add-device-window.h"
#include "pu-application.h"
#include "pu-autostart.h"
#include "pu-control.h"
#include "pu-edit.h"
#include "pu-error.h"
#include "pu-file.h"
#include "pu-identity.h"
#include "pu-pair-session.h"
#include "pu-peer-page.h"
#include "pu-peer-row.h"
#include "pu-relay-row.h"
#include "pu-preferences-window.h"
#include "pu-qr-paintable.h"
#include "pu-sas.h"
#include "pu-sas-dialog.h"
#include "pu-service-dialog.h"
#include "pu-service-row.h"
#include "pu-setup-page.h"
#include "pu-test-relay.h"
#include "pu-status-notifier.h"
#include "pu-tray.h"
#include "pu-test-util.h"
#include "pu-time.h"
#include "pu-window.h"

/* A guard against hanging, not a measure: a loaded machine under ASan is slow. */
#define WAIT_SECONDS 60
#define DAY (24 * 60 * 60)

static char *config_home;
/* Stopped but never freed: GTK keeps the session bus connection for the life
 * of the process, and g_test_dbus_down() would wait for it to go away. */
static GTestDBus *test_bus;

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main context until @done says so, failing after WAIT_SECONDS. */
static void
wait_until (gboolean (*done) (gconstpointer data),
            gconstpointer data)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (WAIT_SECONDS, timeout_cb, &timed_out);

  while (!done (data) && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
}

static gboolean
pointer_is_null (gconstpointer data)
{
  return *(const gpointer *) data == NULL;
}

static gboolean
pointer_is_set (gconstpointer data)
{
  return *(const gpointer *) data != NULL;
}

static gboolean
widget_is_mapped (gconstpointer data)
{
  return gtk_widget_get_mapped (GTK_WIDGET (data));
}

typedef void (*AppTestFunc) (PuApplication *app,
                             PuWindow      *window);

static gboolean body_ran;

static gboolean
run_body_cb (gpointer user_data)
{
  PuApplication *app = user_data;
  AppTestFunc body = g_object_get_data (G_OBJECT (app), "test-body");
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  g_assert_false (g_application_get_is_remote (G_APPLICATION (app)));
  g_assert_true (PU_IS_WINDOW (window));
  body (app, PU_WINDOW (window));
  body_ran = TRUE;

  /* The app runs in the background by default: Quit ends it. */
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  return G_SOURCE_REMOVE;
}

static void
activate_cb (PuApplication *app)
{
  g_idle_add (run_body_cb, app);
}

/* Runs the application for real (startup, activate, shutdown), with
 * `--config @config_path` unless it is NULL, and calls @body once its window
 * is up; the application must be gone after, so the next test owns the bus
 * name again. */
static void
run_app (const char  *config_path,
         AppTestFunc  body)
{
  PuApplication *app = pu_application_new ();
  char *argv[] = { (char *) "peerup-desktop", (char *) "--config", (char *) config_path, NULL };
  int argc = config_path != NULL ? 3 : 1;

  g_object_set_data (G_OBJECT (app), "test-body", body);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), NULL);
  body_ran = FALSE;
  g_assert_cmpint (g_application_run (G_APPLICATION (app), argc, argv), ==, 0);
  g_assert_true (body_ran);

  g_object_add_weak_pointer (G_OBJECT (app), (gpointer *) &app);
  g_object_unref (app);
  wait_until (pointer_is_null, &app);
}

static gpointer
template_child (PuWindow   *window,
                const char *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (window), PU_TYPE_WINDOW, name);

  g_assert_nonnull (child);
  return child;
}

static const char *
visible_page (PuWindow *window)
{
  return gtk_stack_get_visible_child_name (template_child (window, "stack"));
}

static void
read_text_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  char **text = user_data;
  g_autoptr(GError) error = NULL;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);
  g_assert_no_error (error);
}

static char *
read_clipboard (PuWindow *window)
{
  GdkClipboard *clipboard = gtk_widget_get_clipboard (GTK_WIDGET (window));
  char *text = NULL;

  gdk_clipboard_read_text_async (clipboard, NULL, read_text_cb, &text);
  wait_until (pointer_is_set, &text);
  return text;
}

static void
clear_clipboard (PuWindow *window)
{
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (window)), "");
}

static char *
peer_id_from_key_file (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "identity.key", NULL);
  g_autoptr(PuIdentity) identity = pu_identity_load (path, &error);

  g_assert_no_error (error);
  return g_strdup (pu_identity_get_peer_id_string (identity));
}

static char *
default_dir (void)
{
  return g_build_filename (config_home, "peerup", NULL);
}

static void
assert_shows_peer_id (PuWindow   *window,
                      const char *peer_id)
{
  g_assert_cmpstr (visible_page (window), ==, "device");
  g_assert_cmpstr (gtk_label_get_label (template_child (window, "peer_id_label")), ==, peer_id);
  g_assert_true (gtk_widget_get_sensitive (template_child (window, "copy_button")));
}

static gpointer
widget_child (GtkWidget  *widget,
              GType       type,
              const char *name)
{
  GObject *child = gtk_widget_get_template_child (widget, type, name);

  g_assert_nonnull (child);
  return child;
}

static void
set_text (gpointer    editable,
          const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (editable), text);
}

static void
connected_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  PuPeerUp1 **proxy = user_data;
  g_autoptr(GError) error = NULL;

  *proxy = pu_control_socket_connect_finish (result, &error);
  g_assert_no_error (error);
}

static void
got_property_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GVariant **reply = user_data;
  g_autoptr(GError) error = NULL;

  *reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  g_assert_no_error (error);
}

/* A string property of @interface at @path of @name (nullable: a peer
 * connection) on @connection, asked without blocking the process. */
static char *
get_string_property (GDBusConnection *connection,
                     const char      *name,
                     const char      *path,
                     const char      *interface,
                     const char      *property)
{
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) value = NULL;

  g_dbus_connection_call (connection, name, path, "org.freedesktop.DBus.Properties", "Get",
                          g_variant_new ("(ss)", interface, property),
                          G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                          got_property_cb, &reply);
  wait_until (pointer_is_set, &reply);
  g_variant_get (reply, "(v)", &value);
  return g_variant_dup_string (value, NULL);
}

static char *
get_peer_id_property (GDBusConnection *connection,
                      const char      *name)
{
  return get_string_property (connection, name, PU_CONTROL_OBJECT_PATH, "dev.peerup.PeerUp1",
                              "PeerId");
}

/* The tray icon's status: "Active", or "NeedsAttention" while pairing. */
static char *
tray_status (PuApplication *app)
{
  GDBusConnection *bus = g_application_get_dbus_connection (G_APPLICATION (app));

  return get_string_property (bus, g_dbus_connection_get_unique_name (bus),
                              PU_STATUS_NOTIFIER_OBJECT_PATH, "org.kde.StatusNotifierItem",
                              "Status");
}

/* The control API of @app's core answers on its private socket and on the
 * app's own D-Bus connection, with this device's peer ID. */
static void
assert_control_api (PuApplication *app,
                    const char    *peer_id)
{
  g_autoptr(PuPeerUp1) proxy = NULL;
  g_autofree char *on_socket = NULL;
  g_autofree char *on_bus = NULL;
  GDBusConnection *bus = g_application_get_dbus_connection (G_APPLICATION (app));

  g_assert_nonnull (pu_application_get_socket_path (app));
  pu_control_socket_connect_async (pu_application_get_socket_path (app), NULL, connected_cb,
                                   &proxy);
  wait_until (pointer_is_set, &proxy);
  on_socket = get_peer_id_property (g_dbus_proxy_get_connection (G_DBUS_PROXY (proxy)), NULL);
  g_assert_cmpstr (on_socket, ==, peer_id);

  on_bus = get_peer_id_property (bus, g_dbus_connection_get_unique_name (bus));
  g_assert_cmpstr (on_bus, ==, peer_id);
}

static void
first_start (PuApplication *app,
             PuWindow      *window)
{
  g_autofree char *dir = default_dir ();
  /* What `peerup init` makes. */
  static const char *files[] = { "identity.key", "config.ini", "authorized_keys" };
  g_autofree char *peer_id = NULL;
  g_autofree char *name = NULL;
  g_auto(GStrv) archives = NULL;
  GtkWidget *setup = template_child (window, "setup_page");
  GStatBuf st;

  /* Nothing is made before the user says what to call the device. */
  g_assert_cmpstr (visible_page (window), ==, "setup");
  g_assert_true (pu_application_needs_setup (app));
  g_assert_null (pu_application_get_node (app));
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));

  set_text (widget_child (setup, PU_TYPE_SETUP_PAGE, "name_row"), "Not A Label");
  g_assert_true (gtk_widget_get_visible (widget_child (setup, PU_TYPE_SETUP_PAGE,
                                                       "error_label")));
  g_assert_false (gtk_widget_activate_action (setup, "setup.set-up", NULL) &&
                  g_file_test (dir, G_FILE_TEST_EXISTS));
  set_text (widget_child (setup, PU_TYPE_SETUP_PAGE, "name_row"), "desk");
  /* What Enter in the name does. */
  g_signal_emit_by_name (widget_child (setup, PU_TYPE_SETUP_PAGE, "name_row"),
                         "entry-activated");

  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = g_build_filename (dir, files[i], NULL);

      g_assert_cmpint (g_stat (path, &st), ==, 0);
      g_assert_cmpint (st.st_mode & 0777, ==, 0600);
    }
  peer_id = peer_id_from_key_file (dir);
  assert_shows_peer_id (window, peer_id);
  g_assert_null (pu_application_get_config_path (app));

  name = pu_profile_dup_device_name (pu_application_get_profile (app));
  g_assert_cmpstr (name, ==, "desk");
  g_assert_cmpstr (adw_status_page_get_title (template_child (window, "device_page")), ==, name);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (window)));

  /* The core runs in the app from now on, and keeps the config it started
   * with to roll back to. */
  g_assert_nonnull (pu_application_get_node (app));
  archives = pu_config_list_archives (pu_config_get_path (pu_profile_get_config
                                                            (pu_application_get_profile (app))));
  g_assert_cmpuint (g_strv_length (archives), ==, 1);
  assert_control_api (app, peer_id);

  /* No relay yet: the page says so. */
  g_assert_true (gtk_widget_get_visible (template_child (window, "relay_empty")));
}

/* A first start sets the device up in $XDG_CONFIG_HOME/peerup and shows it. */
static void
test_first_start (void)
{
  g_autofree char *dir = default_dir ();

  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  run_app (NULL, first_start);
}

/* A device set up before, in the default place. */
static void
set_up_default_device (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = pu_profile_open (NULL, NULL);

  if (profile == NULL)
    profile = pu_profile_init (NULL, "desk", NULL, NULL, &error);
  g_assert_no_error (error);
}

static char *second_start_peer_id;

static void
second_start (PuApplication *app,
              PuWindow      *window)
{
  assert_shows_peer_id (window, second_start_peer_id);
  assert_control_api (app, second_start_peer_id);
}

/* Another start opens the device set up before. */
static void
test_second_start (void)
{
  g_autofree char *dir = default_dir ();
  g_autofree char *after = NULL;

  second_start_peer_id = peer_id_from_key_file (dir);
  run_app (NULL, second_start);
  after = peer_id_from_key_file (dir);
  g_assert_cmpstr (after, ==, second_start_peer_id);
  g_clear_pointer (&second_start_peer_id, g_free);
}

static void
copy_peer_id (PuApplication *app,
              PuWindow      *window)
{
  g_autofree char *dir = default_dir ();
  g_autofree char *peer_id = peer_id_from_key_file (dir);
  g_autofree char *copied = NULL;

  clear_clipboard (window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.copy-peer-id", NULL));
  copied = read_clipboard (window);
  g_assert_cmpstr (copied, ==, peer_id);
}

static void
test_copy_peer_id (void)
{
  set_up_default_device ();
  run_app (NULL, copy_peer_id);
}

static void
remember_widget_cb (GtkWidget  *widget,
                    GtkWidget **out)
{
  *out = widget;
}

/* Shows the page @name of the window's view stack: only its widgets work. */
static void
show_view (PuWindow   *window,
           const char *name)
{
  adw_view_stack_set_visible_child_name (template_child (window, "view_stack"), name);
  wait_until (widget_is_mapped, adw_view_stack_get_visible_child (template_child (window,
                                                                                 "view_stack")));
}

/* On This Device, Tab goes from the peer ID to the copy button, and
 * activating it (what Enter does) copies. */
static void
copy_with_keyboard (PuApplication *app,
                    PuWindow      *window)
{
  g_autofree char *dir = default_dir ();
  g_autofree char *peer_id = peer_id_from_key_file (dir);
  g_autofree char *copied = NULL;
  GtkWidget *peer_id_label = template_child (window, "peer_id_label");
  GtkWidget *copy_button = template_child (window, "copy_button");
  GtkWidget *clicked = NULL;

  wait_until (widget_is_mapped, window);
  show_view (window, "this-device");
  g_assert_true (gtk_widget_grab_focus (peer_id_label));
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD));
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (window)) == copy_button);

  /* A button activated from the keyboard shows itself pressed for a moment
   * before it clicks. */
  clear_clipboard (window);
  g_signal_connect (copy_button, "clicked", G_CALLBACK (remember_widget_cb), &clicked);
  g_assert_true (gtk_widget_activate (copy_button));
  wait_until (pointer_is_set, &clicked);
  copied = read_clipboard (window);
  g_assert_cmpstr (copied, ==, peer_id);
}

static void
test_copy_with_keyboard (void)
{
  set_up_default_device ();
  run_app (NULL, copy_with_keyboard);
}

static char *permissions_dir;
static const char *permissions_config_path;
static const char *permissions_peer_id;

static void
key_permissions (PuApplication *app,
                 PuWindow      *window)
{
  g_autofree char *key_path = g_build_filename (permissions_dir, "identity.key", NULL);
  const char *message;

  g_assert_cmpstr (pu_application_get_config_path (app), ==, permissions_config_path);
  g_assert_null (pu_application_get_profile (app));
  g_assert_error (pu_application_get_profile_error (app), PU_ERROR, PU_ERROR_PERMISSIONS);
  g_assert_cmpstr (visible_page (window), ==, "error");
  message = gtk_label_get_label (template_child (window, "error_label"));
  g_assert_nonnull (message);
  g_assert_nonnull (strstr (message, "chmod 600"));
  g_assert_nonnull (strstr (message, key_path));
  g_assert_false (gtk_widget_get_sensitive (template_child (window, "copy_button")));

  /* Fixed by the user: "Try Again" opens the same key, set up the rest. */
  g_assert_cmpint (g_chmod (key_path, 0600), ==, 0);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.retry", NULL));
  assert_shows_peer_id (window, permissions_peer_id);
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (window)) ==
                 template_child (window, "add_button"));
  g_assert_false (gtk_label_get_selection_bounds (template_child (window, "peer_id_label"),
                                                  NULL, NULL));
  g_assert_nonnull (pu_application_get_profile (app));
  g_assert_null (pu_application_get_profile_error (app));
}

/* A key file others can read is refused with the fix and nothing replaced;
 * once the file is private, "Try Again" opens the device. */
static void
test_key_permissions (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuIdentity) identity = pu_identity_generate ();
  g_autofree char *key_path = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *after = NULL;
  g_autoptr(PuConfig) config = NULL;

  permissions_peer_id = pu_identity_get_peer_id_string (identity);
  permissions_dir = pu_test_make_tmpdir ();
  key_path = g_build_filename (permissions_dir, "identity.key", NULL);
  config_path = g_build_filename (permissions_dir, "config.ini", NULL);
  pu_identity_save (identity, key_path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (key_path, 0644), ==, 0);
  config = pu_config_new (config_path);
  pu_config_save (config, &error);
  g_assert_no_error (error);

  permissions_config_path = config_path;
  run_app (config_path, key_permissions);
  permissions_config_path = NULL;

  after = peer_id_from_key_file (permissions_dir);
  g_assert_cmpstr (after, ==, permissions_peer_id);
  permissions_peer_id = NULL;
  pu_test_remove_tree (permissions_dir);
  g_clear_pointer (&permissions_dir, g_free);
}

static guint
count_rows (GtkListBox *list)
{
  guint n = 0;

  while (gtk_list_box_get_row_at_index (list, (int) n) != NULL)
    n++;
  return n;
}

static AdwActionRow *
row_at (PuWindow   *window,
        const char *list,
        int         index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (template_child (window, list), index);

  g_assert_true (ADW_IS_ACTION_ROW (row));
  return ADW_ACTION_ROW (row);
}

static const char *
row_title (AdwActionRow *row)
{
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
}

static gpointer
row_child (AdwActionRow *row,
           GType         type,
           const char   *name)
{
  GObject *child = gtk_widget_get_template_child (GTK_WIDGET (row), type, name);

  g_assert_nonnull (child);
  return child;
}

typedef struct {
  GtkListBox *list;
  guint       rows;
} RowCount;

static gboolean
has_rows (gconstpointer data)
{
  const RowCount *count = data;

  return count_rows (count->list) == count->rows;
}

/* Waits until the list @name of @window has @rows rows. */
static void
wait_for_rows (PuWindow   *window,
               const char *name,
               guint       rows)
{
  RowCount count = { template_child (window, name), rows };

  wait_until (has_rows, &count);
}

/* A device with one relay, two authorized peers (a named, verified one that
 * expires in three days, and an expired one) and one service for the first. */
typedef struct {
  char *dir;
  char *config_path;
  char *relay_id;
  char *laptop_id;
  char *phone_id;
  char *tablet_id;
} Device;

static Device device;

static char *
new_peer_id (void)
{
  g_autoptr(PuIdentity) identity = pu_identity_generate ();

  return g_strdup (pu_identity_get_peer_id_string (identity));
}

static void
device_set_up (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  g_autofree char *relay = NULL;
  g_autofree char *keys_path = NULL;
  g_autofree char *keys = NULL;
  g_autofree char *expires = NULL;
  const char *laptop_only[] = { "laptop", NULL };
  PuConfig *config;
  PuPeerId laptop;

  device.dir = pu_test_make_tmpdir ();
  device.config_path = g_build_filename (device.dir, "config.ini", NULL);
  device.relay_id = new_peer_id ();
  device.laptop_id = new_peer_id ();
  device.phone_id = new_peer_id ();
  device.tablet_id = new_peer_id ();

  relay = g_strdup_printf ("/ip4/203.0.113.5/tcp/7777/p2p/%s", device.relay_id);
  profile = pu_profile_init (device.config_path, "home", relay, NULL, &error);
  g_assert_no_error (error);
  config = pu_profile_get_config (profile);
  pu_peer_id_parse (device.laptop_id, &laptop, &error);
  pu_config_set_name (config, "laptop", &laptop, &error);
  pu_config_add_service (config, "ssh", "127.0.0.1:22", &error);
  pu_config_set_service_allowed (config, "ssh", laptop_only, &error);
  pu_config_save (config, &error);
  g_assert_no_error (error);

  expires = pu_time_format_rfc3339 (g_get_real_time () / G_USEC_PER_SEC + 3 * DAY);
  keys = g_strdup_printf ("%s expires=%s verified=sha256:0123abcd # Anna's laptop\n"
                          "%s expires=2020-01-01T00:00:00Z\n",
                          device.laptop_id, expires, device.phone_id);
  keys_path = g_build_filename (device.dir, "authorized_keys", NULL);
  pu_file_write_atomic (keys_path, keys, strlen (keys), 0600, &error);
  g_assert_no_error (error);
}

static void
device_tear_down (void)
{
  pu_test_remove_tree (device.dir);
  g_clear_pointer (&device.dir, g_free);
  g_clear_pointer (&device.config_path, g_free);
  g_clear_pointer (&device.relay_id, g_free);
  g_clear_pointer (&device.laptop_id, g_free);
  g_clear_pointer (&device.phone_id, g_free);
  g_clear_pointer (&device.tablet_id, g_free);
}

static char *
short_id (const char *peer_id)
{
  PuPeerId peer;

  g_assert_true (pu_peer_id_parse (peer_id, &peer, NULL));
  return pu_peer_id_to_short (&peer);
}

static void
assert_copies (PuWindow     *window,
               AdwActionRow *row,
               GType         type,
               const char   *expected)
{
  GtkWidget *button = row_child (row, type, "copy_button");
  g_autofree char *copied = NULL;
  GtkWidget *clicked = NULL;
  gulong handler;

  clear_clipboard (window);
  handler = g_signal_connect (button, "clicked", G_CALLBACK (remember_widget_cb), &clicked);
  g_assert_true (gtk_widget_activate (button));
  wait_until (pointer_is_set, &clicked);
  g_signal_handler_disconnect (button, handler);
  copied = read_clipboard (window);
  g_assert_cmpstr (copied, ==, expected);
}

static void
assert_device_rows (PuWindow *window)
{
  g_autofree char *relay_short = short_id (device.relay_id);
  g_autofree char *pinned = g_strdup_printf ("Pinned to %s", relay_short);
  g_autofree char *laptop_short = short_id (device.laptop_id);
  g_autofree char *laptop_subtitle = g_strdup_printf ("%s\nAnna's laptop", laptop_short);
  g_autofree char *phone_short = short_id (device.phone_id);
  AdwActionRow *row;
  GtkWidget *label;

  g_assert_cmpuint (count_rows (template_child (window, "relay_list")), ==, 1);
  row = row_at (window, "relay_list", 0);
  g_assert_true (PU_IS_RELAY_ROW (row));
  g_assert_cmpstr (row_title (row), ==, "203.0.113.5:7777");
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, pinned);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (row)), ==, device.relay_id);
  show_view (window, "this-device");
  assert_copies (window, row, PU_TYPE_RELAY_ROW, device.relay_id);
  g_assert_false (gtk_widget_get_visible (template_child (window, "relay_empty")));

  g_assert_cmpuint (count_rows (template_child (window, "peer_list")), ==, 2);
  row = row_at (window, "peer_list", 0);
  g_assert_true (PU_IS_PEER_ROW (row));
  g_assert_cmpstr (row_title (row), ==, "laptop");
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, laptop_subtitle);
  label = row_child (row, PU_TYPE_PEER_ROW, "verified_label");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, "Verified");
  g_assert_true (gtk_widget_has_css_class (label, "success"));
  label = row_child (row, PU_TYPE_PEER_ROW, "expiry_label");
  g_assert_true (gtk_widget_get_visible (label));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, "Expires in 3 days");
  g_assert_false (gtk_widget_has_css_class (label, "error"));
  show_view (window, "peers");
  assert_copies (window, row, PU_TYPE_PEER_ROW, device.laptop_id);

  row = row_at (window, "peer_list", 1);
  g_assert_cmpstr (row_title (row), ==, phone_short);
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (GTK_WIDGET (row)), ==, device.phone_id);
  label = row_child (row, PU_TYPE_PEER_ROW, "verified_label");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, "Unverified");
  label = row_child (row, PU_TYPE_PEER_ROW, "expiry_label");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (label)), ==, "Expired");
  g_assert_true (gtk_widget_has_css_class (label, "error"));
  g_assert_false (gtk_widget_get_visible (template_child (window, "peer_empty")));

  g_assert_cmpuint (count_rows (template_child (window, "service_list")), ==, 1);
  row = row_at (window, "service_list", 0);
  g_assert_true (PU_IS_SERVICE_ROW (row));
  g_assert_cmpstr (row_title (row), ==, "ssh");
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "127.0.0.1:22\nOnly laptop");
  g_assert_true (gtk_switch_get_active (row_child (row, PU_TYPE_SERVICE_ROW, "enabled_switch")));
  g_assert_false (gtk_widget_get_visible (template_child (window, "service_empty")));
}

static gboolean
third_device_is_tablet (gconstpointer data)
{
  PuWindow *window = PU_WINDOW ((gpointer) data);
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (template_child (window, "peer_list"), 2);

  return row != NULL && g_strcmp0 (row_title (ADW_ACTION_ROW (row)), "tablet") == 0;
}

/* Other processes (`peerup auth add`, `peerup service add`) change the files:
 * the window follows without a restart. */
static void
live_updates (PuApplication *app,
              PuWindow      *window)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuTrustStore) trust = NULL;
  g_autoptr(PuConfig) config = NULL;
  g_autofree char *keys_path = g_build_filename (device.dir, "authorized_keys", NULL);
  g_autofree char *tablet_short = short_id (device.tablet_id);
  AdwActionRow *row;
  PuPeerId tablet;

  assert_device_rows (window);

  trust = pu_trust_store_new (keys_path, &error);
  g_assert_no_error (error);
  pu_peer_id_parse (device.tablet_id, &tablet, &error);
  pu_trust_store_add (trust, &tablet, "Borrowed tablet", 0, &error);
  g_assert_no_error (error);
  wait_for_rows (window, "peer_list", 3);
  row = row_at (window, "peer_list", 2);
  g_assert_cmpstr (row_title (row), ==, tablet_short);
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "Borrowed tablet");
  g_assert_false (gtk_widget_get_visible (row_child (row, PU_TYPE_PEER_ROW, "expiry_label")));

  config = pu_config_load (device.config_path, &error);
  g_assert_no_error (error);
  pu_config_add_service (config, "web", "127.0.0.1:8080", &error);
  pu_config_set_service_enabled (config, "web", FALSE, &error);
  pu_config_save (config, &error);
  g_assert_no_error (error);
  wait_for_rows (window, "service_list", 2);
  row = row_at (window, "service_list", 1);
  g_assert_cmpstr (row_title (row), ==, "web");
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==,
                   "127.0.0.1:8080\nAll authorized devices");
  g_assert_false (gtk_switch_get_active (row_child (row, PU_TYPE_SERVICE_ROW,
                                                  "enabled_switch")));

  /* Names live in config.ini: a new one renames the tablet's row, and this
   * device's own name is its title. */
  pu_config_set_name (config, "tablet", &tablet, &error);
  pu_config_set_device_name (config, "desk", &error);
  pu_config_save (config, &error);
  g_assert_no_error (error);
  wait_until (third_device_is_tablet, window);
  g_assert_cmpstr (adw_status_page_get_title (template_child (window, "device_page")), ==,
                   "desk");
}

static void
test_live_updates (void)
{
  device_set_up ();
  run_app (device.config_path, live_updates);
  device_tear_down ();
}

/* The arrows move between the devices; activating one (Enter) opens its
 * page and Alt+Left (win.back) comes back; a list that changes keeps the
 * keyboard at the same place. */
static void
keyboard (PuApplication *app,
          PuWindow      *window)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuTrustStore) trust = NULL;
  g_autofree char *keys_path = g_build_filename (device.dir, "authorized_keys", NULL);
  AdwLeaflet *leaflet = template_child (window, "peers_leaflet");
  GtkWidget *page = template_child (window, "peer_page");
  GtkWidget *title;
  PuPeerId tablet;

  wait_until (widget_is_mapped, window);
  gtk_widget_grab_focus (GTK_WIDGET (row_at (window, "peer_list", 0)));
  g_signal_emit_by_name (template_child (window, "peer_list"), "move-cursor",
                         GTK_MOVEMENT_DISPLAY_LINES, 1, FALSE, FALSE);
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (window)) ==
                 GTK_WIDGET (row_at (window, "peer_list", 1)));

  trust = pu_trust_store_new (keys_path, &error);
  g_assert_no_error (error);
  pu_peer_id_parse (device.tablet_id, &tablet, &error);
  pu_trust_store_add (trust, &tablet, NULL, 0, &error);
  g_assert_no_error (error);
  wait_for_rows (window, "peer_list", 3);
  g_assert_true (gtk_window_get_focus (GTK_WINDOW (window)) ==
                 GTK_WIDGET (row_at (window, "peer_list", 1)));

  gtk_widget_grab_focus (GTK_WIDGET (row_at (window, "peer_list", 0)));
  g_signal_emit_by_name (row_at (window, "peer_list", 0), "activate");
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "detail");
  title = widget_child (page, PU_TYPE_PEER_PAGE, "title_label");
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (title)), ==, "laptop");
  g_assert_true (gtk_widget_get_visible (template_child (window, "back_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL));
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (leaflet), ==, "list");
  g_assert_false (gtk_widget_get_visible (template_child (window, "back_button")));
}

static void
test_keyboard (void)
{
  device_set_up ();
  run_app (device.config_path, keyboard);
  device_tear_down ();
}

static gpointer
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type))
        return window;
    }
  return NULL;
}

static gboolean
toplevel_exists (gconstpointer data)
{
  return find_toplevel ((GType) GPOINTER_TO_SIZE (data)) != NULL;
}

static gboolean
peer_named (gconstpointer data)
{
  const char *const *pair = data;  /* name, peer ID */
  PuProfile *profile = pu_application_get_profile (PU_APPLICATION (g_application_get_default ()));

  return g_strcmp0 (pu_config_lookup_name (pu_profile_get_config (profile), pair[0]),
                    pair[1]) == 0;
}

/* A device's page renames it, and both "They Don't Match" in the emoji
 * dialog and Remove forget it: its authorized_keys line and its names. */
static void
peer_page (PuApplication *app,
           PuWindow      *window)
{
  GtkWidget *page = template_child (window, "peer_page");
  PuProfile *profile = pu_application_get_profile (app);
  PuTrustStore *trust = pu_profile_get_trust_store (profile);
  const char *renamed[] = { "work-laptop", device.laptop_id };
  const char *gone[] = { "work-laptop", NULL };
  GtkWidget *dialog;
  PuPeerId laptop, phone;

  pu_peer_id_parse (device.laptop_id, &laptop, NULL);
  pu_peer_id_parse (device.phone_id, &phone, NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-peer", "s", device.laptop_id);
  set_text (widget_child (page, PU_TYPE_PEER_PAGE, "name_row"), "work-laptop");
  g_signal_emit_by_name (widget_child (page, PU_TYPE_PEER_PAGE, "name_row"), "apply");
  wait_until (peer_named, renamed);
  g_assert_null (pu_config_lookup_name (pu_profile_get_config (pu_application_get_profile (app)),
                                        "laptop"));
  g_assert_cmpstr (gtk_label_get_label (widget_child (page, PU_TYPE_PEER_PAGE, "title_label")),
                   ==, "work-laptop");

  g_assert_true (gtk_widget_activate_action (page, "peer.verify", NULL));
  dialog = find_toplevel (PU_TYPE_SAS_DIALOG);
  g_assert_nonnull (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "mismatch");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_null (pu_trust_store_lookup (trust, &laptop));
  wait_until (peer_named, gone);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.show-peer", "s", device.phone_id);
  g_assert_true (gtk_widget_activate_action (page, "peer.remove", NULL));
  dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "remove");
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_null (pu_trust_store_lookup (trust, &phone));
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (template_child (window, "peers_leaflet")),
                   ==, "list");
  wait_for_rows (window, "peer_list", 0);
}

static gboolean
ssh_allows (gconstpointer data)
{
  const char *const *expected = data;
  PuProfile *profile = pu_application_get_profile (PU_APPLICATION (g_application_get_default ()));
  const PuService *ssh = pu_config_lookup_service (pu_profile_get_config (profile), "ssh");

  if (ssh->allowed == NULL || ssh->allowed[0] == NULL)
    return expected[0] == NULL;
  return g_strv_equal ((const char * const *) ssh->allowed, expected);
}

/* "Who May Use It" shows whom a service allows and changes it. */
static void
service_access (PuApplication *app,
                PuWindow      *window)
{
  const char *everyone[] = { NULL };
  const char *two[] = { "laptop", device.phone_id, NULL };
  GtkWidget *dialog;
  GtkWidget *list;

  show_view (window, "services");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.service-access", "s",
                                             "ssh"));
  dialog = find_toplevel (PU_TYPE_ACCESS_DIALOG);
  g_assert_nonnull (dialog);
  list = adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog));
  /* All devices (off), laptop (allowed), phone. */
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (adw_action_row_get_activatable_widget (
                    ADW_ACTION_ROW (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0))))));
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (
                   adw_action_row_get_activatable_widget (ADW_ACTION_ROW (
                     gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 1))))));
  gtk_check_button_set_active (GTK_CHECK_BUTTON (adw_action_row_get_activatable_widget (
                                 ADW_ACTION_ROW (gtk_list_box_get_row_at_index (
                                   GTK_LIST_BOX (list), 2)))), TRUE);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "save");
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_until (ssh_allows, two);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.service-access", "s",
                                             "ssh"));
  dialog = find_toplevel (PU_TYPE_ACCESS_DIALOG);
  list = adw_message_dialog_get_extra_child (ADW_MESSAGE_DIALOG (dialog));
  gtk_switch_set_active (GTK_SWITCH (adw_action_row_get_activatable_widget (
                           ADW_ACTION_ROW (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list),
                                                                          0)))), TRUE);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "save");
  gtk_window_destroy (GTK_WINDOW (dialog));
  wait_until (ssh_allows, everyone);
  g_assert_cmpstr (adw_action_row_get_subtitle (row_at (window, "service_list", 0)), ==,
                   "127.0.0.1:22\nAll authorized devices");
}

static void
test_service_access (void)
{
  device_set_up ();
  run_app (device.config_path, service_access);
  device_tear_down ();
}

/* Join checks the code as it is typed, and only a valid one can start. */
static void
join_validation (PuApplication *app,
                 PuWindow      *window)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuRelayAddr) relay = NULL;
  g_autoptr(PuInviteCode) code = NULL;
  g_autofree char *text = NULL;
  PuPeerId inviter;
  GtkWidget *dialog;
  GtkWidget *message;
  GtkWidget *row;

  relay = pu_relay_addr_parse ("/ip4/203.0.113.5/tcp/7777", device.relay_id, &error);
  g_assert_no_error (error);
  pu_peer_id_parse (device.laptop_id, &inviter, NULL);
  code = pu_invite_code_new_full (relay, &inviter, 1, g_get_real_time () / G_USEC_PER_SEC + 600,
                                  NULL);
  text = pu_invite_code_to_string (code);

  g_action_group_activate_action (G_ACTION_GROUP (app), "add-device", NULL);
  dialog = find_toplevel (PU_TYPE_ADD_DEVICE_WINDOW);
  g_assert_nonnull (dialog);
  adw_view_stack_set_visible_child_name (widget_child (dialog, PU_TYPE_ADD_DEVICE_WINDOW,
                                                       "mode_stack"), "join");
  row = widget_child (dialog, PU_TYPE_ADD_DEVICE_WINDOW, "join_row");
  message = widget_child (dialog, PU_TYPE_ADD_DEVICE_WINDOW, "join_message");

  set_text (row, "0abc-defg");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_assert_true (gtk_widget_has_css_class (message, "error"));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (message)), !=, "");
  gtk_widget_activate_action (dialog, "join.start", NULL);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (widget_child (dialog,
                                                                   PU_TYPE_ADD_DEVICE_WINDOW,
                                                                   "join_stack")), ==,
                   "entry");

  set_text (row, text);
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (message)), ==, "The code looks right.");
  g_assert_true (gtk_widget_activate_action (dialog, "join.start", NULL));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (widget_child (dialog,
                                                                   PU_TYPE_ADD_DEVICE_WINDOW,
                                                                   "join_stack")), ==,
                   "pairing");
  /* Cancel goes back to the code. */
  g_assert_true (gtk_widget_activate_action (dialog, "join.cancel", NULL));
  g_assert_cmpstr (gtk_stack_get_visible_child_name (widget_child (dialog,
                                                                   PU_TYPE_ADD_DEVICE_WINDOW,
                                                                   "join_stack")), ==,
                   "entry");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* A peerup: link opens Add Device on Join with the code, already started. */
static void
open_link (PuApplication *app,
           PuWindow      *window)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuRelayAddr) relay = NULL;
  g_autoptr(PuInviteCode) code = NULL;
  g_autoptr(GFile) link = NULL;
  g_autofree char *uri = NULL;
  PuPeerId inviter;
  GtkWidget *dialog;

  relay = pu_relay_addr_parse ("/ip4/203.0.113.5/tcp/7777", device.relay_id, &error);
  g_assert_no_error (error);
  pu_peer_id_parse (device.laptop_id, &inviter, NULL);
  code = pu_invite_code_new_full (relay, &inviter, 1, g_get_real_time () / G_USEC_PER_SEC + 600,
                                  NULL);
  uri = pu_invite_code_to_uri (code);
  link = g_file_new_for_uri (uri);
  g_application_open (G_APPLICATION (app), &link, 1, "");

  dialog = find_toplevel (PU_TYPE_ADD_DEVICE_WINDOW);
  g_assert_nonnull (dialog);
  g_assert_cmpstr (gtk_editable_get_text (widget_child (dialog, PU_TYPE_ADD_DEVICE_WINDOW,
                                                        "join_row")), ==, uri);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (widget_child (dialog,
                                                                   PU_TYPE_ADD_DEVICE_WINDOW,
                                                                   "join_stack")), ==,
                   "pairing");
  g_assert_true (gtk_widget_activate_action (dialog, "join.cancel", NULL));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_open_link (void)
{
  device_set_up ();
  run_app (device.config_path, open_link);
  device_tear_down ();
}

static void
test_join_validation (void)
{
  device_set_up ();
  run_app (device.config_path, join_validation);
  device_tear_down ();
}

static gboolean
has_service (gconstpointer data)
{
  PuProfile *profile = pu_application_get_profile (PU_APPLICATION (g_application_get_default ()));

  return pu_config_lookup_service (pu_profile_get_config (profile), data) != NULL;
}

static gboolean
message_is_warning (gconstpointer data)
{
  return gtk_widget_has_css_class (GTK_WIDGET ((gpointer) data), "warning");
}

/* A port nothing listens on (bound for a moment, then closed). */
static guint16
closed_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port = g_socket_listener_add_any_inet_port (listener, NULL, &error);

  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return port;
}

/* Add Service fills in a template, tries the local address first and says
 * when nothing answers there; a second press adds it anyway. */
static void
add_service (PuApplication *app,
             PuWindow      *window)
{
  g_autofree char *closed = g_strdup_printf ("127.0.0.1:%u", closed_port ());
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *open_address = NULL;
  GtkWidget *dialog;
  GtkWidget *message;
  guint16 port;

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.add-service", NULL));
  dialog = find_toplevel (PU_TYPE_SERVICE_DIALOG);
  g_assert_nonnull (dialog);
  message = widget_child (dialog, PU_TYPE_SERVICE_DIALOG, "message_label");
  /* Ollama, from the templates. */
  adw_combo_row_set_selected (widget_child (dialog, PU_TYPE_SERVICE_DIALOG, "template_row"), 4);
  g_assert_cmpstr (gtk_editable_get_text (widget_child (dialog, PU_TYPE_SERVICE_DIALOG,
                                                        "address_row")), ==,
                   "127.0.0.1:11434");
  set_text (widget_child (dialog, PU_TYPE_SERVICE_DIALOG, "address_row"), closed);

  gtk_widget_activate_action (dialog, "service.add", NULL);
  wait_until (message_is_warning, message);
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (message)), "Nothing answers at"));
  g_assert_cmpstr (gtk_button_get_label (widget_child (dialog, PU_TYPE_SERVICE_DIALOG,
                                                       "add_button")), ==, "_Add Anyway");
  g_assert_false (has_service ("ollama"));

  gtk_widget_activate_action (dialog, "service.add", NULL);
  g_assert_true (has_service ("ollama"));
  g_assert_null (find_toplevel (PU_TYPE_SERVICE_DIALOG));
  wait_for_rows (window, "service_list", 2);

  /* Where something answers, it is added at once. */
  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  open_address = g_strdup_printf ("127.0.0.1:%u", port);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-service", NULL);
  dialog = find_toplevel (PU_TYPE_SERVICE_DIALOG);
  set_text (widget_child (dialog, PU_TYPE_SERVICE_DIALOG, "name_row"), "game");
  set_text (widget_child (dialog, PU_TYPE_SERVICE_DIALOG, "address_row"), open_address);
  gtk_widget_activate_action (dialog, "service.add", NULL);
  wait_until (has_service, "game");
  g_assert_null (find_toplevel (PU_TYPE_SERVICE_DIALOG));
}

static void
test_add_service (void)
{
  device_set_up ();
  run_app (device.config_path, add_service);
  device_tear_down ();
}

static void
test_peer_page (void)
{
  device_set_up ();
  run_app (device.config_path, peer_page);
  device_tear_down ();
}

/* A device with nothing set up says so on each page. */
static void
empty_lists (PuApplication *app,
             PuWindow      *window)
{
  static const char *lists[] = { "relay", "peer", "service" };

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    {
      g_autofree char *list = g_strdup_printf ("%s_list", lists[i]);
      g_autofree char *empty = g_strdup_printf ("%s_empty", lists[i]);

      g_assert_cmpuint (count_rows (template_child (window, list)), ==, 0);
      g_assert_false (gtk_widget_get_visible (template_child (window, list)));
      g_assert_true (gtk_widget_get_visible (template_child (window, empty)));
    }
}

static void
test_empty_lists (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  g_autofree char *dir = pu_test_make_tmpdir ();
  g_autofree char *config_path = g_build_filename (dir, "my device", "config.ini", NULL);

  profile = pu_profile_init (config_path, "empty", NULL, NULL, &error);
  g_assert_no_error (error);
  run_app (config_path, empty_lists);
  pu_test_remove_tree (dir);
}

static void
window_size (PuApplication *app,
             PuWindow      *window)
{
  g_autoptr(GSettings) settings = g_settings_new (PU_APP_ID);
  int width = 0, height = 0;

  gtk_window_get_default_size (GTK_WINDOW (window), &width, &height);
  g_assert_cmpint (width, ==, 700);
  g_assert_cmpint (height, ==, 500);

  gtk_window_set_default_size (GTK_WINDOW (window), 820, 610);
  g_assert_cmpint (g_settings_get_int (settings, "window-width"), ==, 820);
  g_assert_cmpint (g_settings_get_int (settings, "window-height"), ==, 610);
}

/* The window opens at the size GSettings remembers and keeps it up to date. */
static void
test_window_size (void)
{
  g_autoptr(GSettings) settings = g_settings_new (PU_APP_ID);

  g_settings_set_int (settings, "window-width", 700);
  g_settings_set_int (settings, "window-height", 500);
  set_up_default_device ();
  run_app (NULL, window_size);
  g_settings_reset (settings, "window-width");
  g_settings_reset (settings, "window-height");
}

/* A notification server on the test's bus: it keeps the summaries. */
static GPtrArray *notifications;

static void
notifications_method_cb (GDBusConnection       *connection,
                         const char            *sender,
                         const char            *object_path,
                         const char            *interface_name,
                         const char            *method_name,
                         GVariant              *parameters,
                         GDBusMethodInvocation *invocation,
                         gpointer               user_data)
{
  const char *summary = NULL;

  if (g_strcmp0 (method_name, "Notify") != 0)
    {
      g_dbus_method_invocation_return_value (invocation, NULL);
      return;
    }
  g_variant_get_child (parameters, 3, "&s", &summary);
  g_ptr_array_add (notifications, g_strdup (summary));
  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(u)", notifications->len));
}

static void
serve_notifications (void)
{
  static const char xml[] =
    "<node><interface name='org.freedesktop.Notifications'>"
    "<method name='Notify'><arg type='s' direction='in'/><arg type='u' direction='in'/>"
    "<arg type='s' direction='in'/><arg type='s' direction='in'/>"
    "<arg type='s' direction='in'/><arg type='as' direction='in'/>"
    "<arg type='a{sv}' direction='in'/><arg type='i' direction='in'/>"
    "<arg type='u' direction='out'/></method>"
    "<method name='CloseNotification'><arg type='u' direction='in'/></method>"
    "</interface></node>";
  static const GDBusInterfaceVTable vtable = { notifications_method_cb, NULL, NULL, { 0 } };
  g_autoptr(GError) error = NULL;
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (xml, &error);
  GDBusConnection *connection;

  g_assert_no_error (error);
  notifications = g_ptr_array_new_with_free_func (g_free);
  /* Its own connection, kept for the life of the process like GTK's. */
  connection = g_dbus_connection_new_for_address_sync (g_test_dbus_get_bus_address (test_bus),
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                                       | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (connection, "/org/freedesktop/Notifications",
                                     info->interfaces[0], &vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  g_bus_own_name_on_connection (connection, "org.freedesktop.Notifications",
                                G_BUS_NAME_OWNER_FLAGS_NONE, NULL, NULL, NULL, NULL);
}

static gboolean
has_notification (gconstpointer data)
{
  for (guint i = 0; i < notifications->len; i++)
    if (g_str_equal (notifications->pdata[i], data))
      return TRUE;
  return FALSE;
}

/* Two devices on a real relay on loopback: "home" is the app's, "laptop"
 * a core run by the test; each authorizes the other. home has a service
 * "web" (disabled) on a local port that accepts connections. */
typedef struct {
  char            *dir;
  PuTestRelay     *relay;
  PuProfile       *laptop;
  PuNode          *laptop_node;
  char            *home_config;
  PuPeerId         home;
  GSocketListener *web;
} Net;

static Net net;

static void
net_set_up (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) home = NULL;
  g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (lo, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autofree char *web = NULL;
  const PuPeerId *laptop;
  PuConfig *config;

  net.dir = pu_test_make_tmpdir ();
  net.relay = pu_test_relay_new (net.dir);
  home = pu_test_relay_add_device (net.relay, "home");
  net.laptop = pu_test_relay_add_device (net.relay, "laptop");
  net.home = *pu_identity_get_peer_id (pu_profile_get_identity (home));
  laptop = pu_identity_get_peer_id (pu_profile_get_identity (net.laptop));
  net.home_config = g_strdup (pu_config_get_path (pu_profile_get_config (home)));

  net.web = g_socket_listener_new ();
  g_socket_listener_add_address (net.web, any, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                 NULL, &bound, &error);
  g_assert_no_error (error);
  web = g_strdup_printf ("127.0.0.1:%u",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  pu_trust_store_add (pu_profile_get_trust_store (home), laptop, "laptop", 0, &error);
  g_assert_no_error (error);
  pu_trust_store_add (pu_profile_get_trust_store (net.laptop), &net.home, "home", 0, &error);
  g_assert_no_error (error);
  config = pu_profile_get_config (home);
  pu_config_set_name (config, "laptop", laptop, &error);
  pu_config_add_service (config, "web", web, &error);
  pu_config_set_service_enabled (config, "web", FALSE, &error);
  pu_config_save (config, &error);
  g_assert_no_error (error);

  /* The laptop shares the same local port as "web" too. */
  config = pu_profile_get_config (net.laptop);
  pu_config_add_service (config, "web", web, &error);
  pu_config_save (config, &error);
  g_assert_no_error (error);
  pu_profile_reload_config (net.laptop, NULL);

  /* Stays on the relay: a path the test can name. */
  net.laptop_node = pu_node_new (net.laptop, TRUE, &error);
  g_assert_no_error (error);
  pu_node_set_direct_paths (net.laptop_node, FALSE);
}

static void
net_tear_down (void)
{
  pu_node_stop (net.laptop_node);
  g_clear_object (&net.laptop_node);
  g_clear_object (&net.laptop);
  g_socket_listener_close (net.web);
  g_clear_object (&net.web);
  pu_test_relay_free (net.relay);
  pu_test_remove_tree (net.dir);
  g_clear_pointer (&net.dir, g_free);
  g_clear_pointer (&net.home_config, g_free);
}

static gboolean
relays_connected (gconstpointer data)
{
  PuNode *node = pu_application_get_node (PU_APPLICATION ((gpointer) data));

  return node != NULL && pu_node_get_n_relays_connected (node) == pu_node_get_n_relays (node);
}

typedef struct {
  PuWindow   *window;
  const char *text;
} RowState;

static gboolean
first_peer_state_is (gconstpointer data)
{
  const RowState *state = data;
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (template_child (state->window,
                                                                      "peer_list"), 0);
  GtkLabel *label = row_child (ADW_ACTION_ROW (row), PU_TYPE_PEER_ROW, "state_label");

  return g_str_equal (gtk_label_get_label (label), state->text);
}

/* The app's core serves with its window closed: the laptop reaches it, a
 * notification says so, and its action opens the laptop's page, online on
 * the relay. */
static void
peers_online (PuApplication *app,
              PuWindow      *window)
{
  g_autoptr(GError) error = NULL;
  RowState online = { NULL, "Online, relayed" };
  const char *laptop = pu_identity_get_peer_id_string (pu_profile_get_identity (net.laptop));
  GtkWidget *page;

  wait_until (relays_connected, app);
  g_assert_cmpstr (row_title (row_at (window, "peer_list", 0)), ==, "laptop");
  g_assert_cmpstr (gtk_label_get_label (row_child (row_at (window, "peer_list", 0),
                                                   PU_TYPE_PEER_ROW, "state_label")), ==,
                   "Offline");
  gtk_window_destroy (GTK_WINDOW (window));

  pu_node_start (net.laptop_node);
  g_assert_cmpint (pu_test_ping (net.laptop_node, &net.home, &error), >, 0);
  g_assert_no_error (error);
  wait_until (has_notification, "laptop is online");

  g_action_group_activate_action (G_ACTION_GROUP (app), "show-peer",
                                  g_variant_new_string (laptop));
  window = PU_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  online.window = window;
  wait_until (first_peer_state_is, &online);
  g_assert_cmpstr (adw_leaflet_get_visible_child_name (template_child (window,
                                                                       "peers_leaflet")),
                   ==, "detail");
  page = template_child (window, "peer_page");
  g_assert_cmpstr (adw_action_row_get_subtitle (widget_child (page, PU_TYPE_PEER_PAGE,
                                                              "path_row")),
                   ==, "Through the relay");
}

static void
test_peers_online (void)
{
  net_set_up ();
  run_app (net.home_config, peers_online);
  net_tear_down ();
}

typedef struct {
  gboolean  done;
  PuStream *stream;
  GError   *error;
} Open;

static void
opened_cb (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  Open *open = user_data;

  open->stream = pu_node_open_stream_finish (PU_NODE (source), result, &open->error);
  open->done = TRUE;
}

/* A stream from the laptop to home's @service: NULL and @error when refused. */
static PuStream *
open_web (GError **error)
{
  Open open = { 0 };

  pu_node_open_stream_async (net.laptop_node, &net.home, PU_STREAM_KIND_PROXY, "web", NULL,
                             opened_cb, &open);
  pu_test_run_until (&open.done);
  if (open.error != NULL)
    g_propagate_error (error, open.error);
  return open.stream;
}

static gboolean
web_enabled (gconstpointer data)
{
  PuProfile *profile = pu_application_get_profile (PU_APPLICATION ((gpointer) data));

  return pu_config_lookup_service (pu_profile_get_config (profile), "web")->enabled;
}

/* The switch of a service row decides what the laptop can reach. */
static void
service_switch (PuApplication *app,
                PuWindow      *window)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuStream) refused = NULL;
  g_autoptr(PuStream) accepted = NULL;
  g_autoptr(PuConfig) saved = NULL;
  AdwActionRow *row;

  wait_until (relays_connected, app);
  pu_node_start (net.laptop_node);
  refused = open_web (&error);
  g_assert_null (refused);
  g_assert_nonnull (error);
  g_assert_cmpstr (strstr (error->message, "service web is not exposed by home"), !=, NULL);
  g_clear_error (&error);

  show_view (window, "services");
  row = row_at (window, "service_list", 0);
  g_assert_cmpstr (row_title (row), ==, "web");
  /* What a click or Space on the row does. */
  g_assert_true (gtk_widget_activate (GTK_WIDGET (row)));
  wait_until (web_enabled, app);
  saved = pu_config_load (net.home_config, &error);
  g_assert_no_error (error);
  g_assert_true (pu_config_lookup_service (saved, "web")->enabled);

  accepted = open_web (&error);
  g_assert_no_error (error);
  g_assert_nonnull (accepted);
}

static void
test_service_switch (void)
{
  net_set_up ();
  run_app (net.home_config, service_switch);
  net_tear_down ();
}

static gboolean
invite_shows_code (gconstpointer data)
{
  GtkWidget *dialog = find_toplevel (PU_TYPE_ADD_DEVICE_WINDOW);

  return dialog != NULL &&
         g_strcmp0 (gtk_stack_get_visible_child_name (
                      widget_child (dialog, PU_TYPE_ADD_DEVICE_WINDOW, "invite_stack")),
                    "code") == 0;
}

/* The label under @widget that shows @text, or NULL. */
static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_label (GTK_LABEL (widget)), text) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label (child, text);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* What a phone's camera reads from the QR on the screen. */
static char *
scan_qr (GdkPaintable *paintable,
         const char   *dir)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) texture = pu_qr_paintable_render (PU_QR_PAINTABLE (paintable), 6);
  g_autofree char *png = g_build_filename (dir, "invite-qr.png", NULL);
  g_autofree char *out = NULL;
  /* QR codes only: other symbologies misread parts of it now and then. */
  const char *argv[] = { "zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", png, NULL };
  g_autoptr(GSubprocess) zbar = NULL;

  g_assert_true (gdk_texture_save_to_png (texture, png));
  zbar = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (zbar, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_successful (zbar));
  return g_strstrip (g_steal_pointer (&out));
}

static gboolean
session_ended (gconstpointer data)
{
  PuPairSessionState state = pu_pair_session_get_state (PU_PAIR_SESSION ((gpointer) data));

  return state == PU_PAIR_SESSION_DONE || state == PU_PAIR_SESSION_FAILED;
}

static gboolean
has_forward_row (gconstpointer data)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (GTK_LIST_BOX ((gpointer) data), 0);

  return row != NULL && g_strcmp0 (gtk_widget_get_name (GTK_WIDGET (row)), "web") == 0;
}

static void
accepted_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  GSocketConnection **accepted = user_data;
  g_autoptr(GError) error = NULL;

  *accepted = g_socket_listener_accept_finish (G_SOCKET_LISTENER (source), result, NULL, &error);
  g_assert_no_error (error);
}

/* "Connect to Service…" on the laptop's page opens a local port that leads
 * to the laptop's service; the row tells the address and closes it. */
static void
connect_service (PuApplication *app,
                 PuWindow      *window)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) local = NULL;
  g_autoptr(GSocketConnection) accepted = NULL;
  GtkWidget *page = template_child (window, "peer_page");
  GtkListBox *forwards = widget_child (page, PU_TYPE_PEER_PAGE, "forward_list");
  AdwActionRow *row;
  GtkWidget *dialog;
  GtkEditable *entry;
  const char *address;

  wait_until (relays_connected, app);
  pu_node_start (net.laptop_node);
  gtk_widget_activate_action (GTK_WIDGET (window), "app.show-peer", "s",
                              pu_identity_get_peer_id_string (pu_profile_get_identity
                                                                (net.laptop)));
  g_assert_true (gtk_widget_activate_action (page, "peer.connect", NULL));
  dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  entry = g_object_get_data (G_OBJECT (dialog), "service-row");
  gtk_editable_set_text (entry, "no such name");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog),
                                                           "connect"));
  gtk_editable_set_text (entry, "web");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "connect");
  gtk_window_destroy (GTK_WINDOW (dialog));

  wait_until (has_forward_row, forwards);
  row = ADW_ACTION_ROW (gtk_list_box_get_row_at_index (forwards, 0));
  address = adw_action_row_get_subtitle (row);
  g_assert_true (g_str_has_prefix (address, "localhost:"));

  g_socket_listener_accept_async (net.web, NULL, accepted_cb, &accepted);
  local = g_socket_client_connect_to_host (client, address, 0, NULL, &error);
  g_assert_no_error (error);
  wait_until (pointer_is_set, &accepted);

  g_assert_true (gtk_widget_activate_action (page, "peer.close-forward", "q",
                                             (guint16) atoi (address + strlen ("localhost:"))));
  g_assert_false (has_forward_row (forwards));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (pu_application_get_forwards (app))),
                    ==, 0);
}

static void
test_connect_service (void)
{
  net_set_up ();
  run_app (net.home_config, connect_service);
  net_tear_down ();
}

/* Add Device shows a QR; a new device that scans it and joins is paired,
 * and confirming the emoji writes verified= to authorized_keys. */
static void
invite (PuApplication *app,
        PuWindow      *window)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *phone_config = g_build_filename (net.dir, "phone", "config.ini", NULL);
  g_autoptr(PuProfile) phone = pu_profile_init (phone_config, "phone", NULL, NULL, &error);
  g_autoptr(PuInviteCode) code = NULL;
  g_autoptr(PuPairSession) join = NULL;
  g_autofree char *scanned = NULL;
  g_autofree char *keys = NULL;
  g_autofree char *keys_path = NULL;
  g_autofree char *number = NULL;
  g_autofree char *line = NULL;
  const PuPeerId *phone_id = pu_identity_get_peer_id (pu_profile_get_identity (phone));
  const PuTrustEntry *entry;
  GtkWidget *dialog;
  GtkWidget *sas;
  PuSas expected;

  g_assert_no_error (error);
  wait_until (relays_connected, app);
  g_action_group_activate_action (G_ACTION_GROUP (app), "add-device", NULL);
  wait_until (invite_shows_code, NULL);
  dialog = find_toplevel (PU_TYPE_ADD_DEVICE_WINDOW);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (window));

  scanned = scan_qr (gtk_picture_get_paintable (widget_child (dialog, PU_TYPE_ADD_DEVICE_WINDOW,
                                                              "qr_picture")), net.dir);
  g_assert_true (g_str_has_prefix (scanned, "peerup:"));
  code = pu_invite_code_parse (scanned, &error);
  g_assert_no_error (error);
  g_assert_true (pu_peer_id_equal (&code->inviter, &net.home));
  line = pu_invite_code_to_string (code);
  g_assert_cmpstr (gtk_label_get_label (widget_child (dialog, PU_TYPE_ADD_DEVICE_WINDOW,
                                                      "code_label")), ==, line);

  join = pu_pair_session_join (phone, scanned, NULL, NULL, &error);
  g_assert_no_error (error);
  wait_until (session_ended, join);
  g_assert_null (pu_pair_session_get_error (join));
  g_assert_cmpint (pu_pair_session_get_state (join), ==, PU_PAIR_SESSION_DONE);

  wait_until (toplevel_exists, GSIZE_TO_POINTER (PU_TYPE_SAS_DIALOG));
  sas = find_toplevel (PU_TYPE_SAS_DIALOG);
  g_assert_null (find_toplevel (PU_TYPE_ADD_DEVICE_WINDOW));
  wait_until (has_notification, "Paired with phone");
  pu_sas_compute (phone_id, &net.home, &expected);
  number = pu_sas_format_number (&expected);
  g_assert_nonnull (find_label (sas, number));
  g_assert_nonnull (find_label (sas, pu_sas_emoji (expected.emoji[0])));

  adw_message_dialog_response (ADW_MESSAGE_DIALOG (sas), "confirm");
  entry = pu_trust_store_lookup (pu_profile_get_trust_store (pu_application_get_profile (app)),
                                 phone_id);
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->verified, ==, expected.verified);
  keys_path = g_build_filename (net.dir, "home", "authorized_keys", NULL);
  g_assert_true (g_file_get_contents (keys_path, &keys, NULL, NULL));
  g_assert_nonnull (strstr (keys, expected.verified));
}

/* The short code to read aloud: a device that uses the same relay joins
 * with it. */
static void
invite_short (PuApplication *app,
              PuWindow      *window)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *phone_config = g_build_filename (net.dir, "phone", "config.ini", NULL);
  g_autoptr(PuProfile) phone = pu_profile_init (phone_config, "phone", net.relay->addr, NULL,
                                                &error);
  g_autoptr(PuInviteCode) code = NULL;
  g_autoptr(PuPairSession) join = NULL;
  g_autofree char *status = NULL;
  GtkWidget *dialog;
  const char *text;

  g_assert_no_error (error);
  wait_until (relays_connected, app);
  g_action_group_activate_action (G_ACTION_GROUP (app), "add-device", NULL);
  wait_until (invite_shows_code, NULL);
  dialog = find_toplevel (PU_TYPE_ADD_DEVICE_WINDOW);
  gtk_switch_set_active (widget_child (dialog, PU_TYPE_ADD_DEVICE_WINDOW, "short_switch"), TRUE);
  g_assert_false (invite_shows_code (NULL));
  wait_until (invite_shows_code, NULL);
  g_assert_false (gtk_widget_get_visible (widget_child (dialog, PU_TYPE_ADD_DEVICE_WINDOW,
                                                        "qr_picture")));
  text = gtk_label_get_label (widget_child (dialog, PU_TYPE_ADD_DEVICE_WINDOW, "code_label"));
  code = pu_invite_code_parse (text, &error);
  g_assert_no_error (error);
  g_assert_cmpint (code->kind, ==, PU_INVITE_CODE_SHORT);
  /* The tray says a pairing is under way. */
  status = tray_status (app);
  g_assert_cmpstr (status, ==, "NeedsAttention");
  g_clear_pointer (&status, g_free);

  join = pu_pair_session_join (phone, text, NULL, NULL, &error);
  g_assert_no_error (error);
  wait_until (session_ended, join);
  g_assert_null (pu_pair_session_get_error (join));
  wait_until (toplevel_exists, GSIZE_TO_POINTER (PU_TYPE_SAS_DIALOG));
  g_assert_nonnull (pu_trust_store_lookup (pu_profile_get_trust_store (
                                             pu_application_get_profile (app)),
                                           pu_identity_get_peer_id (
                                             pu_profile_get_identity (phone))));
  status = tray_status (app);
  g_assert_cmpstr (status, ==, "Active");
}

static void
test_invite_short (void)
{
  net_set_up ();
  run_app (net.home_config, invite_short);
  net_tear_down ();
}

static void
test_invite (void)
{
  g_autofree char *zbarimg = g_find_program_in_path ("zbarimg");

  if (zbarimg == NULL)
    {
      g_test_skip ("zbarimg (zbar-tools) is not installed");
      return;
    }
  net_set_up ();
  run_app (net.home_config, invite);
  net_tear_down ();
}

/* Whether the app shows its tray menu on its D-Bus connection. */
static gboolean
tray_exported (PuApplication *app)
{
  GDBusConnection *bus = g_application_get_dbus_connection (G_APPLICATION (app));
  g_autoptr(GVariant) reply = NULL;
  const char *xml;

  g_dbus_connection_call (bus, g_dbus_connection_get_unique_name (bus), PU_TRAY_MENU_PATH,
                          "org.freedesktop.DBus.Introspectable", "Introspect", NULL,
                          G_VARIANT_TYPE ("(s)"), G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                          got_property_cb, &reply);
  wait_until (pointer_is_set, &reply);
  g_variant_get (reply, "(&s)", &xml);
  return strstr (xml, "com.canonical.dbusmenu") != NULL;
}

static gboolean
main_context_idle (gconstpointer data)
{
  return !g_main_context_pending (NULL);
}

static gboolean
node_running (gconstpointer data)
{
  return pu_application_get_node (PU_APPLICATION ((gpointer) data)) != NULL;
}

/* Started hidden (at login), the core serves without a window; the window
 * comes when asked, and closing it keeps the core running. Pause stops the
 * core and says so; Resume starts it again. */
static gboolean
hidden_body_cb (gpointer user_data)
{
  PuApplication *app = user_data;
  GtkWindow *window;
  GtkWidget *status_bar;

  g_assert_null (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_null (gtk_application_get_windows (GTK_APPLICATION (app)));
  g_assert_nonnull (pu_application_get_node (app));
  g_assert_true (tray_exported (app));

  g_action_group_activate_action (G_ACTION_GROUP (app), "show-window", NULL);
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (PU_IS_WINDOW (window));
  status_bar = template_child (PU_WINDOW (window), "status_bar");
  g_assert_false (gtk_widget_get_visible (status_bar));

  g_action_group_change_action_state (G_ACTION_GROUP (app), "pause",
                                      g_variant_new_boolean (TRUE));
  g_assert_null (pu_application_get_node (app));
  g_assert_true (gtk_widget_get_visible (status_bar));
  g_assert_cmpstr (gtk_label_get_label (template_child (PU_WINDOW (window), "status_label")), ==,
                   "Paused: your devices cannot reach this one");
  g_assert_true (gtk_widget_activate (template_child (PU_WINDOW (window), "resume_button")));
  wait_until (node_running, app);
  g_assert_false (gtk_widget_get_visible (status_bar));

  gtk_window_destroy (window);
  wait_until (main_context_idle, NULL);
  g_assert_nonnull (pu_application_get_node (app));

  body_ran = TRUE;
  g_action_group_activate_action (G_ACTION_GROUP (app), "quit", NULL);
  return G_SOURCE_REMOVE;
}

static void
hidden_startup_cb (PuApplication *app)
{
  g_idle_add (hidden_body_cb, app);
}

static void
test_hidden_start (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = pu_test_make_tmpdir ();
  g_autofree char *config_path = g_build_filename (dir, "config.ini", NULL);
  g_autoptr(PuProfile) profile = pu_profile_init (config_path, "home", NULL, NULL, &error);
  PuApplication *app = pu_application_new ();
  char *argv[] = { (char *) "peerup-desktop", (char *) "--hide-window", (char *) "--config",
                   config_path, NULL };

  g_assert_no_error (error);
  g_assert_nonnull (profile);
  g_signal_connect_after (app, "startup", G_CALLBACK (hidden_startup_cb), NULL);
  body_ran = FALSE;
  g_assert_cmpint (g_application_run (G_APPLICATION (app), 4, argv), ==, 0);
  g_assert_true (body_ran);
  g_object_add_weak_pointer (G_OBJECT (app), (gpointer *) &app);
  g_object_unref (app);
  wait_until (pointer_is_null, &app);
  pu_test_remove_tree (dir);
}

/* "Start at login" writes an XDG autostart entry that starts hidden, and
 * removes it when turned off. */
static void
start_at_login (PuApplication *app,
                PuWindow      *window)
{
  g_autoptr(GSettings) settings = g_settings_new (PU_APP_ID);
  g_autofree char *path = pu_autostart_get_path ();
  g_autofree char *contents = NULL;

  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_settings_set_boolean (settings, "start-at-login", TRUE);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_nonnull (strstr (contents, "\nExec=peerup-desktop --hide-window\n"));
  g_settings_set_boolean (settings, "start-at-login", FALSE);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
}

static void
test_start_at_login (void)
{
  set_up_default_device ();
  run_app (NULL, start_at_login);
}

static gboolean
session_waiting (gconstpointer data)
{
  return pu_pair_session_get_state (PU_PAIR_SESSION ((gpointer) data)) ==
         PU_PAIR_SESSION_WAITING;
}

static PuPairSession *first_run_invite;

/* A new device set up with an invite code: it gets its name and identity,
 * pairs with the inviter through the code's relay (which it keeps), and
 * compares the emoji. */
static void
first_run_join (PuApplication *app,
                PuWindow      *window)
{
  GtkWidget *setup = template_child (window, "setup_page");
  const PuPeerId *laptop = pu_identity_get_peer_id (pu_profile_get_identity (net.laptop));
  PuProfile *profile;
  GPtrArray *relays;
  GtkWidget *sas;

  g_assert_cmpstr (visible_page (window), ==, "setup");
  set_text (widget_child (setup, PU_TYPE_SETUP_PAGE, "name_row"), "phone");
  set_text (widget_child (setup, PU_TYPE_SETUP_PAGE, "code_row"), "0abc");
  g_assert_true (gtk_widget_get_visible (widget_child (setup, PU_TYPE_SETUP_PAGE,
                                                       "error_label")));
  /* The code comes as a scanned or clicked peerup: link. */
  {
    g_autoptr(GFile) link = g_file_new_for_uri (pu_pair_session_get_uri (first_run_invite));

    g_application_open (G_APPLICATION (app), &link, 1, "");
  }
  g_assert_cmpstr (gtk_editable_get_text (widget_child (setup, PU_TYPE_SETUP_PAGE, "code_row")),
                   ==, pu_pair_session_get_uri (first_run_invite));
  g_assert_false (gtk_widget_get_visible (widget_child (setup, PU_TYPE_SETUP_PAGE,
                                                        "error_label")));
  g_assert_true (gtk_widget_activate_action (setup, "setup.set-up", NULL));
  g_assert_cmpstr (visible_page (window), ==, "device");

  wait_until (session_ended, first_run_invite);
  g_assert_null (pu_pair_session_get_error (first_run_invite));
  wait_until (toplevel_exists, GSIZE_TO_POINTER (PU_TYPE_SAS_DIALOG));
  sas = find_toplevel (PU_TYPE_SAS_DIALOG);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (sas), "confirm");

  profile = pu_application_get_profile (app);
  g_assert_nonnull (pu_trust_store_lookup (pu_profile_get_trust_store (profile), laptop));
  g_assert_nonnull (pu_trust_store_lookup (pu_profile_get_trust_store (profile),
                                           laptop)->verified);
  relays = pu_config_get_relays (pu_profile_get_config (profile));
  g_assert_cmpuint (relays->len, ==, 1);
  /* The node is made again with the relay the code brought. */
  wait_until (relays_connected, app);
}

static void
test_first_run_join (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fresh = NULL;

  net_set_up ();
  first_run_invite = pu_pair_session_invite (net.laptop, NULL,
                                             PU_PAIR_SESSION_DEFAULT_TTL_SECONDS, FALSE, &error);
  g_assert_no_error (error);
  wait_until (session_waiting, first_run_invite);
  fresh = g_build_filename (net.dir, "phone", "config.ini", NULL);
  run_app (fresh, first_run_join);
  g_clear_object (&first_run_invite);
  net_tear_down ();
}

static gboolean
one_relay_connected (gconstpointer data)
{
  PuNode *node = pu_application_get_node (PU_APPLICATION ((gpointer) data));

  return node != NULL && pu_node_get_n_relays (node) == 1 &&
         pu_node_get_n_relays_connected (node) == 1;
}

/* "Host a Relay on This Computer", chosen on the first run, serves a relay
 * from the app, which this device then uses; switched off on This Device,
 * the relay stops. */
static void
host_relay (PuApplication *app,
            PuWindow      *window)
{
  GtkWidget *host_row = template_child (window, "host_row");
  GtkWidget *setup = template_child (window, "setup_page");
  PuRelayHost *host;

  g_object_set (app, "relay-host-port", 0, NULL);
  g_assert_cmpstr (visible_page (window), ==, "setup");
  set_text (widget_child (setup, PU_TYPE_SETUP_PAGE, "name_row"), "home");
  gtk_switch_set_active (widget_child (setup, PU_TYPE_SETUP_PAGE, "host_switch"), TRUE);
  g_assert_true (gtk_widget_activate_action (setup, "setup.set-up", NULL));
  g_assert_true (gtk_switch_get_active (template_child (window, "host_switch")));
  host = pu_application_get_relay_host (app);
  g_assert_no_error ((GError *) pu_application_get_relay_host_error (app));
  g_assert_nonnull (host);
  g_assert_true (g_str_has_prefix (pu_relay_host_get_addr (host), "/ip4/"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (host_row)),
                            pu_relay_host_get_addr (host)));
  wait_until (one_relay_connected, app);
  wait_for_rows (window, "relay_list", 1);

  gtk_switch_set_active (template_child (window, "host_switch"), FALSE);
  g_assert_null (pu_application_get_relay_host (app));
}

static void
test_host_relay (void)
{
  g_autofree char *dir = pu_test_make_tmpdir ();
  g_autofree char *config_path = g_build_filename (dir, "config.ini", NULL);

  run_app (config_path, host_relay);
  pu_test_remove_tree (dir);
}

/* Whether @widget, a control of ours, can be told apart by a screen reader:
 * a text of its own or an accessible label. Widgets inside composite
 * libadwaita and GTK widgets (entry rows, view switchers, window buttons)
 * are theirs to name. */
static void
assert_named (GtkWidget *widget)
{
  const char *type = G_OBJECT_TYPE_NAME (widget);
  gboolean control = g_str_equal (type, "GtkButton") || g_str_equal (type, "GtkSwitch") ||
                     g_str_equal (type, "GtkMenuButton");

  if (ADW_IS_ENTRY_ROW (widget) || ADW_IS_VIEW_SWITCHER (widget) ||
      ADW_IS_VIEW_SWITCHER_BAR (widget) || ADW_IS_VIEW_SWITCHER_TITLE (widget) ||
      GTK_IS_WINDOW_CONTROLS (widget) || ADW_IS_COMBO_ROW (widget))
    return;
  if (control && !(GTK_IS_BUTTON (widget) && gtk_button_get_label (GTK_BUTTON (widget)) != NULL) &&
      !(GTK_IS_BUTTON (widget) && ADW_IS_BUTTON_CONTENT (gtk_button_get_child (GTK_BUTTON (widget)))) &&
      !gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget),
                                         GTK_ACCESSIBLE_PROPERTY_LABEL))
    g_error ("a %s (%s) has no accessible name", type, gtk_widget_get_name (widget));
  if (GTK_IS_MENU_BUTTON (widget))
    return;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    assert_named (child);
}

/* Every button and switch of every screen has a name. */
static void
accessible_names (PuApplication *app,
                  PuWindow      *window)
{
  GtkWidget *dialog;

  wait_until (relays_connected, app);
  assert_named (GTK_WIDGET (window));
  gtk_widget_activate_action (GTK_WIDGET (window), "app.show-peer", "s",
                              pu_identity_get_peer_id_string (pu_profile_get_identity
                                                                (net.laptop)));
  assert_named (GTK_WIDGET (window));

  g_action_group_activate_action (G_ACTION_GROUP (app), "add-device", NULL);
  wait_until (invite_shows_code, NULL);
  dialog = find_toplevel (PU_TYPE_ADD_DEVICE_WINDOW);
  assert_named (dialog);
  gtk_window_destroy (GTK_WINDOW (dialog));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.add-service", NULL);
  dialog = find_toplevel (PU_TYPE_SERVICE_DIALOG);
  g_assert_nonnull (dialog);
  assert_named (dialog);
  gtk_window_destroy (GTK_WINDOW (dialog));

  gtk_widget_activate_action (GTK_WIDGET (window), "win.service-access", "s", "web");
  dialog = find_toplevel (PU_TYPE_ACCESS_DIALOG);
  g_assert_nonnull (dialog);
  assert_named (dialog);
  gtk_window_destroy (GTK_WINDOW (dialog));

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  dialog = find_toplevel (PU_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (dialog);
  assert_named (dialog);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Without a Secret Service (the test bus has none) the key stays in its
 * file and the switch stays off. */
static void
keyring_unavailable (PuApplication *app,
                     PuWindow      *window)
{
  g_autofree char *key = g_build_filename (device.dir, "identity.key", NULL);
  GtkWidget *dialog;
  GtkSwitch *keyring;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  dialog = find_toplevel (PU_TYPE_PREFERENCES_WINDOW);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_widget_get_visible (widget_child (dialog, PU_TYPE_PREFERENCES_WINDOW,
                                                       "security_group")));
  keyring = widget_child (dialog, PU_TYPE_PREFERENCES_WINDOW, "keyring_switch");
  g_assert_false (gtk_switch_get_state (keyring));
  gtk_switch_set_active (keyring, TRUE);
  g_assert_false (gtk_switch_get_active (keyring));
  g_assert_false (gtk_switch_get_state (keyring));
  g_assert_true (g_file_test (key, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpint (pu_profile_get_identity_store (pu_application_get_profile (app)), ==,
                   PU_IDENTITY_STORE_FILE);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_keyring_unavailable (void)
{
  device_set_up ();
  run_app (device.config_path, keyring_unavailable);
  device_tear_down ();
}

static void
test_accessible_names (void)
{
  net_set_up ();
  run_app (net.home_config, accessible_names);
  net_tear_down ();
}

/* Screenshots of every main screen, in light and dark, for people to look
 * at: PNGs in screenshots/ in the test build directory. */
static const char *screenshot_scheme;
/* Frames drawn before a screenshot: transitions (250 ms at most) are over. */
#define SETTLE_FRAMES 30

static gboolean
count_frame_cb (GtkWidget     *widget,
                GdkFrameClock *clock,
                gpointer       user_data)
{
  guint *frames = user_data;

  (*frames)++;
  gtk_widget_queue_draw (widget);
  return *frames < SETTLE_FRAMES ? G_SOURCE_CONTINUE : G_SOURCE_REMOVE;
}

static gboolean
settled (gconstpointer data)
{
  return *(const guint *) data >= SETTLE_FRAMES;
}

static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  g_autofree char *dir = g_build_filename (g_getenv ("PU_TEST_BUILDDIR"), "screenshots", NULL);
  g_autofree char *file = g_strdup_printf ("%s-%s.png", name, screenshot_scheme);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot;
  guint frames = 0;
  int width, height;

  wait_until (widget_is_mapped, widget);
  gtk_widget_add_tick_callback (widget, count_frame_cb, &frames, NULL);
  gtk_widget_queue_draw (widget);
  wait_until (settled, &frames);

  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("saved %s", path);
}

static void
screenshot_first_run (PuApplication *app,
                      PuWindow      *window)
{
  gtk_window_set_default_size (GTK_WINDOW (window), 640, 720);
  g_assert_cmpstr (visible_page (window), ==, "setup");
  save_screenshot (GTK_WIDGET (window), "first-run");
}

static void
screenshot_screens (PuApplication *app,
                    PuWindow      *window)
{
  g_autoptr(GError) error = NULL;
  const char *laptop_id = pu_identity_get_peer_id_string (pu_profile_get_identity (net.laptop));
  RowState online = { window, "Online, relayed" };
  PuProfile *profile = pu_application_get_profile (app);
  static const char *forwards[] = { "ssh", "web" };
  g_autoptr(PuIdentity) tablet = pu_identity_generate ();
  GtkWidget *dialog;
  PuSas sas;

  gtk_window_set_default_size (GTK_WINDOW (window), 720, 640);
  wait_until (relays_connected, app);
  pu_node_start (net.laptop_node);
  g_assert_cmpint (pu_test_ping (net.laptop_node, &net.home, &error), >, 0);
  g_assert_no_error (error);
  wait_until (first_peer_state_is, &online);
  pu_edit_add_service (profile, "ssh", "127.0.0.1:22", &error);
  g_assert_no_error (error);
  /* A verified device that is offline, beside the laptop. */
  pu_trust_store_add (pu_profile_get_trust_store (profile), pu_identity_get_peer_id (tablet),
                      "Anna's tablet", 0, &error);
  g_assert_no_error (error);
  pu_sas_compute (&net.home, pu_identity_get_peer_id (tablet), &sas);
  pu_trust_store_set_verified (pu_profile_get_trust_store (profile),
                               pu_identity_get_peer_id (tablet), sas.verified, &error);
  g_assert_no_error (error);
  pu_edit_rename_peer (profile, pu_identity_get_peer_id (tablet), "tablet", &error);
  g_assert_no_error (error);
  wait_for_rows (window, "peer_list", 2);

  save_screenshot (GTK_WIDGET (window), "peers");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "app.show-peer", "s",
                                             laptop_id));
  for (guint i = 0; i < G_N_ELEMENTS (forwards); i++)
    {
      pu_forwards_open (pu_application_get_forwards (app),
                        pu_identity_get_peer_id (pu_profile_get_identity (net.laptop)),
                        forwards[i], 0, &error);
      g_assert_no_error (error);
    }
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 900);
  save_screenshot (GTK_WIDGET (window), "peer-detail");
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 640);

  gtk_widget_activate_action (template_child (window, "peer_page"), "peer.verify", NULL);
  wait_until (toplevel_exists, GSIZE_TO_POINTER (PU_TYPE_SAS_DIALOG));
  dialog = find_toplevel (PU_TYPE_SAS_DIALOG);
  save_screenshot (dialog, "sas");
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "later");
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_widget_activate_action (GTK_WIDGET (window), "win.back", NULL);

  show_view (window, "services");
  save_screenshot (GTK_WIDGET (window), "services");
  show_view (window, "this-device");
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 1200);
  save_screenshot (GTK_WIDGET (window), "this-device");
  gtk_window_set_default_size (GTK_WINDOW (window), 720, 640);
  show_view (window, "peers");

  g_action_group_activate_action (G_ACTION_GROUP (app), "add-device", NULL);
  wait_until (invite_shows_code, NULL);
  dialog = find_toplevel (PU_TYPE_ADD_DEVICE_WINDOW);
  save_screenshot (dialog, "add-device");
  gtk_window_destroy (GTK_WINDOW (dialog));

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  wait_until (toplevel_exists, GSIZE_TO_POINTER (PU_TYPE_PREFERENCES_WINDOW));
  dialog = find_toplevel (PU_TYPE_PREFERENCES_WINDOW);
  save_screenshot (dialog, "preferences");
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* The narrowest the window goes: a phone. */
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  save_screenshot (GTK_WIDGET (window), "peers-narrow");
}

static void
test_screenshots (void)
{
  static const struct {
    const char     *name;
    AdwColorScheme  scheme;
  } schemes[] = {
    { "light", ADW_COLOR_SCHEME_FORCE_LIGHT },
    { "dark", ADW_COLOR_SCHEME_FORCE_DARK },
  };

  for (guint i = 0; i < G_N_ELEMENTS (schemes); i++)
    {
      g_autofree char *dir = pu_test_make_tmpdir ();
      g_autofree char *fresh = g_build_filename (dir, "config.ini", NULL);

      screenshot_scheme = schemes[i].name;
      adw_style_manager_set_color_scheme (adw_style_manager_get_default (), schemes[i].scheme);
      run_app (fresh, screenshot_first_run);
      pu_test_remove_tree (dir);

      net_set_up ();
      run_app (net.home_config, screenshot_screens);
      net_tear_down ();
    }
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      ADW_COLOR_SCHEME_DEFAULT);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *display = NULL;
  g_autofree char *runtime_dir = NULL;
  int ret;

  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_print ("1..0 # SKIP no display: run under xvfb-run or in a desktop session\n");
      return 0;
    }

  config_home = pu_test_make_tmpdir ();
  g_setenv ("XDG_CONFIG_HOME", config_home, TRUE);
  runtime_dir = g_build_filename (config_home, "run", NULL);
  g_mkdir (runtime_dir, 0700);
  g_setenv ("GTK_A11Y", "test", TRUE);
  /* GL is not dependable under Xvfb; screenshots are drawn by cairo. */
  g_setenv ("GSK_RENDERER", "cairo", FALSE);

  g_test_init (&argc, &argv, NULL);

  /* The private bus unsets DISPLAY (against D-Bus autolaunch) and
   * XDG_RUNTIME_DIR; GTK needs the one back, and the cores' control sockets
   * stay in the test's directory with the other, instead of meeting other
   * tests' in $TMPDIR/peerup-UID. */
  display = g_strdup (g_getenv ("DISPLAY"));
  test_bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (test_bus);
  if (display != NULL)
    g_setenv ("DISPLAY", display, TRUE);
  g_setenv ("XDG_RUNTIME_DIR", runtime_dir, TRUE);
  serve_notifications ();

  g_test_add_func ("/app/first-start", test_first_start);
  g_test_add_func ("/app/second-start", test_second_start);
  g_test_add_func ("/app/copy-peer-id", test_copy_peer_id);
  g_test_add_func ("/app/copy-with-keyboard", test_copy_with_keyboard);
  g_test_add_func ("/app/key-permissions", test_key_permissions);
  g_test_add_func ("/app/window-size", test_window_size);
  g_test_add_func ("/app/live-updates", test_live_updates);
  g_test_add_func ("/app/keyboard", test_keyboard);
  g_test_add_func ("/app/empty-lists", test_empty_lists);
  g_test_add_func ("/app/peer-page", test_peer_page);
  g_test_add_func ("/app/add-service", test_add_service);
  g_test_add_func ("/app/join-validation", test_join_validation);
  g_test_add_func ("/app/service-access", test_service_access);
  g_test_add_func ("/app/peers-online", test_peers_online);
  g_test_add_func ("/app/service-switch", test_service_switch);
  g_test_add_func ("/app/connect-service", test_connect_service);
  g_test_add_func ("/app/invite", test_invite);
  g_test_add_func ("/app/invite-short", test_invite_short);
  g_test_add_func ("/app/first-run-join", test_first_run_join);
  g_test_add_func ("/app/open-link", test_open_link);
  g_test_add_func ("/app/keyring-unavailable", test_keyring_unavailable);
  g_test_add_func ("/app/host-relay", test_host_relay);
  g_test_add_func ("/app/accessible-names", test_accessible_names);
  g_test_add_func ("/app/hidden-start", test_hidden_start);
  g_test_add_func ("/app/start-at-login", test_start_at_login);
  g_test_add_func ("/app/screenshots", test_screenshots);
  ret = g_test_run ();

  g_test_dbus_stop (test_bus);
  g_clear_pointer (&notifications, g_ptr_array_unref);
  pu_test_remove_tree (config_home);
  g_free (config_home);
  return ret;
}
