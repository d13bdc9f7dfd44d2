/* pu-relay-frame.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-relay-frame.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pu-error.h"

#define AUTH_CONTEXT "peerup relay auth v1"
#define FLAG_SERVING 0x01

#define CHALLENGE_LEN (2 + PU_RELAY_NONCE_LEN + PU_PUBKEY_LEN)
#define AUTH_LEN (2 + PU_PUBKEY_LEN + 8 + 1 + PU_SIGNATURE_LEN)
#define COOKIE_LEN (2 + 8)
#define ERROR_HEAD_LEN (2 + 2 + 1)

G_STATIC_ASSERT (sizeof AUTH_CONTEXT - 1 + PU_RELAY_NONCE_LEN + PU_PUBKEY_LEN + 8 + 1 ==
                  PU_RELAY_AUTH_TRANSCRIPT_LEN);
G_STATIC_ASSERT (PU_RELAY_ERROR_MESSAGE_MAX <= G_MAXUINT8);

static guint64
read_u64 (const guint8 *p)
{
  guint64 v = 0;

  for (guint i = 0; i < 8; i++)
    v = (v << 8) | p[i];
  return v;
}

static void
write_u64 (guint8  *p,
           guint64  v)
{
  for (guint i = 0; i < 8; i++)
    p[i] = (guint8) (v >> (56 - 8 * i));
}

static gboolean
malformed (GError     **error,
           const char  *why)
{
  g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
               _("Malformed relay message (%s); check that both ends run Peer Up"), why);
  return FALSE;
}

static gboolean
expect_len (gsize        len,
            gsize        want,
            GError     **error)
{
  if (len != want)
    return malformed (error, _("wrong length"));
  return TRUE;
}

static gboolean
message_is_clean (const char *text,
                  gsize       len)
{
  if (!g_utf8_validate_len (text, len, NULL))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if ((guint8) text[i] < 0x20 || text[i] == 0x7f)
      return FALSE;
  return TRUE;
}

gboolean
pu_relay_frame_decode (const guint8  *data,
                       gsize          len,
                       PuRelayFrame  *out,
                       GError       **error)
{
  const guint8 *body = data + 2;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  memset (out, 0, sizeof *out);

  if (len > PU_RELAY_FRAME_MAX)
    return malformed (error, _("too large"));
  if (len < 2)
    return malformed (error, _("truncated"));
  if (data[0] != PU_RELAY_FRAME_VERSION)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_VERSION,
                   _("The other end speaks relay protocol version %u, this Peer Up speaks %u; "
                     "upgrade the older side"), data[0], PU_RELAY_FRAME_VERSION);
      return FALSE;
    }

  out->type = data[1];
  switch (data[1])
    {
    case PU_RELAY_FRAME_CHALLENGE:
      if (!expect_len (len, CHALLENGE_LEN, error))
        return FALSE;
      memcpy (out->nonce, body, PU_RELAY_NONCE_LEN);
      pu_peer_id_from_pubkey (body + PU_RELAY_NONCE_LEN, &out->peer);
      return TRUE;

    case PU_RELAY_FRAME_AUTH:
      if (!expect_len (len, AUTH_LEN, error))
        return FALSE;
      pu_peer_id_from_pubkey (body, &out->peer);
      out->instance = read_u64 (body + PU_PUBKEY_LEN);
      if (out->instance == 0)
        return malformed (error, _("instance 0"));
      if ((body[PU_PUBKEY_LEN + 8] & ~FLAG_SERVING) != 0)
        return malformed (error, _("unknown flags"));
      out->serving = (body[PU_PUBKEY_LEN + 8] & FLAG_SERVING) != 0;
      memcpy (out->signature, body + PU_PUBKEY_LEN + 9, PU_SIGNATURE_LEN);
      return TRUE;

    case PU_RELAY_FRAME_WELCOME:
      return expect_len (len, 2, error);

    case PU_RELAY_FRAME_ERROR:
      {
        gsize msg_len;

        if (len < ERROR_HEAD_LEN)
          return malformed (error, _("truncated"));
        msg_len = body[2];
        if (msg_len > PU_RELAY_ERROR_MESSAGE_MAX)
          return malformed (error, _("error text too long"));
        if (!expect_len (len, ERROR_HEAD_LEN + msg_len, error))
          return FALSE;
        if (!message_is_clean ((const char *) body + 3, msg_len))
          return malformed (error, _("bad error text"));
        out->error_code = (guint16) (body[0] << 8 | body[1]);
        memcpy (out->message, body + 3, msg_len);
        out->message[msg_len] = '\0';
        return TRUE;
      }

    case PU_RELAY_FRAME_PACKET:
    case PU_RELAY_FRAME_SIGNAL:
      if (len < PU_RELAY_FRAME_ADDR_LEN)
        return malformed (error, _("truncated"));
      pu_peer_id_from_pubkey (body, &out->peer);
      out->instance = read_u64 (body + PU_PUBKEY_LEN);
      out->payload = data + PU_RELAY_FRAME_ADDR_LEN;
      out->payload_len = len - PU_RELAY_FRAME_ADDR_LEN;
      return TRUE;

    case PU_RELAY_FRAME_PING:
    case PU_RELAY_FRAME_PONG:
      if (!expect_len (len, COOKIE_LEN, error))
        return FALSE;
      out->cookie = read_u64 (body);
      return TRUE;

    default:
      return malformed (error, _("unknown type"));
    }
}

GBytes *
pu_relay_frame_encode (const PuRelayFrame  *frame,
                       GError             **error)
{
  g_autoptr(GByteArray) buf = NULL;
  guint8 u64[8];

  g_return_val_if_fail (frame != NULL, NULL);
  g_return_val_if_fail (frame->payload != NULL || frame->payload_len == 0, NULL);

  buf = g_byte_array_sized_new (PU_RELAY_FRAME_ADDR_LEN);
  g_byte_array_append (buf, (const guint8[]) { PU_RELAY_FRAME_VERSION, frame->type }, 2);

  switch (frame->type)
    {
    case PU_RELAY_FRAME_CHALLENGE:
      g_byte_array_append (buf, frame->nonce, PU_RELAY_NONCE_LEN);
      g_byte_array_append (buf, frame->peer.pubkey, PU_PUBKEY_LEN);
      break;

    case PU_RELAY_FRAME_AUTH:
      g_return_val_if_fail (frame->instance != 0, NULL);
      write_u64 (u64, frame->instance);
      g_byte_array_append (buf, frame->peer.pubkey, PU_PUBKEY_LEN);
      g_byte_array_append (buf, u64, 8);
      g_byte_array_append (buf, (const guint8[]) { frame->serving ? FLAG_SERVING : 0 }, 1);
      g_byte_array_append (buf, frame->signature, PU_SIGNATURE_LEN);
      break;

    case PU_RELAY_FRAME_WELCOME:
      break;

    case PU_RELAY_FRAME_ERROR:
      {
        const char *end = NULL;
        gsize msg_len = strnlen (frame->message, PU_RELAY_ERROR_MESSAGE_MAX);

        /* Keep the valid UTF-8 prefix so a cut never splits a character. */
        g_utf8_validate_len (frame->message, msg_len, &end);
        msg_len = (gsize) (end - frame->message);
        g_byte_array_append (buf, (const guint8[]) { frame->error_code >> 8,
                                                     frame->error_code & 0xff,
                                                     (guint8) msg_len }, 3);
        g_byte_array_append (buf, (const guint8 *) frame->message, msg_len);
        break;
      }

    case PU_RELAY_FRAME_PACKET:
    case PU_RELAY_FRAME_SIGNAL:
      if (frame->payload_len > PU_RELAY_PAYLOAD_MAX)
        {
          g_set_error (error, PU_ERROR, PU_ERROR_TOO_LARGE,
                       _("A relayed message is limited to %u bytes, this one has %zu"),
                       (guint) PU_RELAY_PAYLOAD_MAX, frame->payload_len);
          return NULL;
        }
      write_u64 (u64, frame->instance);
      g_byte_array_append (buf, frame->peer.pubkey, PU_PUBKEY_LEN);
      g_byte_array_append (buf, u64, 8);
      if (frame->payload_len > 0)
        g_byte_array_append (buf, frame->payload, frame->payload_len);
      break;

    case PU_RELAY_FRAME_PING:
    case PU_RELAY_FRAME_PONG:
      write_u64 (u64, frame->cookie);
      g_byte_array_append (buf, u64, 8);
      break;

    default:
      g_return_val_if_reached (NULL);
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&buf));
}

gboolean
pu_relay_frame_send (SoupWebsocketConnection  *ws,
                     const PuRelayFrame       *frame,
                     gboolean                  may_drop,
                     GError                  **error)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_val_if_fail (SOUP_IS_WEBSOCKET_CONNECTION (ws), FALSE);
  g_return_val_if_fail (frame != NULL, FALSE);

  if (soup_websocket_connection_get_state (ws) != SOUP_WEBSOCKET_STATE_OPEN)
    {
      g_set_error_literal (error, PU_ERROR, PU_ERROR_FAILED,
                           _("The relay connection is closed; the message was not sent"));
      return FALSE;
    }

  /* libsoup 3.2 queues without limit and does not tell how much it holds.
   * It writes at once while the socket takes data, so refusing while the
   * socket is full keeps its queue to a frame or two and leaves the bound to
   * the socket's send buffer. */
  if (may_drop)
    {
      GIOStream *io = soup_websocket_connection_get_io_stream (ws);
      GOutputStream *out = g_io_stream_get_output_stream (io);

      if (!g_pollable_output_stream_is_writable (G_POLLABLE_OUTPUT_STREAM (out)))
        {
          g_set_error_literal (error, PU_ERROR, PU_ERROR_FAILED,
                               _("The relay connection is congested; the message was dropped"));
          return FALSE;
        }
    }

  bytes = pu_relay_frame_encode (frame, error);
  if (bytes == NULL)
    return FALSE;
  soup_websocket_connection_send_message (ws, SOUP_WEBSOCKET_DATA_BINARY, bytes);
  return TRUE;
}

void
pu_relay_frame_auth_transcript (const guint8    nonce[PU_RELAY_NONCE_LEN],
                                const PuPeerId *relay,
                                guint64         instance,
                                gboolean        serving,
                                guint8          out[PU_RELAY_AUTH_TRANSCRIPT_LEN])
{
  guint8 *p = out;

  g_return_if_fail (nonce != NULL && relay != NULL && out != NULL);

  memcpy (p, AUTH_CONTEXT, sizeof AUTH_CONTEXT - 1);
  p += sizeof AUTH_CONTEXT - 1;
  memcpy (p, nonce, PU_RELAY_NONCE_LEN);
  p += PU_RELAY_NONCE_LEN;
  memcpy (p, relay->pubkey, PU_PUBKEY_LEN);
  p += PU_PUBKEY_LEN;
  write_u64 (p, instance);
  p += 8;
  *p = serving ? FLAG_SERVING : 0;
}
