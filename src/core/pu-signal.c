/* pu-signal.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-signal.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pu-error.h"

#define CANDIDATE_PREFIX "candidate:"

G_STATIC_ASSERT (PU_SIGNAL_UFRAG_MAX <= G_MAXUINT8);
G_STATIC_ASSERT (PU_SIGNAL_PWD_MAX <= G_MAXUINT8);
G_STATIC_ASSERT (PU_SIGNAL_CANDIDATE_MAX <= G_MAXUINT8);

static gboolean
ice_chars_are_valid (const char *text,
                     gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '+' && text[i] != '/')
      return FALSE;
  return TRUE;
}

/* "candidate:" and printable ASCII up to the bound. */
static gboolean
candidate_is_valid (const char *text,
                    gsize       len)
{
  if (len <= strlen (CANDIDATE_PREFIX) || len > PU_SIGNAL_CANDIDATE_MAX ||
      strncmp (text, CANDIDATE_PREFIX, strlen (CANDIDATE_PREFIX)) != 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (text[i] < 0x20 || text[i] > 0x7e)
      return FALSE;
  return TRUE;
}

static gboolean
type_is_known (guint type)
{
  return type >= PU_SIGNAL_CREDENTIALS && type <= PU_SIGNAL_RESTART;
}

const char *
pu_signal_type_to_string (PuSignalType type)
{
  switch (type)
    {
    case PU_SIGNAL_CREDENTIALS:
      return "credentials";
    case PU_SIGNAL_CANDIDATES:
      return "candidates";
    case PU_SIGNAL_END_OF_CANDIDATES:
      return "end-of-candidates";
    case PU_SIGNAL_RESTART:
      return "restart";
    default:
      return "unknown";
    }
}

void
pu_signal_init (PuSignal     *msg,
                PuSignalType  type,
                guint64       session,
                guint32       generation)
{
  g_return_if_fail (msg != NULL);

  memset (msg, 0, sizeof *msg);
  msg->type = type;
  msg->session = session;
  msg->generation = generation;
}

gboolean
pu_signal_add_candidate (PuSignal   *msg,
                         const char *sdp)
{
  gsize len;

  g_return_val_if_fail (msg != NULL, FALSE);
  g_return_val_if_fail (sdp != NULL, FALSE);

  if (g_str_has_prefix (sdp, "a="))
    sdp += 2;
  len = strlen (sdp);
  if (msg->n_candidates >= PU_SIGNAL_MAX_CANDIDATES || !candidate_is_valid (sdp, len))
    return FALSE;
  memcpy (msg->candidates[msg->n_candidates++], sdp, len + 1);
  return TRUE;
}

static void
put_be (GByteArray *buf,
        guint64     value,
        guint       n)
{
  for (guint i = n; i > 0; i--)
    {
      guint8 byte = (guint8) (value >> (8 * (i - 1)));

      g_byte_array_append (buf, &byte, 1);
    }
}

static void
put_field (GByteArray *buf,
           const char *text)
{
  gsize len = strlen (text);

  put_be (buf, len, 1);
  g_byte_array_append (buf, (const guint8 *) text, len);
}

GBytes *
pu_signal_encode (const PuSignal  *msg,
                  GError         **error)
{
  g_autoptr(GByteArray) buf = NULL;
  gsize ufrag_len, pwd_len;

  g_return_val_if_fail (msg != NULL, NULL);

  switch (msg->type)
    {
    case PU_SIGNAL_CREDENTIALS:
      ufrag_len = strnlen (msg->ufrag, sizeof msg->ufrag);
      pwd_len = strnlen (msg->pwd, sizeof msg->pwd);
      if (ufrag_len < PU_SIGNAL_UFRAG_MIN || ufrag_len > PU_SIGNAL_UFRAG_MAX ||
          pwd_len < PU_SIGNAL_PWD_MIN || pwd_len > PU_SIGNAL_PWD_MAX ||
          !ice_chars_are_valid (msg->ufrag, ufrag_len) ||
          !ice_chars_are_valid (msg->pwd, pwd_len))
        {
          g_set_error_literal (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                               _("ICE credentials out of bounds; this is a bug, please "
                                 "report it"));
          return NULL;
        }
      break;
    case PU_SIGNAL_CANDIDATES:
      if (msg->n_candidates == 0 || msg->n_candidates > PU_SIGNAL_MAX_CANDIDATES)
        {
          g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                       _("An ICE candidate message needs 1 to %u candidates; this is a bug, "
                         "please report it"), (guint) PU_SIGNAL_MAX_CANDIDATES);
          return NULL;
        }
      for (guint i = 0; i < msg->n_candidates; i++)
        if (!candidate_is_valid (msg->candidates[i],
                                 strnlen (msg->candidates[i], PU_SIGNAL_CANDIDATE_MAX + 1)))
          {
            g_set_error_literal (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                                 _("An ICE candidate is not a valid SDP attribute; this is a "
                                   "bug, please report it"));
            return NULL;
          }
      break;
    case PU_SIGNAL_END_OF_CANDIDATES:
    case PU_SIGNAL_RESTART:
      break;
    default:
      g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                   _("Unknown signaling message type %u; this is a bug, please report it"),
                   (guint) msg->type);
      return NULL;
    }

  buf = g_byte_array_sized_new (PU_SIGNAL_MAX_LEN);
  put_be (buf, PU_SIGNAL_VERSION, 1);
  put_be (buf, msg->type, 1);
  put_be (buf, msg->session, 8);
  put_be (buf, msg->generation, 4);
  if (msg->type == PU_SIGNAL_CREDENTIALS)
    {
      put_field (buf, msg->ufrag);
      put_field (buf, msg->pwd);
    }
  else if (msg->type == PU_SIGNAL_CANDIDATES)
    {
      put_be (buf, msg->n_candidates, 1);
      for (guint i = 0; i < msg->n_candidates; i++)
        put_field (buf, msg->candidates[i]);
    }
  g_assert (buf->len <= PU_SIGNAL_MAX_LEN);
  return g_byte_array_free_to_bytes (g_steal_pointer (&buf));
}

typedef gboolean (*FieldCheck) (const char *text,
                                gsize       len);

/* Reads a length-prefixed text field of @min..@max bytes that passes @check
 * (which refuses NUL bytes) into @out. */
static gboolean
get_field (const guint8 **p,
           const guint8  *end,
           gsize          min,
           gsize          max,
           FieldCheck     check,
           char          *out)
{
  gsize len;

  if (end - *p < 1)
    return FALSE;
  len = **p;
  *p += 1;
  if (len < min || len > max || (gsize) (end - *p) < len || !check ((const char *) *p, len))
    return FALSE;
  memcpy (out, *p, len);
  out[len] = '\0';
  *p += len;
  return TRUE;
}

static guint64
get_be (const guint8 *p,
        guint         n)
{
  guint64 value = 0;

  for (guint i = 0; i < n; i++)
    value = value << 8 | p[i];
  return value;
}

gboolean
pu_signal_decode (const guint8  *data,
                  gsize          len,
                  PuSignal      *out,
                  GError       **error)
{
  const guint8 *p, *end;
  PuSignal msg;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  if (len > PU_SIGNAL_MAX_LEN)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_TOO_LARGE,
                   _("The peer sent a signaling message of %" G_GSIZE_FORMAT " bytes, over "
                     "the limit of %u"), len, (guint) PU_SIGNAL_MAX_LEN);
      return FALSE;
    }
  if (len >= 1 && data[0] != PU_SIGNAL_VERSION)
    {
      g_set_error (error, PU_ERROR, data[0] > PU_SIGNAL_VERSION ? PU_ERROR_VERSION
                                                                : PU_ERROR_PARSE,
                   _("The peer sent a signaling message of unsupported version %u; update "
                     "Peer Up on both devices"), data[0]);
      return FALSE;
    }
  if (len < PU_SIGNAL_HEADER_LEN || !type_is_known (data[1]))
    {
      g_set_error_literal (error, PU_ERROR, PU_ERROR_PARSE,
                           len < PU_SIGNAL_HEADER_LEN
                             ? _("The peer sent a truncated signaling message")
                             : _("The peer sent a signaling message of unknown type"));
      return FALSE;
    }

  pu_signal_init (&msg, data[1], get_be (data + 2, 8), (guint32) get_be (data + 10, 4));
  p = data + PU_SIGNAL_HEADER_LEN;
  end = data + len;
  if (msg.type == PU_SIGNAL_CREDENTIALS)
    {
      if (!get_field (&p, end, PU_SIGNAL_UFRAG_MIN, PU_SIGNAL_UFRAG_MAX, ice_chars_are_valid,
                      msg.ufrag) ||
          !get_field (&p, end, PU_SIGNAL_PWD_MIN, PU_SIGNAL_PWD_MAX, ice_chars_are_valid,
                      msg.pwd))
        {
          g_set_error_literal (error, PU_ERROR, PU_ERROR_PARSE,
                               _("The peer sent malformed ICE credentials"));
          return FALSE;
        }
    }
  else if (msg.type == PU_SIGNAL_CANDIDATES)
    {
      guint n = p < end ? *p++ : 0;

      if (n == 0 || n > PU_SIGNAL_MAX_CANDIDATES)
        {
          g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                       _("The peer sent %u ICE candidates in one message; 1 to %u are "
                         "allowed"), n, (guint) PU_SIGNAL_MAX_CANDIDATES);
          return FALSE;
        }
      for (msg.n_candidates = 0; msg.n_candidates < n; msg.n_candidates++)
        if (!get_field (&p, end, 1, PU_SIGNAL_CANDIDATE_MAX, candidate_is_valid,
                        msg.candidates[msg.n_candidates]))
          {
            g_set_error_literal (error, PU_ERROR, PU_ERROR_PARSE,
                                 _("The peer sent a malformed ICE candidate"));
            return FALSE;
          }
    }

  *out = msg;
  return TRUE;
}
