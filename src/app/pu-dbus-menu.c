/* pu-dbus-menu.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-dbus-menu.h"

#include <string.h>

/* The version of the dbusmenu protocol spoken here. */
#define DBUS_MENU_VERSION 3

static const char introspection_xml[] =
  "<node>"
  "  <interface name='com.canonical.dbusmenu'>"
  "    <method name='GetLayout'>"
  "      <arg type='i' name='parentId' direction='in'/>"
  "      <arg type='i' name='recursionDepth' direction='in'/>"
  "      <arg type='as' name='propertyNames' direction='in'/>"
  "      <arg type='u' name='revision' direction='out'/>"
  "      <arg type='(ia{sv}av)' name='layout' direction='out'/>"
  "    </method>"
  "    <method name='GetGroupProperties'>"
  "      <arg type='ai' name='ids' direction='in'/>"
  "      <arg type='as' name='propertyNames' direction='in'/>"
  "      <arg type='a(ia{sv})' name='properties' direction='out'/>"
  "    </method>"
  "    <method name='GetProperty'>"
  "      <arg type='i' name='id' direction='in'/>"
  "      <arg type='s' name='name' direction='in'/>"
  "      <arg type='v' name='value' direction='out'/>"
  "    </method>"
  "    <method name='Event'>"
  "      <arg type='i' name='id' direction='in'/>"
  "      <arg type='s' name='eventId' direction='in'/>"
  "      <arg type='v' name='data' direction='in'/>"
  "      <arg type='u' name='timestamp' direction='in'/>"
  "    </method>"
  "    <method name='EventGroup'>"
  "      <arg type='a(isvu)' name='events' direction='in'/>"
  "      <arg type='ai' name='idErrors' direction='out'/>"
  "    </method>"
  "    <method name='AboutToShow'>"
  "      <arg type='i' name='id' direction='in'/>"
  "      <arg type='b' name='needUpdate' direction='out'/>"
  "    </method>"
  "    <method name='AboutToShowGroup'>"
  "      <arg type='ai' name='ids' direction='in'/>"
  "      <arg type='ai' name='updatesNeeded' direction='out'/>"
  "      <arg type='ai' name='idErrors' direction='out'/>"
  "    </method>"
  "    <signal name='ItemsPropertiesUpdated'>"
  "      <arg type='a(ia{sv})' name='updatedProps'/>"
  "      <arg type='a(ias)' name='removedProps'/>"
  "    </signal>"
  "    <signal name='LayoutUpdated'>"
  "      <arg type='u' name='revision'/>"
  "      <arg type='i' name='parent'/>"
  "    </signal>"
  "    <signal name='ItemActivationRequested'>"
  "      <arg type='i' name='id'/>"
  "      <arg type='u' name='timestamp'/>"
  "    </signal>"
  "    <property name='Version' type='u' access='read'/>"
  "    <property name='TextDirection' type='s' access='read'/>"
  "    <property name='Status' type='s' access='read'/>"
  "    <property name='IconThemePath' type='as' access='read'/>"
  "  </interface>"
  "</node>";

/* One entry of the exported menu. Ids are never reused, so an event for an
 * item of an older layout finds nothing rather than another item. */
typedef struct {
  gint32    id;
  gboolean  separator;
  char     *label;
  char     *icon_name; /* of a themed icon, or NULL */
  char     *action;  /* "prefix.name" or NULL */
  GVariant *target;
  GArray   *children; /* gint32 ids */
  gboolean  separator_wanted; /* a section ended or starts: separate what follows */
} Item;

struct _PuDbusMenu
{
  GObject parent_instance;

  GMenuModel *model;
  GHashTable *groups;     /* prefix → GActionGroup */
  GHashTable *items;      /* id → Item; id 0 is the root */
  GPtrArray *watched;     /* the models whose items-changed rebuilds */
  gint32 next_id;
  guint revision;
  guint rebuild_id;
  gboolean model_changed; /* the idle rebuild makes new items; else it only tells */

  GDBusConnection *connection;
  char *object_path;
  guint registration_id;
};

G_DEFINE_FINAL_TYPE (PuDbusMenu, pu_dbus_menu, G_TYPE_OBJECT)

static void
item_free (gpointer data)
{
  Item *item = data;

  g_free (item->label);
  g_free (item->icon_name);
  g_free (item->action);
  g_clear_pointer (&item->target, g_variant_unref);
  g_array_unref (item->children);
  g_free (item);
}

static Item *
item_new (PuDbusMenu *self)
{
  Item *item = g_new0 (Item, 1);

  item->id = self->next_id++;
  item->children = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_hash_table_insert (self->items, GINT_TO_POINTER (item->id), item);
  return item;
}

static Item *
lookup_item (PuDbusMenu *self,
             gint32      id)
{
  return g_hash_table_lookup (self->items, GINT_TO_POINTER (id));
}

/* The group and the action's name in it, or NULL. */
static GActionGroup *
lookup_action (PuDbusMenu  *self,
               const char  *action,
               const char **name)
{
  g_autofree char *prefix = NULL;
  const char *dot;

  if (action == NULL || (dot = strchr (action, '.')) == NULL)
    return NULL;
  prefix = g_strndup (action, dot - action);
  *name = dot + 1;
  return g_hash_table_lookup (self->groups, prefix);
}

static void
append_child (Item *parent,
              Item *child)
{
  g_array_append_val (parent->children, child->id);
}

static void on_model_items_changed (GMenuModel *model,
                                    int         position,
                                    int         removed,
                                    int         added,
                                    PuDbusMenu *self);

static void
watch_model (PuDbusMenu *self,
             GMenuModel *model)
{
  g_signal_connect (model, "items-changed", G_CALLBACK (on_model_items_changed), self);
  g_ptr_array_add (self->watched, g_object_ref (model));
}

static void
unwatch_models (PuDbusMenu *self)
{
  for (guint i = 0; i < self->watched->len; i++)
    g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->watched, i), self);
  g_ptr_array_set_size (self->watched, 0);
}

static void add_model (PuDbusMenu *self,
                       Item       *parent,
                       GMenuModel *model);

/* The name of the item's themed icon: dbusmenu hosts look names up in
 * their icon theme. */
static char *
item_icon_name (GMenuModel *model,
                int         index)
{
  g_autoptr(GVariant) value = g_menu_model_get_item_attribute_value (model, index,
                                                                     G_MENU_ATTRIBUTE_ICON, NULL);
  g_autoptr(GIcon) icon = value != NULL ? g_icon_deserialize (value) : NULL;

  if (!G_IS_THEMED_ICON (icon))
    return NULL;
  return g_strdup (g_themed_icon_get_names (G_THEMED_ICON (icon))[0]);
}

static void
add_model_item (PuDbusMenu *self,
                Item       *parent,
                GMenuModel *model,
                int         index)
{
  g_autoptr(GMenuModel) submenu = g_menu_model_get_item_link (model, index, G_MENU_LINK_SUBMENU);
  Item *item;

  if (parent->separator_wanted && parent->children->len > 0)
    {
      Item *separator = item_new (self);

      separator->separator = TRUE;
      append_child (parent, separator);
    }
  parent->separator_wanted = FALSE;

  item = item_new (self);
  g_menu_model_get_item_attribute (model, index, G_MENU_ATTRIBUTE_LABEL, "s", &item->label);
  g_menu_model_get_item_attribute (model, index, G_MENU_ATTRIBUTE_ACTION, "s", &item->action);
  item->target = g_menu_model_get_item_attribute_value (model, index, G_MENU_ATTRIBUTE_TARGET,
                                                        NULL);
  item->icon_name = item_icon_name (model, index);
  append_child (parent, item);

  if (submenu != NULL)
    add_model (self, item, submenu);
}

static void
add_model (PuDbusMenu *self,
           Item       *parent,
           GMenuModel *model)
{
  int n = g_menu_model_get_n_items (model);

  watch_model (self, model);
  for (int i = 0; i < n; i++)
    {
      g_autoptr(GMenuModel) section = g_menu_model_get_item_link (model, i,
                                                                  G_MENU_LINK_SECTION);

      if (section == NULL)
        {
          add_model_item (self, parent, model, i);
          continue;
        }
      parent->separator_wanted = TRUE;
      add_model (self, parent, section);
      parent->separator_wanted = TRUE;
    }
}

static void
build (PuDbusMenu *self)
{
  Item *root;

  unwatch_models (self);
  g_hash_table_remove_all (self->items);
  root = g_new0 (Item, 1);
  root->children = g_array_new (FALSE, FALSE, sizeof (gint32));
  g_hash_table_insert (self->items, GINT_TO_POINTER (0), root);
  add_model (self, root, self->model);
}

static void
add_toggle (GVariantDict *dict,
            const char   *type,
            gboolean      on)
{
  g_variant_dict_insert (dict, "toggle-type", "s", type);
  g_variant_dict_insert (dict, "toggle-state", "i", on ? 1 : 0);
}

/* The item's properties, those in @names (all when empty). */
static GVariant *
item_properties (PuDbusMenu         *self,
                 Item               *item,
                 const char * const *names)
{
  g_auto(GVariantDict) dict = G_VARIANT_DICT_INIT (NULL);
  g_autoptr(GVariant) state = NULL;
  GActionGroup *group;
  const char *name = NULL;
  gboolean enabled = FALSE;

  if (item->id == 0)
    {
      g_variant_dict_insert (&dict, "children-display", "s", "submenu");
      goto out;
    }
  if (item->separator)
    {
      g_variant_dict_insert (&dict, "type", "s", "separator");
      goto out;
    }

  g_variant_dict_insert (&dict, "label", "s", item->label != NULL ? item->label : "");
  if (item->icon_name != NULL)
    g_variant_dict_insert (&dict, "icon-name", "s", item->icon_name);
  if (item->children->len > 0)
    g_variant_dict_insert (&dict, "children-display", "s", "submenu");

  group = lookup_action (self, item->action, &name);
  if (group != NULL && g_action_group_has_action (group, name))
    {
      enabled = g_action_group_get_action_enabled (group, name);
      state = g_action_group_get_action_state (group, name);
    }
  /* A submenu opens whatever its item's action. */
  g_variant_dict_insert (&dict, "enabled", "b", enabled || item->children->len > 0);

  if (state != NULL && item->target == NULL
      && g_variant_is_of_type (state, G_VARIANT_TYPE_BOOLEAN))
    add_toggle (&dict, "checkmark", g_variant_get_boolean (state));
  else if (state != NULL && item->target != NULL
           && g_variant_is_of_type (state, g_variant_get_type (item->target)))
    add_toggle (&dict, "radio", g_variant_equal (state, item->target));

out:
  if (names != NULL && names[0] != NULL)
    {
      g_auto(GVariantDict) filtered = G_VARIANT_DICT_INIT (NULL);

      for (guint i = 0; names[i] != NULL; i++)
        {
          g_autoptr(GVariant) value = g_variant_dict_lookup_value (&dict, names[i], NULL);

          if (value != NULL)
            g_variant_dict_insert_value (&filtered, names[i], value);
        }
      return g_variant_dict_end (&filtered);
    }
  return g_variant_dict_end (&dict);
}

static GVariant *
item_layout (PuDbusMenu         *self,
             Item               *item,
             int                 depth,
             const char * const *names)
{
  GVariantBuilder children;

  g_variant_builder_init (&children, G_VARIANT_TYPE ("av"));
  if (depth != 0)
    for (guint i = 0; i < item->children->len; i++)
      {
        Item *child = lookup_item (self, g_array_index (item->children, gint32, i));

        g_variant_builder_add (&children, "v",
                               item_layout (self, child, depth < 0 ? -1 : depth - 1, names));
      }
  return g_variant_new ("(i@a{sv}av)", item->id, item_properties (self, item, names), &children);
}

static void
emit (PuDbusMenu *self,
      const char *signal,
      GVariant   *parameters)
{
  g_autoptr(GError) error = NULL;

  if (self->registration_id == 0)
    {
      g_variant_unref (g_variant_ref_sink (parameters));
      return;
    }
  if (!g_dbus_connection_emit_signal (self->connection, NULL, self->object_path,
                                      PU_DBUS_MENU_INTERFACE, signal, parameters, &error))
    g_debug ("Could not send the menu's %s: %s", signal, error->message);
}

static gboolean
rebuild_cb (gpointer user_data)
{
  PuDbusMenu *self = user_data;

  self->rebuild_id = 0;
  /* Items keep their ids unless the model changed: a host may hold them. */
  if (self->model_changed)
    build (self);
  self->model_changed = FALSE;
  self->revision++;
  emit (self, "LayoutUpdated", g_variant_new ("(ui)", self->revision, 0));
  return G_SOURCE_REMOVE;
}

/* Sends LayoutUpdated once the main loop is idle, after making the items
 * again when @model_changed. */
static void
schedule_rebuild (PuDbusMenu *self,
                  gboolean    model_changed)
{
  self->model_changed |= model_changed;
  if (self->rebuild_id == 0)
    self->rebuild_id = g_idle_add (rebuild_cb, self);
}

static void
on_model_items_changed (GMenuModel *model,
                        int         position,
                        int         removed,
                        int         added,
                        PuDbusMenu *self)
{
  schedule_rebuild (self, TRUE);
}

/* Sends the properties of every item whose action is @prefix.@name. */
static void
action_changed (PuDbusMenu   *self,
                GActionGroup *group,
                const char   *name)
{
  static const char * const names[] = { "enabled", "toggle-type", "toggle-state", NULL };
  GVariantBuilder updated;
  GHashTableIter iter;
  gpointer value;
  gboolean any = FALSE;

  g_variant_builder_init (&updated, G_VARIANT_TYPE ("a(ia{sv})"));
  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Item *item = value;
      const char *item_name = NULL;

      if (lookup_action (self, item->action, &item_name) != group
          || g_strcmp0 (item_name, name) != 0)
        continue;
      g_variant_builder_add (&updated, "(i@a{sv})", item->id,
                             item_properties (self, item, names));
      any = TRUE;
    }
  if (!any)
    {
      g_variant_builder_clear (&updated);
      return;
    }
  emit (self, "ItemsPropertiesUpdated", g_variant_new ("(a(ia{sv})a(ias))", &updated, NULL));
}

static void
on_action_state_changed (GActionGroup *group,
                         const char   *name,
                         GVariant     *state,
                         PuDbusMenu   *self)
{
  action_changed (self, group, name);
}

static void
on_action_enabled_changed (GActionGroup *group,
                           const char   *name,
                           gboolean      enabled,
                           PuDbusMenu   *self)
{
  action_changed (self, group, name);
}

static void
on_action_added_or_removed (GActionGroup *group,
                            const char   *name,
                            PuDbusMenu   *self)
{
  action_changed (self, group, name);
}

static void
disconnect_group (gpointer data,
                  gpointer user_data)
{
  g_signal_handlers_disconnect_by_data (data, user_data);
}

static void
pu_dbus_menu_dispose (GObject *object)
{
  PuDbusMenu *self = PU_DBUS_MENU (object);

  pu_dbus_menu_unexport (self);
  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  if (self->watched != NULL)
    unwatch_models (self);
  if (self->groups != NULL)
    {
      GHashTableIter iter;
      gpointer group;

      g_hash_table_iter_init (&iter, self->groups);
      while (g_hash_table_iter_next (&iter, NULL, &group))
        disconnect_group (group, self);
      g_hash_table_remove_all (self->groups);
    }

  G_OBJECT_CLASS (pu_dbus_menu_parent_class)->dispose (object);
}

static void
pu_dbus_menu_finalize (GObject *object)
{
  PuDbusMenu *self = PU_DBUS_MENU (object);

  g_clear_object (&self->model);
  g_clear_pointer (&self->groups, g_hash_table_unref);
  g_clear_pointer (&self->items, g_hash_table_unref);
  g_clear_pointer (&self->watched, g_ptr_array_unref);

  G_OBJECT_CLASS (pu_dbus_menu_parent_class)->finalize (object);
}

static void
pu_dbus_menu_class_init (PuDbusMenuClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pu_dbus_menu_dispose;
  object_class->finalize = pu_dbus_menu_finalize;
}

static void
pu_dbus_menu_init (PuDbusMenu *self)
{
  self->groups = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->items = g_hash_table_new_full (NULL, NULL, NULL, item_free);
  self->watched = g_ptr_array_new_with_free_func (g_object_unref);
  self->next_id = 1;
  self->revision = 1;
}

PuDbusMenu *
pu_dbus_menu_new (GMenuModel *model)
{
  PuDbusMenu *self;

  g_return_val_if_fail (G_IS_MENU_MODEL (model), NULL);

  self = g_object_new (PU_TYPE_DBUS_MENU, NULL);
  self->model = g_object_ref (model);
  build (self);
  return self;
}

void
pu_dbus_menu_insert_action_group (PuDbusMenu   *self,
                                  const char   *prefix,
                                  GActionGroup *group)
{
  GActionGroup *old;

  g_return_if_fail (PU_IS_DBUS_MENU (self));
  g_return_if_fail (prefix != NULL);
  g_return_if_fail (group == NULL || G_IS_ACTION_GROUP (group));

  old = g_hash_table_lookup (self->groups, prefix);
  if (old == group)
    return;
  if (old != NULL)
    {
      disconnect_group (old, self);
      g_hash_table_remove (self->groups, prefix);
    }
  if (group != NULL)
    {
      g_hash_table_insert (self->groups, g_strdup (prefix), g_object_ref (group));
      g_signal_connect (group, "action-state-changed", G_CALLBACK (on_action_state_changed),
                        self);
      g_signal_connect (group, "action-enabled-changed",
                        G_CALLBACK (on_action_enabled_changed), self);
      g_signal_connect (group, "action-added", G_CALLBACK (on_action_added_or_removed), self);
      g_signal_connect (group, "action-removed", G_CALLBACK (on_action_added_or_removed), self);
    }
  /* Every item of the group may have changed its properties. */
  schedule_rebuild (self, FALSE);
}

static gboolean
activate_item (PuDbusMenu *self,
               gint32      id)
{
  Item *item = lookup_item (self, id);
  GActionGroup *group;
  const char *name = NULL;

  if (item == NULL)
    return FALSE;
  group = lookup_action (self, item->action, &name);
  if (group != NULL && g_action_group_has_action (group, name)
      && g_action_group_get_action_enabled (group, name))
    g_action_group_activate_action (group, name, item->target);
  return TRUE;
}

/* Only "clicked" does something; "opened", "closed" and "hovered" are
 * acknowledged. FALSE for an unknown item. */
static gboolean
handle_event (PuDbusMenu *self,
              gint32      id,
              const char *event)
{
  if (g_str_equal (event, "clicked"))
    return activate_item (self, id);
  return lookup_item (self, id) != NULL;
}

static void
return_unknown_item (GDBusMethodInvocation *invocation,
                     gint32                 id)
{
  g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                         "There is no menu item %d; get the layout again", id);
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
  PuDbusMenu *self = user_data;

  if (g_str_equal (method_name, "GetLayout"))
    {
      g_autofree const char **names = NULL;
      gint32 parent, depth;
      Item *item;

      g_variant_get (parameters, "(ii^a&s)", &parent, &depth, &names);
      item = lookup_item (self, parent);
      if (item == NULL)
        {
          return_unknown_item (invocation, parent);
          return;
        }
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(u@(ia{sv}av))", self->revision,
                                                            item_layout (self, item, depth,
                                                                         names)));
    }
  else if (g_str_equal (method_name, "GetGroupProperties"))
    {
      g_autoptr(GVariant) ids = NULL;
      g_autofree const char **names = NULL;
      GVariantBuilder result;
      gsize n;
      const gint32 *id;

      g_variant_get (parameters, "(@ai^a&s)", &ids, &names);
      id = g_variant_get_fixed_array (ids, &n, sizeof (gint32));
      g_variant_builder_init (&result, G_VARIANT_TYPE ("a(ia{sv})"));
      /* Unknown ids are left out, as the protocol says. */
      for (gsize i = 0; i < n; i++)
        {
          Item *item = lookup_item (self, id[i]);

          if (item != NULL)
            g_variant_builder_add (&result, "(i@a{sv})", id[i],
                                   item_properties (self, item, names));
        }
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(a(ia{sv}))", &result));
    }
  else if (g_str_equal (method_name, "GetProperty"))
    {
      const char *name;
      const char *names[2] = { NULL, NULL };
      g_autoptr(GVariant) properties = NULL;
      g_autoptr(GVariant) value = NULL;
      gint32 id;
      Item *item;

      g_variant_get (parameters, "(i&s)", &id, &name);
      item = lookup_item (self, id);
      if (item == NULL)
        {
          return_unknown_item (invocation, id);
          return;
        }
      names[0] = name;
      properties = item_properties (self, item, names);
      value = g_variant_lookup_value (properties, name, NULL);
      if (value == NULL)
        g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                               "Menu item %d has no property %s", id, name);
      else
        g_dbus_method_invocation_return_value (invocation, g_variant_new ("(v)", value));
    }
  else if (g_str_equal (method_name, "Event"))
    {
      const char *event;
      gint32 id;

      g_variant_get (parameters, "(i&svu)", &id, &event, NULL, NULL);
      if (!handle_event (self, id, event))
        {
          return_unknown_item (invocation, id);
          return;
        }
      g_dbus_method_invocation_return_value (invocation, NULL);
    }
  else if (g_str_equal (method_name, "EventGroup"))
    {
      g_autoptr(GVariantIter) events = NULL;
      GVariantBuilder errors;
      const char *event;
      gint32 id;

      g_variant_get (parameters, "(a(isvu))", &events);
      g_variant_builder_init (&errors, G_VARIANT_TYPE ("ai"));
      while (g_variant_iter_loop (events, "(i&svu)", &id, &event, NULL, NULL))
        if (!handle_event (self, id, event))
          g_variant_builder_add (&errors, "i", id);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(ai)", &errors));
    }
  else if (g_str_equal (method_name, "AboutToShow"))
    {
      gint32 id;

      g_variant_get (parameters, "(i)", &id);
      if (lookup_item (self, id) == NULL)
        {
          return_unknown_item (invocation, id);
          return;
        }
      /* Every change is sent as it happens: nothing to refresh. */
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(b)", FALSE));
    }
  else if (g_str_equal (method_name, "AboutToShowGroup"))
    {
      g_autoptr(GVariantIter) ids = NULL;
      GVariantBuilder errors;
      gint32 id;

      g_variant_get (parameters, "(ai)", &ids);
      g_variant_builder_init (&errors, G_VARIANT_TYPE ("ai"));
      while (g_variant_iter_next (ids, "i", &id))
        if (lookup_item (self, id) == NULL)
          g_variant_builder_add (&errors, "i", id);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(aiai)", NULL, &errors));
    }
  else
    g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                           "No method %s", method_name);
}

/* The direction of the user's language, told the way GTK tells it (GTK's
 * translators answer "default:RTL"), without depending on GTK here. */
static const char *
text_direction (void)
{
  return g_str_equal (g_dgettext ("gtk40", "default:LTR"), "default:RTL") ? "rtl" : "ltr";
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
  if (g_str_equal (property_name, "Version"))
    return g_variant_new_uint32 (DBUS_MENU_VERSION);
  if (g_str_equal (property_name, "TextDirection"))
    return g_variant_new_string (text_direction ());
  if (g_str_equal (property_name, "Status"))
    return g_variant_new_string ("normal");
  if (g_str_equal (property_name, "IconThemePath"))
    return g_variant_new_strv (NULL, 0);
  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY, "No property %s",
               property_name);
  return NULL;
}

static const GDBusInterfaceVTable vtable = {
  .method_call = handle_method_call,
  .get_property = handle_get_property,
};

gboolean
pu_dbus_menu_export (PuDbusMenu       *self,
                     GDBusConnection  *connection,
                     const char       *object_path,
                     GError          **error)
{
  static GDBusNodeInfo *info;

  g_return_val_if_fail (PU_IS_DBUS_MENU (self), FALSE);
  g_return_val_if_fail (G_IS_DBUS_CONNECTION (connection), FALSE);
  g_return_val_if_fail (g_variant_is_object_path (object_path), FALSE);
  g_return_val_if_fail (self->registration_id == 0, FALSE);

  if (g_once_init_enter (&info))
    g_once_init_leave (&info, g_dbus_node_info_new_for_xml (introspection_xml, NULL));

  self->registration_id = g_dbus_connection_register_object (connection, object_path,
                                                             info->interfaces[0], &vtable,
                                                             self, NULL, error);
  if (self->registration_id == 0)
    return FALSE;
  self->connection = g_object_ref (connection);
  self->object_path = g_strdup (object_path);
  return TRUE;
}

void
pu_dbus_menu_unexport (PuDbusMenu *self)
{
  g_return_if_fail (PU_IS_DBUS_MENU (self));

  if (self->registration_id != 0)
    g_dbus_connection_unregister_object (self->connection, self->registration_id);
  self->registration_id = 0;
  g_clear_object (&self->connection);
  g_clear_pointer (&self->object_path, g_free);
}

guint
pu_dbus_menu_get_revision (PuDbusMenu *self)
{
  g_return_val_if_fail (PU_IS_DBUS_MENU (self), 0);

  return self->revision;
}
