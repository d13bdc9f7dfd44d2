/* pu-profile-private.h — internals of PuProfile shared with its tests
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* "Anna's MacBook.local" → "anna-s-macbook"; "device" when nothing is left. */
char *pu_profile_label_from_hostname (const char *hostname);

G_END_DECLS
