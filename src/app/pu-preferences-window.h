/* pu-preferences-window.h — the desktop preferences (GSettings), and where
 * this device keeps its key
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "pu-profile.h"

G_BEGIN_DECLS

#define PU_TYPE_PREFERENCES_WINDOW (pu_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (PuPreferencesWindow, pu_preferences_window, PU, PREFERENCES_WINDOW,
                      AdwPreferencesWindow)

/* @profile (nullable): this device, whose key the Security group moves
 * between its file and the login keyring; hidden without one. */
GtkWindow *pu_preferences_window_new (GtkWindow *parent,
                                      PuProfile *profile);

G_END_DECLS
