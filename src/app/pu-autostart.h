/* pu-autostart.h — starting the app hidden when the user logs in
 *
 * In a Flatpak sandbox the Background portal is asked (autostart, with the
 * command line --hide-window); on the host an XDG autostart entry is written
 * to $XDG_CONFIG_HOME/autostart, or removed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* $XDG_CONFIG_HOME/autostart/dev.peerup.PeerUp.desktop */
char     *pu_autostart_get_path (void);
gboolean  pu_autostart_set      (gboolean   enabled,
                                 GError   **error);

G_END_DECLS
