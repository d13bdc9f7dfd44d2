/* pu-stream-header.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-stream-header.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pu-error.h"

#define FRAME_PREFIX_LEN 3

G_STATIC_ASSERT (PU_STREAM_HEADER_MAX_BODY >= 2 + PU_LABEL_MAX_LEN);
G_STATIC_ASSERT (PU_STREAM_HEADER_MAX_BODY >= 2 + PU_STREAM_STATUS_MESSAGE_MAX);

/* Printable UTF-8: the message ends up in front of a user. */
static gboolean
message_is_valid (const char *message,
                  gsize       len)
{
  const char *end = message + len;

  if (len == 0)
    return TRUE;
  if (!g_utf8_validate_len (message, len, NULL))
    return FALSE;

  for (const char *p = message; p < end; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;

  return TRUE;
}

static gboolean
kind_is_known (guint kind)
{
  return kind >= PU_STREAM_KIND_PROXY && kind <= PU_STREAM_KIND_FILE;
}

static gboolean
status_is_known (guint status)
{
  return status <= PU_STREAM_STATUS_UNREACHABLE;
}

static GBytes *
frame (guint8        first,
       const char   *field,
       gsize         field_len)
{
  gsize body_len = 2 + field_len;
  guint8 *buf = g_malloc (FRAME_PREFIX_LEN + body_len);

  g_assert (body_len <= PU_STREAM_HEADER_MAX_BODY);
  buf[0] = PU_STREAM_HEADER_VERSION;
  buf[1] = (guint8) (body_len >> 8);
  buf[2] = (guint8) body_len;
  buf[3] = first;
  buf[4] = (guint8) field_len;
  if (field_len > 0)
    memcpy (buf + 5, field, field_len);

  return g_bytes_new_take (buf, FRAME_PREFIX_LEN + body_len);
}

/* Checks the framing shared by both messages. On OK, *body and *body_len
 * describe the body and *consumed the whole frame. */
static PuStreamDecode
unframe (const guint8  *data,
         gsize          len,
         const char    *what,
         const guint8 **body,
         gsize         *body_len,
         gsize         *consumed,
         GError       **error)
{
  gsize n;

  *consumed = FRAME_PREFIX_LEN;
  if (len < 1)
    return PU_STREAM_DECODE_NEED_MORE;

  if (data[0] != PU_STREAM_HEADER_VERSION)
    {
      g_set_error (error, PU_ERROR, data[0] > PU_STREAM_HEADER_VERSION ? PU_ERROR_VERSION
                                                                      : PU_ERROR_PARSE,
                   _("The peer sent a %s of unsupported version %u; update Peer Up on both "
                     "devices"),
                   what, data[0]);
      return PU_STREAM_DECODE_MALFORMED;
    }

  if (len < FRAME_PREFIX_LEN)
    return PU_STREAM_DECODE_NEED_MORE;

  n = (gsize) data[1] << 8 | data[2];
  if (n < 2 || n > PU_STREAM_HEADER_MAX_BODY)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                   _("The peer sent a %s with an invalid length (%" G_GSIZE_FORMAT " bytes)"),
                   what, n);
      return PU_STREAM_DECODE_MALFORMED;
    }

  *consumed = FRAME_PREFIX_LEN + n;
  if (len < FRAME_PREFIX_LEN + n)
    return PU_STREAM_DECODE_NEED_MORE;

  /* The second body byte is always the length of the text field that follows. */
  if ((gsize) data[4] > n - 2)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                   _("The peer sent a %s whose fields overrun it"), what);
      return PU_STREAM_DECODE_MALFORMED;
    }

  *body = data + FRAME_PREFIX_LEN;
  *body_len = n;
  *consumed = FRAME_PREFIX_LEN + n;
  return PU_STREAM_DECODE_OK;
}

GBytes *
pu_stream_header_encode (PuStreamKind   kind,
                         const char    *service,
                         GError       **error)
{
  gsize len = service != NULL ? strlen (service) : 0;

  g_return_val_if_fail (kind_is_known (kind), NULL);

  if (len == 0 && kind == PU_STREAM_KIND_PROXY)
    {
      g_set_error_literal (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                           _("A proxied connection needs a service name"));
      return NULL;
    }

  if (len > 0 && !pu_label_is_valid (service, len))
    {
      g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a valid service name: use 1–63 lowercase letters, digits "
                     "or “-”, not starting or ending with “-”"), service);
      return NULL;
    }

  return frame ((guint8) kind, service, len);
}

PuStreamDecode
pu_stream_header_decode (const guint8    *data,
                         gsize            len,
                         PuStreamHeader  *out,
                         gsize           *consumed,
                         GError         **error)
{
  const char *what = _("stream header");
  const guint8 *body;
  gsize body_len, frame_len, name_len;
  PuStreamDecode ret;

  g_return_val_if_fail (data != NULL || len == 0, PU_STREAM_DECODE_MALFORMED);
  g_return_val_if_fail (out != NULL, PU_STREAM_DECODE_MALFORMED);
  g_return_val_if_fail (consumed != NULL, PU_STREAM_DECODE_MALFORMED);

  ret = unframe (data, len, what, &body, &body_len, &frame_len, error);
  if (ret == PU_STREAM_DECODE_NEED_MORE)
    *consumed = frame_len;
  if (ret != PU_STREAM_DECODE_OK)
    return ret;

  if (!kind_is_known (body[0]))
    {
      g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                   _("The peer asked for an unknown kind of stream (%u); update Peer Up on "
                     "both devices"), body[0]);
      return PU_STREAM_DECODE_MALFORMED;
    }

  name_len = body[1];
  if ((name_len == 0 && body[0] == PU_STREAM_KIND_PROXY) ||
      (name_len > 0 && !pu_label_is_valid ((const char *) body + 2, name_len)))
    {
      g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                   _("The peer sent a stream header with an invalid service name"));
      return PU_STREAM_DECODE_MALFORMED;
    }

  out->kind = body[0];
  memcpy (out->service, body + 2, name_len);
  out->service[name_len] = '\0';
  *consumed = frame_len;
  return PU_STREAM_DECODE_OK;
}

GBytes *
pu_stream_reply_encode (PuStreamStatus   status,
                        const char      *message,
                        GError         **error)
{
  gsize len = message != NULL ? strlen (message) : 0;

  g_return_val_if_fail (status_is_known (status), NULL);

  if (len > PU_STREAM_STATUS_MESSAGE_MAX)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_TOO_LARGE,
                   _("A status message is limited to %d bytes; shorten it"),
                   PU_STREAM_STATUS_MESSAGE_MAX);
      return NULL;
    }

  if (!message_is_valid (message, len))
    {
      g_set_error_literal (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                           _("A status message must be printable UTF-8 text"));
      return NULL;
    }

  return frame ((guint8) status, message, len);
}

PuStreamDecode
pu_stream_reply_decode (const guint8    *data,
                        gsize            len,
                        PuStreamReply   *out,
                        gsize           *consumed,
                        GError         **error)
{
  const char *what = _("stream status");
  const guint8 *body;
  gsize body_len, frame_len, message_len;
  PuStreamDecode ret;

  g_return_val_if_fail (data != NULL || len == 0, PU_STREAM_DECODE_MALFORMED);
  g_return_val_if_fail (out != NULL, PU_STREAM_DECODE_MALFORMED);
  g_return_val_if_fail (consumed != NULL, PU_STREAM_DECODE_MALFORMED);

  ret = unframe (data, len, what, &body, &body_len, &frame_len, error);
  if (ret == PU_STREAM_DECODE_NEED_MORE)
    *consumed = frame_len;
  if (ret != PU_STREAM_DECODE_OK)
    return ret;

  if (!status_is_known (body[0]))
    {
      g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                   _("The peer answered with an unknown status (%u); update Peer Up on both "
                     "devices"), body[0]);
      return PU_STREAM_DECODE_MALFORMED;
    }

  message_len = body[1];
  if (message_len > PU_STREAM_STATUS_MESSAGE_MAX ||
      !message_is_valid ((const char *) body + 2, message_len))
    {
      g_set_error_literal (error, PU_ERROR, PU_ERROR_PARSE,
                           _("The peer answered with an invalid status message"));
      return PU_STREAM_DECODE_MALFORMED;
    }

  out->status = body[0];
  memcpy (out->message, body + 2, message_len);
  out->message[message_len] = '\0';
  *consumed = frame_len;
  return PU_STREAM_DECODE_OK;
}

const char *
pu_stream_kind_to_string (PuStreamKind kind)
{
  switch (kind)
    {
    case PU_STREAM_KIND_PROXY:
      return "proxy";
    case PU_STREAM_KIND_PING:
      return "ping";
    case PU_STREAM_KIND_CONTROL:
      return "control";
    case PU_STREAM_KIND_FILE:
      return "file";
    default:
      g_return_val_if_reached ("unknown");
    }
}

const char *
pu_stream_status_to_string (PuStreamStatus status)
{
  switch (status)
    {
    case PU_STREAM_STATUS_OK:
      return "ok";
    case PU_STREAM_STATUS_DENIED:
      return "denied";
    case PU_STREAM_STATUS_NO_SUCH_SERVICE:
      return "no-such-service";
    case PU_STREAM_STATUS_UNREACHABLE:
      return "unreachable";
    default:
      g_return_val_if_reached ("unknown");
    }
}
