/* pu-tray.h — the tray icon of the desktop app
 *
 * A StatusNotifierItem whose icon and tool tip tell how this device is doing
 * and whose menu (com.canonical.dbusmenu, at /dev/peerup/PeerUp/tray/menu)
 * lists the authorized devices with their state. The menu drives the
 * application's actions: app.show-window (also a click on the icon),
 * app.show-peer (the peer ID), app.add-device, app.pause (boolean state)
 * and app.quit. Without a tray host nothing shows and the app runs on.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "pu-node.h"

G_BEGIN_DECLS

#define PU_TRAY_MENU_PATH "/dev/peerup/PeerUp/tray/menu"

typedef enum {
  PU_TRAY_STATE_OFFLINE,  /* no node, paused, or no relay reachable */
  PU_TRAY_STATE_ONLINE,   /* a relay reachable, every connected peer direct */
  PU_TRAY_STATE_RELAYED,  /* some connected peer only through the relay */
  PU_TRAY_STATE_PAIRING,  /* a pairing is under way */
} PuTrayState;

#define PU_TYPE_TRAY (pu_tray_get_type ())
G_DECLARE_FINAL_TYPE (PuTray, pu_tray, PU, TRAY, GObject)

/* @actions: the application's actions (the "app" prefix). */
PuTray      *pu_tray_new          (GDBusConnection  *connection,
                                   GActionGroup     *actions,
                                   GError          **error);
/* The node whose relays and peers are shown (nullable: offline, as while
 * the app is paused). */
void         pu_tray_set_node     (PuTray           *self,
                                   PuNode           *node);
void         pu_tray_set_pairing  (PuTray           *self,
                                   gboolean          pairing);
/* Reads the node and the authorized devices again. */
void         pu_tray_update       (PuTray           *self);
PuTrayState  pu_tray_get_state    (PuTray           *self);
/* One line, as in the tool tip. */
const char  *pu_tray_get_summary  (PuTray           *self);
GMenuModel  *pu_tray_get_menu     (PuTray           *self);

G_END_DECLS
