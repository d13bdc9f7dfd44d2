/* pu-service-row.h — one local service this device exposes, in the window's list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "pu-config.h"

G_BEGIN_DECLS

#define PU_TYPE_SERVICE_ROW (pu_service_row_get_type ())
G_DECLARE_FINAL_TYPE (PuServiceRow, pu_service_row, PU, SERVICE_ROW, AdwActionRow)

/* Peers allowed by ID are named from @config's [names]. The switch
 * activates win.enable-service ((sb): name, enabled), the access button
 * win.service-access (s), the remove button win.remove-service (s). */
GtkWidget *pu_service_row_new (const PuService *service,
                               PuConfig        *config);

G_END_DECLS
