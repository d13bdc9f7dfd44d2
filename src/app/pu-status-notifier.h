/* pu-status-notifier.h — an org.kde.StatusNotifierItem (a tray icon)
 *
 * Exported at /StatusNotifierItem and registered with the
 * org.kde.StatusNotifierWatcher whenever one is on the bus (again after a
 * watcher restarts). Where none is, nothing shows and nothing fails:
 * :registered stays FALSE. The host asks the item for its icon, tool tip and
 * menu (a com.canonical.dbusmenu object path) and calls Activate on a click.
 *
 * Signals:
 *   ::activate (int x, int y)  the icon was clicked
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PU_STATUS_NOTIFIER_OBJECT_PATH "/StatusNotifierItem"
#define PU_STATUS_NOTIFIER_WATCHER "org.kde.StatusNotifierWatcher"

typedef enum {
  PU_STATUS_NOTIFIER_PASSIVE,
  PU_STATUS_NOTIFIER_ACTIVE,
  PU_STATUS_NOTIFIER_NEEDS_ATTENTION,
} PuStatusNotifierStatus;

#define PU_TYPE_STATUS_NOTIFIER (pu_status_notifier_get_type ())
G_DECLARE_FINAL_TYPE (PuStatusNotifier, pu_status_notifier, PU, STATUS_NOTIFIER, GObject)

/* @id: the item's Id (the application ID); @menu_path (nullable): where a
 * dbusmenu is exported on @connection. */
PuStatusNotifier *pu_status_notifier_new             (GDBusConnection        *connection,
                                                      const char             *id,
                                                      const char             *menu_path,
                                                      GError                **error);
void              pu_status_notifier_set_title       (PuStatusNotifier       *self,
                                                      const char             *title);
void              pu_status_notifier_set_icon_name   (PuStatusNotifier       *self,
                                                      const char             *icon_name);
void              pu_status_notifier_set_tooltip     (PuStatusNotifier       *self,
                                                      const char             *title,
                                                      const char             *body);
void              pu_status_notifier_set_status      (PuStatusNotifier       *self,
                                                      PuStatusNotifierStatus  status);
/* Whether a watcher accepted the item. */
gboolean          pu_status_notifier_get_registered  (PuStatusNotifier       *self);

G_END_DECLS
