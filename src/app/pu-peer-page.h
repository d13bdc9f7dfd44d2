/* pu-peer-page.h — one paired device: its name, peer ID, connection,
 * services to connect to, verification, removal
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "pu-application.h"

G_BEGIN_DECLS

#define PU_TYPE_PEER_PAGE (pu_peer_page_get_type ())
G_DECLARE_FINAL_TYPE (PuPeerPage, pu_peer_page, PU, PEER_PAGE, AdwBin)

/* Shows @peer of @app's device; the page follows the node's and the files'
 * changes by pu_peer_page_update(). */
void            pu_peer_page_set_peer (PuPeerPage     *self,
                                       PuApplication  *app,
                                       const PuPeerId *peer);
const PuPeerId *pu_peer_page_get_peer (PuPeerPage     *self);
void            pu_peer_page_update   (PuPeerPage     *self);

G_END_DECLS
