/* pu-service-dialog.h — adding a service this device shares, from a template
 * (SSH, remote desktop, web, Ollama, Jellyfin, Minecraft) or custom
 *
 * Before adding, the local address is tried (a TCP connection); when nothing
 * answers the dialog says so and offers to add it anyway.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "pu-profile.h"

G_BEGIN_DECLS

/* How long the check of the local address waits. */
#define PU_SERVICE_CHECK_SECONDS 3

#define PU_TYPE_SERVICE_DIALOG (pu_service_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PuServiceDialog, pu_service_dialog, PU, SERVICE_DIALOG, AdwWindow)

PuServiceDialog *pu_service_dialog_new (GtkWindow *parent,
                                        PuProfile *profile);

G_END_DECLS
