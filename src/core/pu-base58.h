/* pu-base58.h — base58btc (Bitcoin alphabet)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

char    *pu_base58_encode (const guint8  *data,
                           gsize          len);
/* Decodes at most @max_out bytes; longer results, empty input or characters
 * outside the alphabet fail (returns NULL, sets PU_ERROR_INVALID_ARGUMENT). */
GBytes  *pu_base58_decode (const char    *text,
                           gsize          max_out,
                           GError       **error);

G_END_DECLS
