/* pu-label.h — DNS-label names (services, peers, networks, this device)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PU_LABEL_MAX_LEN 63

/* 1–63 of [a-z0-9-], not starting or ending with '-'. @what names the thing
 * in the error ("service name", "peer name"…). */
gboolean pu_label_validate (const char  *label,
                            const char  *what,
                            GError     **error);

G_END_DECLS
