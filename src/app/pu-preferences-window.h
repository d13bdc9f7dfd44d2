/* pu-preferences-window.h — the desktop preferences (GSettings)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PU_TYPE_PREFERENCES_WINDOW (pu_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (PuPreferencesWindow, pu_preferences_window, PU, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

GtkWindow *pu_preferences_window_new (GtkWindow *parent);

G_END_DECLS
