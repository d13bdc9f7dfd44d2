/* pu-qr-paintable.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-qr-paintable.h"

#include <string.h>

#include "pu-qr.h"

/* The standard quiet zone, in modules. */
#define QUIET_ZONE 4
/* Pixels a module at the natural size. */
#define NATURAL_MODULE 6

struct _PuQrPaintable
{
  GObject parent_instance;

  GBytes *modules;
  guint width;
};

static void paintable_iface_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PuQrPaintable, pu_qr_paintable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE,
                                                      paintable_iface_init))

static void
pu_qr_paintable_snapshot (GdkPaintable *paintable,
                          GdkSnapshot  *snapshot,
                          double        width,
                          double        height)
{
  PuQrPaintable *self = PU_QR_PAINTABLE (paintable);
  const GdkRGBA light = { 1, 1, 1, 1 };
  const GdkRGBA dark = { 0, 0, 0, 1 };
  const guint8 *modules = g_bytes_get_data (self->modules, NULL);
  double side = MIN (width, height);
  guint total = self->width + 2 * QUIET_ZONE;
  /* Whole pixels a module, so that the code stays sharp; centered. */
  double module = MAX (1, (int) (side / total));
  double x0 = (int) ((width - module * total) / 2);
  double y0 = (int) ((height - module * total) / 2);

  gtk_snapshot_append_color (GTK_SNAPSHOT (snapshot), &light,
                             &GRAPHENE_RECT_INIT (x0, y0, module * total, module * total));
  for (guint y = 0; y < self->width; y++)
    for (guint x = 0; x < self->width; )
      {
        guint run = 0;

        /* One rectangle per run of dark modules in a row. */
        while (x + run < self->width && modules[y * self->width + x + run] != 0)
          run++;
        if (run == 0)
          {
            x++;
            continue;
          }
        gtk_snapshot_append_color (GTK_SNAPSHOT (snapshot), &dark,
                                   &GRAPHENE_RECT_INIT (x0 + (x + QUIET_ZONE) * module,
                                                        y0 + (y + QUIET_ZONE) * module,
                                                        run * module, module));
        x += run;
      }
}

static int
pu_qr_paintable_get_intrinsic_size (GdkPaintable *paintable)
{
  PuQrPaintable *self = PU_QR_PAINTABLE (paintable);

  return (int) ((self->width + 2 * QUIET_ZONE) * NATURAL_MODULE);
}

static double
pu_qr_paintable_get_intrinsic_aspect_ratio (GdkPaintable *paintable)
{
  return 1.0;
}

static GdkPaintableFlags
pu_qr_paintable_get_flags (GdkPaintable *paintable)
{
  return GDK_PAINTABLE_STATIC_CONTENTS | GDK_PAINTABLE_STATIC_SIZE;
}

static void
paintable_iface_init (GdkPaintableInterface *iface)
{
  iface->snapshot = pu_qr_paintable_snapshot;
  iface->get_intrinsic_width = pu_qr_paintable_get_intrinsic_size;
  iface->get_intrinsic_height = pu_qr_paintable_get_intrinsic_size;
  iface->get_intrinsic_aspect_ratio = pu_qr_paintable_get_intrinsic_aspect_ratio;
  iface->get_flags = pu_qr_paintable_get_flags;
}

static void
pu_qr_paintable_finalize (GObject *object)
{
  PuQrPaintable *self = PU_QR_PAINTABLE (object);

  g_clear_pointer (&self->modules, g_bytes_unref);

  G_OBJECT_CLASS (pu_qr_paintable_parent_class)->finalize (object);
}

static void
pu_qr_paintable_class_init (PuQrPaintableClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pu_qr_paintable_finalize;
}

static void
pu_qr_paintable_init (PuQrPaintable *self)
{
}

PuQrPaintable *
pu_qr_paintable_new (const char  *text,
                     GError     **error)
{
  g_autoptr(PuQrPaintable) self = g_object_new (PU_TYPE_QR_PAINTABLE, NULL);

  g_return_val_if_fail (text != NULL, NULL);

  self->modules = pu_qr_encode (text, &self->width, error);
  if (self->modules == NULL)
    return NULL;
  return g_steal_pointer (&self);
}

GdkTexture *
pu_qr_paintable_render (PuQrPaintable *self,
                        guint          module_size)
{
  const guint8 *modules;
  guint side;
  gsize stride;
  guint8 *pixels;
  GBytes *bytes;
  GdkTexture *texture;

  g_return_val_if_fail (PU_IS_QR_PAINTABLE (self), NULL);
  g_return_val_if_fail (module_size > 0 && module_size <= 64, NULL);

  modules = g_bytes_get_data (self->modules, NULL);
  side = (self->width + 2 * QUIET_ZONE) * module_size;
  stride = (gsize) side * 3;
  pixels = g_malloc ((gsize) side * stride);
  for (guint y = 0; y < side; y++)
    for (guint x = 0; x < side; x++)
      {
        int mx = (int) (x / module_size) - QUIET_ZONE;
        int my = (int) (y / module_size) - QUIET_ZONE;
        gboolean is_dark = mx >= 0 && my >= 0 && mx < (int) self->width &&
                           my < (int) self->width &&
                           modules[(guint) my * self->width + (guint) mx] != 0;

        memset (pixels + y * stride + x * 3, is_dark ? 0x00 : 0xff, 3);
      }
  bytes = g_bytes_new_take (pixels, (gsize) side * stride);
  texture = gdk_memory_texture_new ((int) side, (int) side, GDK_MEMORY_R8G8B8, bytes, stride);
  g_bytes_unref (bytes);
  return texture;
}
