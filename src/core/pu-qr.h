/* pu-qr.h — QR codes for terminals, and the module matrix for other faces
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The QR of @text as UTF-8 half blocks (two module rows per text line) with
 * a quiet zone, dark modules drawn as spaces on a light background so it
 * scans on dark and light terminals alike. */
char *pu_qr_render_terminal (const char  *text,
                             GError     **error);

/* The modules of the QR of @text, without quiet zone: @width × @width bytes,
 * row by row, 1 for a dark module and 0 for a light one. */
GBytes *pu_qr_encode          (const char  *text,
                               guint       *width,
                               GError     **error);

G_END_DECLS
