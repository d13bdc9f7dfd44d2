/* pu-qr.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-qr.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <qrencode.h>
#include <string.h>

#include "pu-error.h"

/* A version 40 code holds at most 2953 bytes; what we show (peer IDs,
 * pairing URIs) is far shorter and stays readable on a phone screen. */
#define QR_TEXT_MAX 1024
/* The standard quiet zone, in modules. */
#define QUIET_ZONE 4

/* Bright white blocks on a black background: light modules are drawn, dark
 * ones are left as spaces, whatever the terminal's own colours are. */
#define COLOR_ON "\033[97;40m"
#define COLOR_OFF "\033[0m"

static gboolean
module_is_dark (const guint8 *modules,
                int           width,
                int           x,
                int           y)
{
  x -= QUIET_ZONE;
  y -= QUIET_ZONE;
  if (x < 0 || y < 0 || x >= width || y >= width)
    return FALSE;
  return modules[y * width + x] != 0;
}

GBytes *
pu_qr_encode (const char  *text,
              guint       *width,
              GError     **error)
{
  QRcode *code;
  guint8 *modules;
  gsize len;
  gsize n;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (width != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  len = strlen (text);
  if (len == 0 || len > QR_TEXT_MAX)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_TOO_LARGE,
                   _("Cannot make a QR code of %zu bytes (1 to %d)"),
                   len, QR_TEXT_MAX);
      return NULL;
    }

  code = QRcode_encodeString (text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
  if (code == NULL)
    {
      int saved = errno;

      g_set_error (error, PU_ERROR, PU_ERROR_FAILED, _("Could not make a QR code: %s"),
                   g_strerror (saved));
      return NULL;
    }

  n = (gsize) code->width * (gsize) code->width;
  modules = g_malloc (n);
  for (gsize i = 0; i < n; i++)
    modules[i] = code->data[i] & 1;
  *width = (guint) code->width;
  QRcode_free (code);
  return g_bytes_new_take (modules, n);
}

char *
pu_qr_render_terminal (const char  *text,
                       GError     **error)
{
  /* index: top light << 1 | bottom light */
  static const char *const cells[] = { " ", "\u2584", "\u2580", "\u2588" };
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *modules;
  guint width = 0;
  GString *out;
  int size;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  bytes = pu_qr_encode (text, &width, error);
  if (bytes == NULL)
    return NULL;
  modules = g_bytes_get_data (bytes, NULL);

  size = (int) width + 2 * QUIET_ZONE;
  out = g_string_sized_new ((gsize) (size / 2 + 1) * ((gsize) size * 3 + 16));
  for (int y = 0; y < size; y += 2)
    {
      g_string_append (out, COLOR_ON);
      for (int x = 0; x < size; x++)
        {
          /* Past the last row is more quiet zone. */
          guint top = !module_is_dark (modules, (int) width, x, y);
          guint bottom = !module_is_dark (modules, (int) width, x, y + 1);

          g_string_append (out, cells[top << 1 | bottom]);
        }
      g_string_append (out, COLOR_OFF "\n");
    }

  return g_string_free (out, FALSE);
}
