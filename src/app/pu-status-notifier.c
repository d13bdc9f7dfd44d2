/* pu-status-notifier.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-status-notifier.h"

#define ITEM_INTERFACE "org.kde.StatusNotifierItem"
#define WATCHER_PATH "/StatusNotifierWatcher"

static const char introspection_xml[] =
  "<node>"
  "  <interface name='org.kde.StatusNotifierItem'>"
  "    <property name='Category' type='s' access='read'/>"
  "    <property name='Id' type='s' access='read'/>"
  "    <property name='Title' type='s' access='read'/>"
  "    <property name='Status' type='s' access='read'/>"
  "    <property name='WindowId' type='i' access='read'/>"
  "    <property name='IconThemePath' type='s' access='read'/>"
  "    <property name='Menu' type='o' access='read'/>"
  "    <property name='ItemIsMenu' type='b' access='read'/>"
  "    <property name='IconName' type='s' access='read'/>"
  "    <property name='IconPixmap' type='a(iiay)' access='read'/>"
  "    <property name='OverlayIconName' type='s' access='read'/>"
  "    <property name='OverlayIconPixmap' type='a(iiay)' access='read'/>"
  "    <property name='AttentionIconName' type='s' access='read'/>"
  "    <property name='AttentionIconPixmap' type='a(iiay)' access='read'/>"
  "    <property name='AttentionMovieName' type='s' access='read'/>"
  "    <property name='ToolTip' type='(sa(iiay)ss)' access='read'/>"
  "    <method name='ContextMenu'>"
  "      <arg name='x' type='i' direction='in'/>"
  "      <arg name='y' type='i' direction='in'/>"
  "    </method>"
  "    <method name='Activate'>"
  "      <arg name='x' type='i' direction='in'/>"
  "      <arg name='y' type='i' direction='in'/>"
  "    </method>"
  "    <method name='SecondaryActivate'>"
  "      <arg name='x' type='i' direction='in'/>"
  "      <arg name='y' type='i' direction='in'/>"
  "    </method>"
  "    <method name='Scroll'>"
  "      <arg name='delta' type='i' direction='in'/>"
  "      <arg name='orientation' type='s' direction='in'/>"
  "    </method>"
  "    <signal name='NewTitle'/>"
  "    <signal name='NewIcon'/>"
  "    <signal name='NewAttentionIcon'/>"
  "    <signal name='NewOverlayIcon'/>"
  "    <signal name='NewToolTip'/>"
  "    <signal name='NewStatus'>"
  "      <arg name='status' type='s'/>"
  "    </signal>"
  "    <signal name='NewIconThemePath'>"
  "      <arg name='icon_theme_path' type='s'/>"
  "    </signal>"
  "    <signal name='NewMenu'/>"
  "  </interface>"
  "</node>";

static const char * const status_names[] = { "Passive", "Active", "NeedsAttention" };

struct _PuStatusNotifier
{
  GObject parent_instance;

  GDBusConnection *connection;
  guint registration_id;
  guint watch_id;
  GCancellable *cancellable;  /* the registration call in flight */
  gboolean registered;

  char *id;
  char *menu_path;
  char *title;
  char *icon_name;
  char *tooltip_title;
  char *tooltip_body;
  PuStatusNotifierStatus status;
};

enum {
  PROP_0,
  PROP_REGISTERED,
  N_PROPS
};

enum {
  SIGNAL_ACTIVATE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PuStatusNotifier, pu_status_notifier, G_TYPE_OBJECT)

static void
set_registered (PuStatusNotifier *self,
                gboolean          registered)
{
  if (self->registered == registered)
    return;
  self->registered = registered;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REGISTERED]);
}

static void
register_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  PuStatusNotifier *self;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  g_clear_object (&self->cancellable);
  if (reply == NULL)
    {
      g_message ("The tray did not take Peer Up's icon: %s", error->message);
      return;
    }
  set_registered (self, TRUE);
}

static void
watcher_appeared_cb (GDBusConnection *connection,
                     const char      *name,
                     const char      *owner,
                     gpointer         user_data)
{
  PuStatusNotifier *self = user_data;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  /* The unique name: the watcher finds the item at the usual object path. */
  g_dbus_connection_call (connection, owner, WATCHER_PATH, PU_STATUS_NOTIFIER_WATCHER,
                          "RegisterStatusNotifierItem",
                          g_variant_new ("(s)", g_dbus_connection_get_unique_name (connection)),
                          NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, -1, self->cancellable,
                          register_cb, self);
}

static void
watcher_vanished_cb (GDBusConnection *connection,
                     const char      *name,
                     gpointer         user_data)
{
  PuStatusNotifier *self = user_data;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_registered (self, FALSE);
}

static void
emit (PuStatusNotifier *self,
      const char       *signal,
      GVariant         *parameters)
{
  g_autoptr(GError) error = NULL;

  if (!g_dbus_connection_emit_signal (self->connection, NULL, PU_STATUS_NOTIFIER_OBJECT_PATH,
                                      ITEM_INTERFACE, signal, parameters, &error))
    g_debug ("Could not send the tray icon's %s: %s", signal, error->message);
}

static GVariant *
no_pixmaps (void)
{
  return g_variant_new_array (G_VARIANT_TYPE ("(iiay)"), NULL, 0);
}

static GVariant *
handle_get_property (GDBusConnection  *connection,
                     const char       *sender,
                     const char       *object_path,
                     const char       *interface_name,
                     const char       *property_name,
                     GError          **error,
                     gpointer          user_data)
{
  PuStatusNotifier *self = user_data;
  const char *name = property_name;

  if (g_str_equal (name, "Category"))
    return g_variant_new_string ("ApplicationStatus");
  if (g_str_equal (name, "Id"))
    return g_variant_new_string (self->id);
  if (g_str_equal (name, "Title"))
    return g_variant_new_string (self->title != NULL ? self->title : "");
  if (g_str_equal (name, "Status"))
    return g_variant_new_string (status_names[self->status]);
  if (g_str_equal (name, "WindowId"))
    return g_variant_new_int32 (0);
  if (g_str_equal (name, "IconThemePath"))
    return g_variant_new_string ("");
  if (g_str_equal (name, "Menu"))
    return g_variant_new_object_path (self->menu_path != NULL ? self->menu_path : "/");
  if (g_str_equal (name, "ItemIsMenu"))
    return g_variant_new_boolean (FALSE);
  /* Asking for attention shows the same icon (hosts may make it blink). */
  if (g_str_equal (name, "IconName") || g_str_equal (name, "AttentionIconName"))
    return g_variant_new_string (self->icon_name != NULL ? self->icon_name : "");
  if (g_str_equal (name, "OverlayIconName") || g_str_equal (name, "AttentionMovieName"))
    return g_variant_new_string ("");
  if (g_str_has_suffix (name, "Pixmap"))
    return no_pixmaps ();
  if (g_str_equal (name, "ToolTip"))
    return g_variant_new ("(s@a(iiay)ss)", "", no_pixmaps (),
                          self->tooltip_title != NULL ? self->tooltip_title : "",
                          self->tooltip_body != NULL ? self->tooltip_body : "");
  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY, "No property %s", name);
  return NULL;
}

static void
handle_method_call (GDBusConnection       *connection,
                    const char            *sender,
                    const char            *object_path,
                    const char            *interface_name,
                    const char            *method_name,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation,
                    gpointer               user_data)
{
  PuStatusNotifier *self = user_data;
  gint32 x, y;

  /* Hosts show the menu themselves; a middle click or a scroll does nothing. */
  if (g_str_equal (method_name, "Activate"))
    {
      g_variant_get (parameters, "(ii)", &x, &y);
      g_signal_emit (self, signals[SIGNAL_ACTIVATE], 0, x, y);
    }
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable vtable = {
  .method_call = handle_method_call,
  .get_property = handle_get_property,
};

static void
pu_status_notifier_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  PuStatusNotifier *self = PU_STATUS_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_REGISTERED:
      g_value_set_boolean (value, self->registered);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
pu_status_notifier_dispose (GObject *object)
{
  PuStatusNotifier *self = PU_STATUS_NOTIFIER (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->watch_id, g_bus_unwatch_name);
  if (self->registration_id != 0)
    g_dbus_connection_unregister_object (self->connection, self->registration_id);
  self->registration_id = 0;
  g_clear_object (&self->connection);

  G_OBJECT_CLASS (pu_status_notifier_parent_class)->dispose (object);
}

static void
pu_status_notifier_finalize (GObject *object)
{
  PuStatusNotifier *self = PU_STATUS_NOTIFIER (object);

  g_free (self->id);
  g_free (self->menu_path);
  g_free (self->title);
  g_free (self->icon_name);
  g_free (self->tooltip_title);
  g_free (self->tooltip_body);

  G_OBJECT_CLASS (pu_status_notifier_parent_class)->finalize (object);
}

static void
pu_status_notifier_class_init (PuStatusNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->get_property = pu_status_notifier_get_property;
  object_class->dispose = pu_status_notifier_dispose;
  object_class->finalize = pu_status_notifier_finalize;

  properties[PROP_REGISTERED] =
    g_param_spec_boolean ("registered", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNAL_ACTIVATE] =
    g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 2, G_TYPE_INT, G_TYPE_INT);
}

static void
pu_status_notifier_init (PuStatusNotifier *self)
{
  self->status = PU_STATUS_NOTIFIER_ACTIVE;
}

PuStatusNotifier *
pu_status_notifier_new (GDBusConnection  *connection,
                        const char       *id,
                        const char       *menu_path,
                        GError          **error)
{
  static GDBusNodeInfo *info;
  g_autoptr(PuStatusNotifier) self = NULL;

  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), NULL);
  /* A message bus connection: the watcher finds the item by its name. */
  g_return_val_if_fail (g_dbus_connection_get_unique_name (connection) != NULL, NULL);
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (menu_path == NULL || g_variant_is_object_path (menu_path), NULL);

  if (g_once_init_enter (&info))
    g_once_init_leave (&info, g_dbus_node_info_new_for_xml (introspection_xml, NULL));

  self = g_object_new (PU_TYPE_STATUS_NOTIFIER, NULL);
  self->id = g_strdup (id);
  self->menu_path = g_strdup (menu_path);
  self->registration_id = g_dbus_connection_register_object (connection,
                                                             PU_STATUS_NOTIFIER_OBJECT_PATH,
                                                             info->interfaces[0], &vtable,
                                                             self, NULL, error);
  if (self->registration_id == 0)
    return NULL;
  self->connection = g_object_ref (connection);
  self->watch_id = g_bus_watch_name_on_connection (connection, PU_STATUS_NOTIFIER_WATCHER,
                                                   G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                   watcher_appeared_cb, watcher_vanished_cb,
                                                   self, NULL);
  return g_steal_pointer (&self);
}

/* Replaces *@field by @value; TRUE when it changed. */
static gboolean
replace (char       **field,
         const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

void
pu_status_notifier_set_title (PuStatusNotifier *self,
                              const char       *title)
{
  g_return_if_fail (PU_IS_STATUS_NOTIFIER (self));

  if (replace (&self->title, title))
    emit (self, "NewTitle", NULL);
}

void
pu_status_notifier_set_icon_name (PuStatusNotifier *self,
                                  const char       *icon_name)
{
  g_return_if_fail (PU_IS_STATUS_NOTIFIER (self));

  if (replace (&self->icon_name, icon_name))
    {
      emit (self, "NewIcon", NULL);
      emit (self, "NewAttentionIcon", NULL);
    }
}

void
pu_status_notifier_set_tooltip (PuStatusNotifier *self,
                                const char       *title,
                                const char       *body)
{
  gboolean changed;

  g_return_if_fail (PU_IS_STATUS_NOTIFIER (self));

  changed = replace (&self->tooltip_title, title);
  changed = replace (&self->tooltip_body, body) || changed;
  if (changed)
    emit (self, "NewToolTip", NULL);
}

void
pu_status_notifier_set_status (PuStatusNotifier       *self,
                               PuStatusNotifierStatus  status)
{
  g_return_if_fail (PU_IS_STATUS_NOTIFIER (self));
  g_return_if_fail (status <= PU_STATUS_NOTIFIER_NEEDS_ATTENTION);

  if (self->status == status)
    return;
  self->status = status;
  emit (self, "NewStatus", g_variant_new ("(s)", status_names[status]));
}

gboolean
pu_status_notifier_get_registered (PuStatusNotifier *self)
{
  g_return_val_if_fail (PU_IS_STATUS_NOTIFIER (self), FALSE);

  return self->registered;
}
