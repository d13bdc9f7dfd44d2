/* pu-qr-paintable.h — a QR code to show: dark modules on white with the
 * quiet zone, scaled to whatever size it is drawn at
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define PU_TYPE_QR_PAINTABLE (pu_qr_paintable_get_type ())
G_DECLARE_FINAL_TYPE (PuQrPaintable, pu_qr_paintable, PU, QR_PAINTABLE, GObject)

PuQrPaintable *pu_qr_paintable_new      (const char     *text,
                                         GError        **error);
/* The code drawn @module_size pixels a module, with its quiet zone. */
GdkTexture    *pu_qr_paintable_render   (PuQrPaintable  *self,
                                         guint           module_size);

G_END_DECLS
