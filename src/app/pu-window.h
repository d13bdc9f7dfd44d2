/* pu-window.h — the main window: first run, then Devices (and one device's
 * page), Services and This Device
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "pu-application.h"

G_BEGIN_DECLS

#define PU_TYPE_WINDOW (pu_window_get_type ())
G_DECLARE_FINAL_TYPE (PuWindow, pu_window, PU, WINDOW, AdwApplicationWindow)

PuWindow *pu_window_new        (PuApplication  *application);
/* Opens the Add Device window on Invite. */
void      pu_window_add_device (PuWindow       *self);
/* Opens it on Join with @code (a code or a peerup: link) started; before the
 * first run is done, puts @code in the first run's code field. */
void      pu_window_join       (PuWindow       *self,
                                const char     *code);
/* Shows @peer's page. */
void      pu_window_show_peer  (PuWindow       *self,
                                const PuPeerId *peer);

G_END_DECLS
