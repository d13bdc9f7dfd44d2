/* pu-access-dialog.h — who may use one of this device's services: every
 * paired device, or the ones chosen
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "pu-profile.h"

G_BEGIN_DECLS

#define PU_TYPE_ACCESS_DIALOG (pu_access_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PuAccessDialog, pu_access_dialog, PU, ACCESS_DIALOG, AdwMessageDialog)

/* NULL when @profile has no service @service. */
GtkWidget *pu_access_dialog_new (GtkWindow  *parent,
                                 PuProfile  *profile,
                                 const char *service);

G_END_DECLS
