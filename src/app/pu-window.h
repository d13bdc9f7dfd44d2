/* pu-window.h — the main window: this device, its name and peer ID
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "pu-application.h"

G_BEGIN_DECLS

#define PU_TYPE_WINDOW (pu_window_get_type ())
G_DECLARE_FINAL_TYPE (PuWindow, pu_window, PU, WINDOW, AdwApplicationWindow)

PuWindow *pu_window_new (PuApplication *application);

G_END_DECLS
