/* pu-setup-page.h — the first run: name this device, make its identity, and
 * choose how it meets the others (a relay's address, or a code from a device
 * that has one)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PU_TYPE_SETUP_PAGE (pu_setup_page_get_type ())
G_DECLARE_FINAL_TYPE (PuSetupPage, pu_setup_page, PU, SETUP_PAGE, AdwBin)

/* Fills in the code of the device to join (from a peerup: link). */
void pu_setup_page_set_code (PuSetupPage *self,
                             const char  *code);

G_END_DECLS
