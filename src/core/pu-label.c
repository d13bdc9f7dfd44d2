/* pu-label.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-label.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pu-error.h"

gboolean
pu_label_is_valid (const char *text,
                   gssize      len)
{
  gsize n;

  g_return_val_if_fail (text != NULL, FALSE);

  n = len < 0 ? strnlen (text, PU_LABEL_MAX_LEN + 1) : (gsize) len;
  if (n == 0 || n > PU_LABEL_MAX_LEN || text[0] == '-' || text[n - 1] == '-')
    return FALSE;

  for (gsize i = 0; i < n; i++)
    {
      char c = text[i];

      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
        return FALSE;
    }
  return TRUE;
}

gboolean
pu_label_validate (const char  *label,
                   const char  *what,
                   GError     **error)
{
  g_autofree char *shown = NULL;

  g_return_val_if_fail (what != NULL, FALSE);

  if (label != NULL && pu_label_is_valid (label, -1))
    return TRUE;

  shown = pu_label_escape (label != NULL ? label : "", PU_LABEL_ECHO_MAX);
  g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
               _("Invalid %s \"%s\": use 1–63 lowercase letters, digits and hyphens, "
                 "not starting or ending with a hyphen"),
               what, shown);
  return FALSE;
}

char *
pu_label_escape (const char *text,
                 gsize       max_chars)
{
  GString *out;
  const char *p;
  gsize shown = 0;

  g_return_val_if_fail (text != NULL, NULL);

  out = g_string_new (NULL);
  for (p = text; *p != '\0'; shown++)
    {
      gunichar c;

      if (shown == max_chars)
        {
          g_string_append (out, "…");
          break;
        }

      /* At most 4 bytes are looked at, and never past the NUL. */
      c = g_utf8_get_char_validated (p, strnlen (p, 4));
      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          g_string_append_printf (out, "\\x%02x", (guint8) *p);
          p++;
          continue;
        }

      if (c == '"' || c == '\\')
        g_string_append_printf (out, "\\%c", (char) c);
      else if (!g_unichar_isprint (c))
        g_string_append_printf (out, c < 0x80 ? "\\x%02x" : "\\u%04x", c);
      else
        g_string_append_unichar (out, c);
      p = g_utf8_next_char (p);
    }

  return g_string_free (out, FALSE);
}
