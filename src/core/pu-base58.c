/* pu-base58.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-base58.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pu-error.h"

static const char alphabet[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

char *
pu_base58_encode (const guint8 *data,
                  gsize         len)
{
  g_autofree guint8 *digits = NULL;
  gsize zeros = 0;
  gsize ndigits = 0;
  char *out;
  gsize pos = 0;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  while (zeros < len && data[zeros] == 0)
    zeros++;

  /* log(256)/log(58) < 1.37 digits per byte */
  digits = g_malloc0 (len * 138 / 100 + 1);
  for (gsize i = zeros; i < len; i++)
    {
      guint carry = data[i];

      for (gsize j = 0; j < ndigits; j++)
        {
          carry += (guint) digits[j] << 8;
          digits[j] = carry % 58;
          carry /= 58;
        }
      while (carry > 0)
        {
          digits[ndigits++] = carry % 58;
          carry /= 58;
        }
    }

  out = g_malloc (zeros + ndigits + 1);
  for (gsize i = 0; i < zeros; i++)
    out[pos++] = '1';
  for (gsize i = 0; i < ndigits; i++)
    out[pos++] = alphabet[digits[ndigits - 1 - i]];
  out[pos] = '\0';
  return out;
}

GBytes *
pu_base58_decode (const char  *text,
                  gsize        max_out,
                  GError     **error)
{
  g_autofree guint8 *bytes = NULL;
  gsize text_len;
  gsize zeros = 0;
  gsize nbytes = 0;
  guint8 *out;

  g_return_val_if_fail (text != NULL, NULL);

  text_len = strlen (text);
  if (text_len == 0)
    {
      g_set_error_literal (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT, _("empty base58 text"));
      return NULL;
    }
  /* Every base58 digit carries more than 5.8 bits: bound the work up front. */
  if (text_len > max_out * 2 + 2)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                   _("base58 text is too long (%zu characters)"), text_len);
      return NULL;
    }

  while (zeros < text_len && text[zeros] == '1')
    zeros++;

  bytes = g_malloc0 (text_len + 1);
  for (gsize i = zeros; i < text_len; i++)
    {
      const char *p = text[i] != '\0' ? strchr (alphabet, text[i]) : NULL;
      guint carry;

      if (p == NULL)
        {
          if (g_ascii_isprint (text[i]))
            g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                         _("'%c' at position %zu is not a base58 character"),
                         text[i], i + 1);
          else
            g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                         _("byte 0x%02x at position %zu is not a base58 character"),
                         (guint8) text[i], i + 1);
          return NULL;
        }

      carry = (guint) (p - alphabet);
      for (gsize j = 0; j < nbytes; j++)
        {
          carry += (guint) bytes[j] * 58;
          bytes[j] = carry & 0xff;
          carry >>= 8;
        }
      while (carry > 0)
        {
          bytes[nbytes++] = carry & 0xff;
          carry >>= 8;
        }
    }

  if (zeros + nbytes > max_out)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                   _("base58 value is too long (more than %zu bytes)"), max_out);
      return NULL;
    }

  out = g_malloc0 (zeros + nbytes + 1);
  for (gsize i = 0; i < nbytes; i++)
    out[zeros + i] = bytes[nbytes - 1 - i];
  return g_bytes_new_take (out, zeros + nbytes);
}
