/* pu-dbus-menu.h — a GMenuModel and its actions as com.canonical.dbusmenu
 *
 * The menu a StatusNotifierItem host shows. Sections become items between
 * separators, submenus items with children; an item's action is looked up in
 * the action group inserted under its prefix ("app.quit" → "quit" in the group
 * inserted as "app"). A boolean-state action is a checkmark, an action whose
 * state has the item's target type a radio item. Labels keep the GMenu
 * convention, which dbusmenu shares: '_' marks the access key, "__" is one
 * underscore. A themed icon is sent by name. Changes to the model (also in
 * sections and submenus) are sent as LayoutUpdated once the main loop is
 * idle; changes to an action's state or enabled flag as
 * ItemsPropertiesUpdated at once.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PU_DBUS_MENU_INTERFACE "com.canonical.dbusmenu"

#define PU_TYPE_DBUS_MENU (pu_dbus_menu_get_type ())
G_DECLARE_FINAL_TYPE (PuDbusMenu, pu_dbus_menu, PU, DBUS_MENU, GObject)

PuDbusMenu *pu_dbus_menu_new                 (GMenuModel       *model);
/* Like gtk_widget_insert_action_group(): @group (nullable: removes) answers
 * for actions named "@prefix.NAME". */
void        pu_dbus_menu_insert_action_group (PuDbusMenu       *self,
                                              const char       *prefix,
                                              GActionGroup     *group);
/* Serves the menu at @object_path on @connection until unexported. */
gboolean    pu_dbus_menu_export              (PuDbusMenu       *self,
                                              GDBusConnection  *connection,
                                              const char       *object_path,
                                              GError          **error);
void        pu_dbus_menu_unexport            (PuDbusMenu       *self);
/* Counts layouts sent: LayoutUpdated carries it. */
guint       pu_dbus_menu_get_revision        (PuDbusMenu       *self);

G_END_DECLS
