/* pu-peer-row.h — one authorized device, in the window's list
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "pu-config.h"
#include "pu-node.h"
#include "pu-trust-entry.h"

G_BEGIN_DECLS

#define PU_TYPE_PEER_ROW (pu_peer_row_get_type ())
G_DECLARE_FINAL_TYPE (PuPeerRow, pu_peer_row, PU, PEER_ROW, AdwActionRow)

/* Names the peer from @config's [names]; the expiry is told as seen at @now
 * (Unix seconds). @state (nullable: no node runs) says whether the peer is
 * connected and how; @last_seen (Unix seconds, 0 for never) when it was
 * last. Activating the row shows the peer (win.show-peer). */
GtkWidget *pu_peer_row_new (const PuTrustEntry    *entry,
                            PuConfig              *config,
                            gint64                 now,
                            const PuNodePeerState *state,
                            gint64                 last_seen);

G_END_DECLS
