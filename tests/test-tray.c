/* test-tray.c — the tray icon over a private session bus: StatusNotifierItem
 * registration with a fake watcher, its properties, the dbusmenu layout and
 * events, and the app's tray menu
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>

#include "pu-dbus-menu.h"
#include "pu-status-notifier.h"
#include "pu-test-relay.h"
#include "pu-test-util.h"
#include "pu-tray.h"

#define MENU_PATH "/test/menu"

static const char watcher_xml[] =
  "<node>"
  "  <interface name='org.kde.StatusNotifierWatcher'>"
  "    <method name='RegisterStatusNotifierItem'>"
  "      <arg name='service' type='s' direction='in'/>"
  "    </method>"
  "  </interface>"
  "</node>";

/* A watcher on its own connection, as a panel would be. */
typedef struct {
  GDBusConnection *connection;
  guint object_id;
  guint owner_id;
  guint n_registered;
  char *service;
  char *sender;
} Watcher;

typedef struct {
  GTestDBus *bus;
  GDBusConnection *app;     /* the item's side */
  GDBusConnection *host;    /* the panel's side */
  Watcher watcher;
  GSimpleActionGroup *actions;
  GPtrArray *activated;     /* "name" or "name:target" */
  char *dir;
} Fixture;

static GDBusConnection *
new_connection (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  GDBusConnectionFlags flags = G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT
                                | G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION;
  GDBusConnection *connection;

  g_assert_no_error (error);
  connection = g_dbus_connection_new_for_address_sync (address, flags, NULL, NULL, &error);
  g_assert_no_error (error);
  return connection;
}

static void
watcher_method_call (GDBusConnection       *connection,
                     const char            *sender,
                     const char            *object_path,
                     const char            *interface_name,
                     const char            *method_name,
                     GVariant              *parameters,
                     GDBusMethodInvocation *invocation,
                     gpointer               user_data)
{
  Watcher *watcher = user_data;

  g_free (watcher->service);
  g_free (watcher->sender);
  g_variant_get (parameters, "(s)", &watcher->service);
  watcher->sender = g_strdup (sender);
  watcher->n_registered++;
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable watcher_vtable = { .method_call = watcher_method_call };

static void
watcher_start (Watcher *watcher)
{
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (watcher_xml, NULL);
  g_autoptr(GError) error = NULL;

  watcher->connection = new_connection ();
  watcher->object_id = g_dbus_connection_register_object (watcher->connection,
                                                          "/StatusNotifierWatcher",
                                                          info->interfaces[0], &watcher_vtable,
                                                          watcher, NULL, &error);
  g_assert_no_error (error);
  watcher->owner_id = g_bus_own_name_on_connection (watcher->connection,
                                                    PU_STATUS_NOTIFIER_WATCHER,
                                                    G_BUS_NAME_OWNER_FLAGS_NONE,
                                                    NULL, NULL, NULL, NULL);
}

static void
watcher_stop (Watcher *watcher)
{
  g_autoptr(GError) error = NULL;

  g_clear_handle_id (&watcher->owner_id, g_bus_unown_name);
  if (watcher->object_id != 0)
    g_dbus_connection_unregister_object (watcher->connection, watcher->object_id);
  watcher->object_id = 0;
  if (watcher->connection != NULL)
    g_dbus_connection_close_sync (watcher->connection, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&watcher->connection);
}

static void
activate_cb (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  Fixture *fx = user_data;
  const char *name = g_action_get_name (G_ACTION (action));

  if (parameter != NULL)
    g_ptr_array_add (fx->activated, g_strdup_printf ("%s:%s", name,
                                                     g_variant_get_string (parameter, NULL)));
  else
    g_ptr_array_add (fx->activated, g_strdup (name));
}

static void
pause_cb (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       user_data)
{
  g_autoptr(GVariant) state = g_action_get_state (G_ACTION (action));

  activate_cb (action, parameter, user_data);
  g_simple_action_set_state (action, g_variant_new_boolean (!g_variant_get_boolean (state)));
}

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  const GActionEntry entries[] = {
    { .name = "show-window", .activate = activate_cb },
    { .name = "show-peer", .activate = activate_cb, .parameter_type = "s" },
    { .name = "add-device", .activate = activate_cb },
    { .name = "pause", .activate = pause_cb, .state = "false" },
    { .name = "quit", .activate = activate_cb },
  };

  fx->bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (fx->bus);
  fx->app = new_connection ();
  fx->host = new_connection ();
  fx->actions = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (fx->actions), entries, G_N_ELEMENTS (entries),
                                   fx);
  fx->activated = g_ptr_array_new_with_free_func (g_free);
  fx->dir = pu_test_make_tmpdir ();
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  watcher_stop (&fx->watcher);
  g_free (fx->watcher.service);
  g_free (fx->watcher.sender);
  g_dbus_connection_close_sync (fx->app, NULL, &error);
  g_assert_no_error (error);
  g_dbus_connection_close_sync (fx->host, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&fx->app);
  g_clear_object (&fx->host);
  g_clear_object (&fx->actions);
  g_ptr_array_unref (fx->activated);
  pu_test_remove_tree (fx->dir);
  g_free (fx->dir);
  g_test_dbus_down (fx->bus);
  g_clear_object (&fx->bus);
}

typedef struct {
  gboolean done;
  GVariant *reply;
  GError *error;
} Reply;

static void
call_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  Reply *r = user_data;

  r->reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &r->error);
  r->done = TRUE;
}

/* Calls from the host's side, running the main loop meanwhile (the item
 * answers from it). */
static GVariant *
call (Fixture    *fx,
      const char *path,
      const char *interface,
      const char *method,
      GVariant   *parameters,
      GError    **error)
{
  Reply r = { 0 };

  g_dbus_connection_call (fx->host, g_dbus_connection_get_unique_name (fx->app), path,
                          interface, method, parameters, NULL, G_DBUS_CALL_FLAGS_NONE, -1,
                          NULL, call_cb, &r);
  pu_test_run_until (&r.done);
  if (r.error != NULL)
    g_propagate_error (error, r.error);
  return r.reply;
}

static GVariant *
get_item_property (Fixture    *fx,
                   const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  GVariant *value;

  reply = call (fx, PU_STATUS_NOTIFIER_OBJECT_PATH, "org.freedesktop.DBus.Properties", "Get",
                g_variant_new ("(ss)", "org.kde.StatusNotifierItem", name), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(v)", &value);
  return value;
}

static char *
get_item_string (Fixture    *fx,
                 const char *name)
{
  g_autoptr(GVariant) value = get_item_property (fx, name);

  return g_variant_dup_string (value, NULL);
}

static void
count_cb (GObject    *object,
          GParamSpec *pspec,
          gpointer    user_data)
{
  (*(guint *) user_data)++;
}

static void
activated_cb (PuStatusNotifier *notifier,
              int               x,
              int               y,
              gpointer          user_data)
{
  g_assert_cmpint (x, ==, 12);
  g_assert_cmpint (y, ==, 34);
  *(gboolean *) user_data = TRUE;
}

static void
test_notifier (Fixture       *fx,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuStatusNotifier) item = NULL;
  g_autoptr(GVariant) tooltip = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *value = NULL;
  const char *title, *body, *icon;
  gboolean activated = FALSE;
  guint notified = 0;

  /* No tray at first: nothing fails, nothing is registered. */
  item = pu_status_notifier_new (fx->app, "dev.peerup.Test", MENU_PATH, &error);
  g_assert_no_error (error);
  g_signal_connect (item, "notify::registered", G_CALLBACK (count_cb), &notified);
  pu_status_notifier_set_title (item, "Peer Up");
  pu_status_notifier_set_icon_name (item, "dev.peerup.PeerUp-online-symbolic");
  pu_status_notifier_set_tooltip (item, "Peer Up", "Online, no device connected");
  g_assert_false (pu_status_notifier_get_registered (item));

  watcher_start (&fx->watcher);
  pu_test_run_until_count (&fx->watcher.n_registered, 1);
  pu_test_run_until_count (&notified, 1);
  g_assert_true (pu_status_notifier_get_registered (item));
  g_assert_cmpstr (fx->watcher.service, ==, g_dbus_connection_get_unique_name (fx->app));
  g_assert_cmpstr (fx->watcher.sender, ==, g_dbus_connection_get_unique_name (fx->app));

  value = get_item_string (fx, "Id");
  g_assert_cmpstr (value, ==, "dev.peerup.Test");
  g_free (value);
  value = get_item_string (fx, "Title");
  g_assert_cmpstr (value, ==, "Peer Up");
  g_free (value);
  value = get_item_string (fx, "Category");
  g_assert_cmpstr (value, ==, "ApplicationStatus");
  g_free (value);
  value = get_item_string (fx, "Status");
  g_assert_cmpstr (value, ==, "Active");
  g_free (value);
  value = get_item_string (fx, "IconName");
  g_assert_cmpstr (value, ==, "dev.peerup.PeerUp-online-symbolic");
  g_free (value);
  value = get_item_string (fx, "Menu");
  g_assert_cmpstr (value, ==, MENU_PATH);
  tooltip = get_item_property (fx, "ToolTip");
  g_variant_get (tooltip, "(&s@a(iiay)&s&s)", &icon, NULL, &title, &body);
  g_assert_cmpstr (title, ==, "Peer Up");
  g_assert_cmpstr (body, ==, "Online, no device connected");

  g_signal_connect (item, "activate", G_CALLBACK (activated_cb), &activated);
  reply = call (fx, PU_STATUS_NOTIFIER_OBJECT_PATH, "org.kde.StatusNotifierItem", "Activate",
                g_variant_new ("(ii)", 12, 34), &error);
  g_assert_no_error (error);
  g_assert_true (activated);

  /* The panel restarts: the item registers again with the new watcher. */
  watcher_stop (&fx->watcher);
  pu_test_run_until_count (&notified, 2);
  g_assert_false (pu_status_notifier_get_registered (item));
  watcher_start (&fx->watcher);
  pu_test_run_until_count (&fx->watcher.n_registered, 2);
  pu_test_run_until_count (&notified, 3);
  g_assert_true (pu_status_notifier_get_registered (item));
}

/* The menu a tray shows, one "label [toggle]" or "---" per top-level item,
 * from GetLayout; their ids in @ids. Checks the layout's revision is
 * @revision unless that is 0. */
static char *
describe_layout (Fixture    *fx,
                 const char *path,
                 guint       revision,
                 gint32      ids[16])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) children = NULL;
  g_autoptr(GString) text = g_string_new (NULL);
  const char *names[] = { NULL };
  guint got_revision;
  gint32 root;

  reply = call (fx, path, PU_DBUS_MENU_INTERFACE, "GetLayout",
                g_variant_new ("(ii^as)", 0, -1, names), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u(i@a{sv}@av))", &got_revision, &root, NULL, &children);
  g_assert_cmpint (root, ==, 0);
  if (revision != 0)
    g_assert_cmpuint (got_revision, ==, revision);
  g_assert_cmpuint (g_variant_n_children (children), <=, 16);

  for (gsize i = 0; i < g_variant_n_children (children); i++)
    {
      g_autoptr(GVariant) child = g_variant_get_child_value (children, i);
      g_autoptr(GVariant) inner = g_variant_get_variant (child);
      g_autoptr(GVariant) props = NULL;
      g_autoptr(GVariant) grandchildren = NULL;
      const char *label = NULL, *type = NULL, *toggle = NULL, *icon = NULL;
      gint32 id, state = -1;
      gboolean enabled = TRUE;

      g_variant_get (inner, "(i@a{sv}@av)", &id, &props, &grandchildren);
      g_assert_cmpint (id, >, 0);
      ids[i] = id;
      g_variant_lookup (props, "label", "&s", &label);
      g_variant_lookup (props, "type", "&s", &type);
      g_variant_lookup (props, "toggle-type", "&s", &toggle);
      g_variant_lookup (props, "toggle-state", "i", &state);
      g_variant_lookup (props, "enabled", "b", &enabled);
      g_variant_lookup (props, "icon-name", "&s", &icon);
      if (text->len > 0)
        g_string_append (text, " | ");
      if (g_strcmp0 (type, "separator") == 0)
        g_string_append (text, "---");
      else
        g_string_append_printf (text, "%s%s", label, enabled ? "" : " (disabled)");
      if (toggle != NULL)
        g_string_append_printf (text, " [%s %d]", toggle, state);
      if (icon != NULL)
        g_string_append_printf (text, " <%s>", icon);
      if (g_variant_n_children (grandchildren) > 0)
        g_string_append_printf (text, " {%zu}", g_variant_n_children (grandchildren));
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

#define event(fx, id, name, error) event_at (fx, MENU_PATH, id, name, error)

static void
event_at (Fixture    *fx,
          const char *path,
          gint32      id,
          const char *name,
          GError    **error)
{
  g_autoptr(GVariant) reply = NULL;

  reply = call (fx, path, PU_DBUS_MENU_INTERFACE, "Event",
                g_variant_new ("(isvu)", id, name, g_variant_new_int32 (0), 0), error);
}

typedef struct {
  guint layouts;
  guint revision;
  guint properties;
  GVariant *updated;
} Signals;

static void
menu_signal_cb (GDBusConnection *connection,
                const char      *sender,
                const char      *object_path,
                const char      *interface_name,
                const char      *signal_name,
                GVariant        *parameters,
                gpointer         user_data)
{
  Signals *s = user_data;

  if (g_str_equal (signal_name, "LayoutUpdated"))
    {
      gint32 parent;

      g_variant_get (parameters, "(ui)", &s->revision, &parent);
      g_assert_cmpint (parent, ==, 0);
      s->layouts++;
    }
  else if (g_str_equal (signal_name, "ItemsPropertiesUpdated"))
    {
      g_clear_pointer (&s->updated, g_variant_unref);
      s->updated = g_variant_ref (parameters);
      s->properties++;
    }
}

static void
test_menu (Fixture       *fx,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) first = g_menu_new ();
  g_autoptr(GMenu) second = g_menu_new ();
  g_autoptr(GMenu) submenu = g_menu_new ();
  g_autoptr(PuDbusMenu) dbus_menu = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) expected = NULL;
  g_autofree char *layout = NULL;
  Signals s = { 0 };
  guint subscription;
  gint32 ids[16];
  gint32 old_show;
  gint32 id;
  gboolean enabled;

  g_menu_append (first, "_Show", "app.show-window");
  g_menu_append (first, "Nothing", "app.no-such-action");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (first));
  g_menu_append (second, "desk: direct", "app.show-peer::12D3KooWdesk");
  g_menu_append (second, "_Pause", "app.pause");
  g_menu_append (submenu, "_Quit", "app.quit");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (second));
  g_menu_append_submenu (menu, "More", G_MENU_MODEL (submenu));

  dbus_menu = pu_dbus_menu_new (G_MENU_MODEL (menu));
  pu_dbus_menu_insert_action_group (dbus_menu, "app", G_ACTION_GROUP (fx->actions));
  g_assert_true (pu_dbus_menu_export (dbus_menu, fx->app, MENU_PATH, &error));
  g_assert_no_error (error);
  subscription = g_dbus_connection_signal_subscribe (fx->host, NULL, PU_DBUS_MENU_INTERFACE,
                                                     NULL, MENU_PATH, NULL,
                                                     G_DBUS_SIGNAL_FLAGS_NONE, menu_signal_cb,
                                                     &s, NULL);
  /* Inserting the group refreshed the layout once. */
  pu_test_run_until_count (&s.layouts, 1);

  layout = describe_layout (fx, MENU_PATH, s.revision, ids);
  g_assert_cmpstr (layout, ==,
                   "_Show | Nothing (disabled) | --- | desk: direct | _Pause [checkmark 0]"
                   " | --- | More {1}");

  /* A click runs the item's action with its target; a checkmark toggles. */
  event (fx, ids[3], "clicked", &error);
  g_assert_no_error (error);
  event (fx, ids[4], "clicked", &error);
  g_assert_no_error (error);
  event (fx, ids[0], "hovered", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fx->activated->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (fx->activated, 0), ==, "show-peer:12D3KooWdesk");
  g_assert_cmpstr (g_ptr_array_index (fx->activated, 1), ==, "pause");
  pu_test_run_until_count (&s.properties, 1);
  {
    g_autoptr(GVariant) updated = g_variant_get_child_value (s.updated, 0);
    g_autoptr(GVariant) item = NULL;
    g_autoptr(GVariant) props = NULL;
    gint32 state = -1;

    g_assert_cmpuint (g_variant_n_children (updated), ==, 1);
    item = g_variant_get_child_value (updated, 0);
    g_variant_get (item, "(i@a{sv})", &id, &props);
    g_assert_cmpint (id, ==, ids[4]);
    g_assert_true (g_variant_lookup (props, "toggle-state", "i", &state));
    g_assert_cmpint (state, ==, 1);
  }

  /* The menu's own properties. */
  reply = call (fx, MENU_PATH, "org.freedesktop.DBus.Properties", "GetAll",
                g_variant_new ("(s)", PU_DBUS_MENU_INTERFACE), &error);
  g_assert_no_error (error);
  {
    g_autoptr(GVariant) props = g_variant_get_child_value (reply, 0);
    const char *direction = NULL, *status = NULL;
    guint32 version = 0;

    g_assert_true (g_variant_lookup (props, "Version", "u", &version));
    g_assert_cmpuint (version, ==, 3);
    g_assert_true (g_variant_lookup (props, "TextDirection", "&s", &direction));
    g_assert_cmpstr (direction, ==, "ltr");
    g_assert_true (g_variant_lookup (props, "Status", "&s", &status));
    g_assert_cmpstr (status, ==, "normal");
  }
  g_clear_pointer (&reply, g_variant_unref);

  /* An unknown item is an error the host can act on. */
  event (fx, 999, "clicked", &error);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
  g_clear_error (&error);

  /* Properties of one item, and AboutToShow. */
  reply = call (fx, MENU_PATH, PU_DBUS_MENU_INTERFACE, "GetProperty",
                g_variant_new ("(is)", ids[4], "toggle-state"), &error);
  g_assert_no_error (error);
  expected = g_variant_ref_sink (g_variant_new_parsed ("(<1>,)"));
  g_assert_true (g_variant_equal (reply, expected));
  g_clear_pointer (&reply, g_variant_unref);
  reply = call (fx, MENU_PATH, PU_DBUS_MENU_INTERFACE, "AboutToShow", g_variant_new ("(i)", 0),
                &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(b)", &enabled);
  g_assert_false (enabled);
  g_clear_pointer (&reply, g_variant_unref);

  /* A model change: one LayoutUpdated for several edits, new ids. */
  g_menu_remove (first, 1);
  g_menu_append (second, "Add _Device…", "app.add-device");
  pu_test_run_until_count (&s.layouts, 2);
  g_free (layout);
  old_show = ids[0];
  layout = describe_layout (fx, MENU_PATH, s.revision, ids);
  g_assert_cmpstr (layout, ==,
                   "_Show | --- | desk: direct | _Pause [checkmark 1] | Add _Device… | ---"
                   " | More {1}");
  g_assert_cmpuint (s.layouts, ==, 2);

  /* Items of the old layout are gone. */
  g_assert_cmpint (ids[0], !=, old_show);
  event (fx, old_show, "clicked", &error);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
  g_clear_error (&error);
  event (fx, ids[4], "clicked", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_ptr_array_index (fx->activated, 2), ==, "add-device");

  g_dbus_connection_signal_unsubscribe (fx->host, subscription);
  g_clear_pointer (&s.updated, g_variant_unref);
  pu_dbus_menu_unexport (dbus_menu);
}

static void
mode_cb (GSimpleAction *action,
         GVariant      *parameter,
         gpointer       user_data)
{
  g_simple_action_set_state (action, parameter);
}

/* Radio items, a submenu's own layout, and the calls that take several
 * items at once. */
static void
test_menu_groups (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) modes = g_menu_new ();
  g_autoptr(GSimpleActionGroup) group = g_simple_action_group_new ();
  g_autoptr(GSimpleAction) mode = NULL;
  g_autoptr(PuDbusMenu) dbus_menu = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) layout = NULL;
  g_autoptr(GVariant) children = NULL;
  g_autoptr(GVariant) ids = NULL;
  const char *names[] = { "toggle-type", "toggle-state", NULL };
  gint32 submenu_id, fast_id, slow_id;
  gint32 group_ids[3];
  guint revision;

  mode = g_simple_action_new_stateful ("mode", G_VARIANT_TYPE_STRING,
                                       g_variant_new_string ("fast"));
  g_signal_connect (mode, "activate", G_CALLBACK (mode_cb), NULL);
  g_action_map_add_action (G_ACTION_MAP (group), G_ACTION (mode));
  g_menu_append (modes, "Fast", "win.mode::fast");
  g_menu_append (modes, "Slow", "win.mode::slow");
  g_menu_append_submenu (menu, "Mode", G_MENU_MODEL (modes));

  dbus_menu = pu_dbus_menu_new (G_MENU_MODEL (menu));
  pu_dbus_menu_insert_action_group (dbus_menu, "win", G_ACTION_GROUP (group));
  g_assert_true (pu_dbus_menu_export (dbus_menu, fx->app, MENU_PATH, &error));
  g_assert_no_error (error);

  /* The root one level deep: the submenu item, its children left out. */
  reply = call (fx, MENU_PATH, PU_DBUS_MENU_INTERFACE, "GetLayout",
                g_variant_new ("(ii^as)", 0, 1, names), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u@(ia{sv}av))", &revision, &layout);
  children = g_variant_get_child_value (layout, 2);
  g_assert_cmpuint (g_variant_n_children (children), ==, 1);
  {
    g_autoptr(GVariant) child = g_variant_get_child_value (children, 0);
    g_autoptr(GVariant) inner = g_variant_get_variant (child);
    g_autoptr(GVariant) grandchildren = NULL;

    g_variant_get (inner, "(i@a{sv}@av)", &submenu_id, NULL, &grandchildren);
    g_assert_cmpuint (g_variant_n_children (grandchildren), ==, 0);
  }
  g_clear_pointer (&reply, g_variant_unref);
  g_clear_pointer (&layout, g_variant_unref);
  g_clear_pointer (&children, g_variant_unref);

  /* The submenu's own layout: two radio items, the current one on. */
  reply = call (fx, MENU_PATH, PU_DBUS_MENU_INTERFACE, "GetLayout",
                g_variant_new ("(ii^as)", submenu_id, -1, names), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u@(ia{sv}av))", NULL, &layout);
  children = g_variant_get_child_value (layout, 2);
  g_assert_cmpuint (g_variant_n_children (children), ==, 2);
  {
    g_autoptr(GVariant) first = g_variant_get_child_value (children, 0);
    g_autoptr(GVariant) second = g_variant_get_child_value (children, 1);
    g_autoptr(GVariant) fast = g_variant_get_variant (first);
    g_autoptr(GVariant) slow = g_variant_get_variant (second);
    g_autoptr(GVariant) fast_props = NULL;
    g_autoptr(GVariant) slow_props = NULL;
    const char *type = NULL;
    gint32 state = -1;

    g_variant_get (fast, "(i@a{sv}av)", &fast_id, &fast_props, NULL);
    g_variant_get (slow, "(i@a{sv}av)", &slow_id, &slow_props, NULL);
    g_assert_true (g_variant_lookup (fast_props, "toggle-type", "&s", &type));
    g_assert_cmpstr (type, ==, "radio");
    g_assert_true (g_variant_lookup (fast_props, "toggle-state", "i", &state));
    g_assert_cmpint (state, ==, 1);
    g_assert_true (g_variant_lookup (slow_props, "toggle-state", "i", &state));
    g_assert_cmpint (state, ==, 0);
    /* Only the properties asked for. */
    g_assert_false (g_variant_lookup (slow_props, "label", "&s", NULL));
  }
  g_clear_pointer (&reply, g_variant_unref);

  /* Several events at once: an unknown item is reported, the others run. */
  reply = call (fx, MENU_PATH, PU_DBUS_MENU_INTERFACE, "EventGroup",
                g_variant_new_parsed ("([(%i, 'clicked', <0>, @u 0), (999, 'clicked', <0>, 0)],)",
                                      slow_id),
                &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(@ai)", &ids);
  g_assert_cmpuint (g_variant_n_children (ids), ==, 1);
  g_variant_get_child (ids, 0, "i", &group_ids[0]);
  g_assert_cmpint (group_ids[0], ==, 999);
  {
    g_autoptr(GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (group), "mode");

    g_assert_cmpstr (g_variant_get_string (state, NULL), ==, "slow");
  }
  g_clear_pointer (&reply, g_variant_unref);
  g_clear_pointer (&ids, g_variant_unref);

  /* The new state, for both items. */
  group_ids[0] = fast_id;
  group_ids[1] = slow_id;
  reply = call (fx, MENU_PATH, PU_DBUS_MENU_INTERFACE, "GetGroupProperties",
                g_variant_new ("(@ai^as)",
                               g_variant_new_fixed_array (G_VARIANT_TYPE_INT32, group_ids, 2,
                                                          sizeof (gint32)),
                               names),
                &error);
  g_assert_no_error (error);
  {
    g_autoptr(GVariant) list = g_variant_get_child_value (reply, 0);
    g_autoptr(GVariant) fast = g_variant_get_child_value (list, 0);
    g_autoptr(GVariant) slow = g_variant_get_child_value (list, 1);
    g_autoptr(GVariant) fast_props = NULL;
    g_autoptr(GVariant) slow_props = NULL;
    gint32 state = -1;

    g_assert_cmpuint (g_variant_n_children (list), ==, 2);
    g_variant_get (fast, "(i@a{sv})", NULL, &fast_props);
    g_variant_get (slow, "(i@a{sv})", NULL, &slow_props);
    g_assert_true (g_variant_lookup (fast_props, "toggle-state", "i", &state));
    g_assert_cmpint (state, ==, 0);
    g_assert_true (g_variant_lookup (slow_props, "toggle-state", "i", &state));
    g_assert_cmpint (state, ==, 1);
  }
  g_clear_pointer (&reply, g_variant_unref);

  /* Nothing to refresh before showing; unknown items are reported. */
  group_ids[2] = 4242;
  reply = call (fx, MENU_PATH, PU_DBUS_MENU_INTERFACE, "AboutToShowGroup",
                g_variant_new ("(@ai)",
                               g_variant_new_fixed_array (G_VARIANT_TYPE_INT32, group_ids, 3,
                                                          sizeof (gint32))),
                &error);
  g_assert_no_error (error);
  {
    g_autoptr(GVariant) updates = g_variant_get_child_value (reply, 0);
    g_autoptr(GVariant) errors = g_variant_get_child_value (reply, 1);
    gint32 unknown;

    g_assert_cmpuint (g_variant_n_children (updates), ==, 0);
    g_assert_cmpuint (g_variant_n_children (errors), ==, 1);
    g_variant_get_child (errors, 0, "i", &unknown);
    g_assert_cmpint (unknown, ==, 4242);
  }

  pu_dbus_menu_unexport (dbus_menu);
}

static void
test_tray (Fixture       *fx,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *config_path = g_build_filename (fx->dir, "config.ini", NULL);
  g_autoptr(PuProfile) profile = NULL;
  g_autoptr(PuIdentity) laptop = pu_identity_generate ();
  g_autofree char *laptop_id = g_strdup (pu_identity_get_peer_id_string (laptop));
  g_autofree char *expected = NULL;
  g_autoptr(PuNode) node = NULL;
  g_autoptr(PuTray) tray = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autofree char *layout = NULL;
  g_autofree char *value = NULL;
  Signals s = { 0 };
  guint subscription;
  gint32 ids[16];

  profile = pu_profile_init (config_path, "desk", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (pu_trust_store_add (pu_profile_get_trust_store (profile),
                                     pu_identity_get_peer_id (laptop), NULL, 0, &error));
  g_assert_true (pu_config_set_name (pu_profile_get_config (profile), "laptop",
                                     pu_identity_get_peer_id (laptop), &error));
  g_assert_no_error (error);

  watcher_start (&fx->watcher);
  tray = pu_tray_new (fx->app, G_ACTION_GROUP (fx->actions), &error);
  g_assert_no_error (error);
  pu_test_run_until_count (&fx->watcher.n_registered, 1);

  /* No node yet: offline, and the menu has no devices. */
  g_assert_cmpint (pu_tray_get_state (tray), ==, PU_TRAY_STATE_OFFLINE);
  g_assert_cmpstr (pu_tray_get_summary (tray), ==, "Offline: no relay can be reached");
  value = get_item_string (fx, "IconName");
  g_assert_cmpstr (value, ==, "dev.peerup.PeerUp-offline-symbolic");
  g_free (value);
  value = get_item_string (fx, "Menu");
  g_assert_cmpstr (value, ==, PU_TRAY_MENU_PATH);
  g_free (value);
  layout = describe_layout (fx, PU_TRAY_MENU_PATH, 0, ids);
  g_assert_cmpstr (layout, ==, "_Show Peer Up | --- | _Add Device… | _Pause [checkmark 0]"
                               " | --- | _Quit");
  g_clear_pointer (&layout, g_free);

  /* With a node (no relay connected): the authorized device by its name. */
  subscription = g_dbus_connection_signal_subscribe (fx->host, NULL, PU_DBUS_MENU_INTERFACE,
                                                     "LayoutUpdated", PU_TRAY_MENU_PATH, NULL,
                                                     G_DBUS_SIGNAL_FLAGS_NONE, menu_signal_cb,
                                                     &s, NULL);
  node = pu_node_new (profile, TRUE, &error);
  g_assert_no_error (error);
  pu_tray_set_node (tray, node);
  g_assert_cmpint (pu_tray_get_state (tray), ==, PU_TRAY_STATE_OFFLINE);
  pu_test_run_until_count (&s.layouts, 1);
  layout = describe_layout (fx, PU_TRAY_MENU_PATH, s.revision, ids);
  g_assert_cmpstr (layout, ==, "_Show Peer Up | --- | laptop: not connected"
                               " <dev.peerup.PeerUp-offline-symbolic> | ---"
                               " | _Add Device… | _Pause [checkmark 0] | --- | _Quit");

  /* The menu drives the application's actions. */
  event_at (fx, PU_TRAY_MENU_PATH, ids[2], "clicked", &error);
  g_assert_no_error (error);
  expected = g_strdup_printf ("show-peer:%s", laptop_id);
  g_assert_cmpstr (g_ptr_array_index (fx->activated, 0), ==, expected);
  event_at (fx, PU_TRAY_MENU_PATH, ids[7], "clicked", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_ptr_array_index (fx->activated, 1), ==, "quit");
  reply = call (fx, PU_STATUS_NOTIFIER_OBJECT_PATH, "org.kde.StatusNotifierItem", "Activate",
                g_variant_new ("(ii)", 0, 0), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_ptr_array_index (fx->activated, 2), ==, "show-window");

  /* Paused from the menu: the summary says so. */
  event_at (fx, PU_TRAY_MENU_PATH, ids[5], "clicked", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pu_tray_get_summary (tray), ==, "Paused: devices cannot reach this one");
  {
    g_autoptr(GVariant) tooltip = get_item_property (fx, "ToolTip");
    const char *body;

    g_variant_get (tooltip, "(&s@a(iiay)&s&s)", NULL, NULL, NULL, &body);
    g_assert_cmpstr (body, ==, "Paused: devices cannot reach this one");
  }

  /* Pairing: its own icon, and the item asks for attention. */
  pu_tray_set_pairing (tray, TRUE);
  g_assert_cmpint (pu_tray_get_state (tray), ==, PU_TRAY_STATE_PAIRING);
  value = get_item_string (fx, "IconName");
  g_assert_cmpstr (value, ==, "dev.peerup.PeerUp-pairing-symbolic");
  g_free (value);
  value = get_item_string (fx, "AttentionIconName");
  g_assert_cmpstr (value, ==, "dev.peerup.PeerUp-pairing-symbolic");
  g_free (value);
  value = get_item_string (fx, "Status");
  g_assert_cmpstr (value, ==, "NeedsAttention");

  g_dbus_connection_signal_unsubscribe (fx->host, subscription);
  g_clear_object (&tray);
  pu_node_stop (node);
}

static void
count_signal_cb (gpointer  instance,
                 gpointer  arg,
                 guint    *count)
{
  (*count)++;
}

/* A real relay on loopback: online once the relay answers, relayed once a
 * device is connected through it. */
static void
test_tray_states (Fixture       *fx,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  PuTestRelay *relay = pu_test_relay_new (fx->dir);
  g_autoptr(PuProfile) home = pu_test_relay_add_device (relay, "home");
  g_autoptr(PuProfile) laptop = pu_test_relay_add_device (relay, "laptop");
  const PuPeerId *laptop_id = pu_identity_get_peer_id (pu_profile_get_identity (laptop));
  g_autoptr(PuNode) home_node = NULL;
  g_autoptr(PuNode) laptop_node = NULL;
  g_autoptr(PuTray) tray = NULL;
  g_autofree char *layout = NULL;
  g_autofree char *value = NULL;
  Signals s = { 0 };
  guint relay_changes = 0;
  guint peer_changes = 0;
  guint subscription;
  gint32 ids[16];

  g_assert_true (pu_trust_store_add (pu_profile_get_trust_store (home), laptop_id, NULL, 0,
                                     &error));
  g_assert_true (pu_config_set_name (pu_profile_get_config (home), "laptop", laptop_id, &error));
  g_assert_no_error (error);
  home_node = pu_node_new (home, TRUE, &error);
  g_assert_no_error (error);
  laptop_node = pu_node_new (laptop, FALSE, &error);
  g_assert_no_error (error);
  /* Every connection stays on the relay. */
  pu_node_set_direct_paths (home_node, FALSE);
  pu_node_set_direct_paths (laptop_node, FALSE);
  g_signal_connect (home_node, "relay-changed", G_CALLBACK (count_signal_cb), &relay_changes);
  g_signal_connect (home_node, "peer-changed", G_CALLBACK (count_signal_cb), &peer_changes);

  tray = pu_tray_new (fx->app, G_ACTION_GROUP (fx->actions), &error);
  g_assert_no_error (error);
  pu_tray_set_node (tray, home_node);
  g_assert_cmpint (pu_tray_get_state (tray), ==, PU_TRAY_STATE_OFFLINE);

  pu_node_start (home_node);
  pu_test_run_until_count (&relay_changes, 1);
  g_assert_cmpuint (pu_node_get_n_relays_connected (home_node), ==, 1);
  g_assert_cmpint (pu_tray_get_state (tray), ==, PU_TRAY_STATE_ONLINE);
  g_assert_cmpstr (pu_tray_get_summary (tray), ==, "Online, no device connected");

  subscription = g_dbus_connection_signal_subscribe (fx->host, NULL, PU_DBUS_MENU_INTERFACE,
                                                     "LayoutUpdated", PU_TRAY_MENU_PATH, NULL,
                                                     G_DBUS_SIGNAL_FLAGS_NONE, menu_signal_cb,
                                                     &s, NULL);
  pu_node_start (laptop_node);
  pu_test_ping (laptop_node, pu_identity_get_peer_id (pu_profile_get_identity (home)), &error);
  g_assert_no_error (error);
  pu_test_run_until_count (&peer_changes, 1);
  g_assert_cmpint (pu_tray_get_state (tray), ==, PU_TRAY_STATE_RELAYED);
  g_assert_cmpstr (pu_tray_get_summary (tray), ==, "1 device connected, 1 through the relay");
  watcher_start (&fx->watcher);
  pu_test_run_until_count (&fx->watcher.n_registered, 1);
  value = get_item_string (fx, "IconName");
  g_assert_cmpstr (value, ==, "dev.peerup.PeerUp-relayed-symbolic");
  pu_test_run_until_count (&s.layouts, 1);
  layout = describe_layout (fx, PU_TRAY_MENU_PATH, s.revision, ids);
  g_assert_cmpstr (layout, ==, "_Show Peer Up | --- | laptop: through the relay"
                               " <dev.peerup.PeerUp-relayed-symbolic> | ---"
                               " | _Add Device… | _Pause [checkmark 0] | --- | _Quit");

  g_dbus_connection_signal_unsubscribe (fx->host, subscription);
  g_clear_object (&tray);
  pu_node_stop (laptop_node);
  pu_node_stop (home_node);
  g_clear_object (&laptop_node);
  g_clear_object (&home_node);
  pu_test_relay_free (relay);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *daemon = g_find_program_in_path ("dbus-daemon");

  g_test_init (&argc, &argv, NULL);

  if (daemon == NULL)
    {
      g_test_skip ("dbus-daemon is not installed");
      return g_test_run ();
    }

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/tray/notifier", test_notifier);
  ADD ("/tray/menu", test_menu);
  ADD ("/tray/menu-groups", test_menu_groups);
  ADD ("/tray/tray", test_tray);
  ADD ("/tray/states", test_tray_states);
#undef ADD

  return g_test_run ();
}
