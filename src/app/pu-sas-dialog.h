/* pu-sas-dialog.h — "Do these match on the other device?"
 *
 * Shows the 4 emoji (large, with their names) and the number both devices
 * derive from their peer IDs. Confirm writes verified= on the peer's
 * authorized_keys line; "They Don't Match" removes the pairing (the peer's
 * line and its names).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "pu-profile.h"

G_BEGIN_DECLS

#define PU_TYPE_SAS_DIALOG (pu_sas_dialog_get_type ())
G_DECLARE_FINAL_TYPE (PuSasDialog, pu_sas_dialog, PU, SAS_DIALOG, AdwMessageDialog)

GtkWidget *pu_sas_dialog_new (GtkWindow      *parent,
                              PuProfile      *profile,
                              const PuPeerId *peer);

G_END_DECLS
