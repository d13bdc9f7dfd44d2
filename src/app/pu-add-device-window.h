/* pu-add-device-window.h — pairing another device: Invite shows a code and
 * its QR and waits; Join takes the code another device shows. On success
 * the SAS dialog asks to compare the emoji.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "pu-application.h"

G_BEGIN_DECLS

#define PU_TYPE_ADD_DEVICE_WINDOW (pu_add_device_window_get_type ())
G_DECLARE_FINAL_TYPE (PuAddDeviceWindow, pu_add_device_window, PU, ADD_DEVICE_WINDOW,
                      AdwWindow)

/* Opens on Invite (which starts at once), or on Join with @code (nullable)
 * typed in and started. */
PuAddDeviceWindow *pu_add_device_window_new (GtkWindow     *parent,
                                             PuApplication *app,
                                             const char    *code);

G_END_DECLS
