/* pu-relay-row.h — one relay this device uses, in the window's list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "pu-relay-addr.h"

G_BEGIN_DECLS

#define PU_TYPE_RELAY_ROW (pu_relay_row_get_type ())
G_DECLARE_FINAL_TYPE (PuRelayRow, pu_relay_row, PU, RELAY_ROW, AdwActionRow)

typedef enum {
  PU_RELAY_ROW_UNUSED,      /* no node runs, or the relay is not pinned */
  PU_RELAY_ROW_CONNECTING,
  PU_RELAY_ROW_CONNECTED,
} PuRelayRowState;

GtkWidget *pu_relay_row_new (const PuRelayAddr *relay,
                             PuRelayRowState    state);

G_END_DECLS
