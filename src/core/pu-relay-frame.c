/* pu-relay-frame.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-relay-frame.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pu-error.h"
#include "pu-label.h"

#define AUTH_CONTEXT "peerup relay auth v1"
#define SPONSOR_CONTEXT "peerup relay sponsor v1"
#define FLAG_SERVING 0x01
#define FLAG_PAIRING 0x02

#define CHALLENGE_LEN (2 + PU_RELAY_NONCE_LEN + PU_PUBKEY_LEN)
#define AUTH_LEN (2 + PU_PUBKEY_LEN + 8 + 1 + PU_SIGNATURE_LEN)
#define COOKIE_LEN (2 + 8)
#define SPONSOR_LEN (2 + PU_PUBKEY_LEN + 8 + PU_SIGNATURE_LEN)
#define SPONSORED_LEN (2 + PU_PUBKEY_LEN + 1)
#define CLAIM_LEN (2 + 4)
#define OPEN_LEN (2 + 2)
#define NAMEPLATE_LEN (2 + 2 + 1 + PU_PUBKEY_LEN + 8)
#define MEMBER_MAX_LEN (PU_PUBKEY_LEN + 1 + PU_RELAY_MEMBER_NAME_MAX)
#define ERROR_HEAD_LEN (2 + 2 + 1)
/* The largest part of a frame that is not a payload: a MEMBERS. */
#define HEAD_MAX (2 + 2 + PU_RELAY_GROUP_MAX * MEMBER_MAX_LEN)

G_STATIC_ASSERT (sizeof AUTH_CONTEXT - 1 + PU_RELAY_NONCE_LEN + PU_PUBKEY_LEN + 8 + 1 ==
                  PU_RELAY_AUTH_TRANSCRIPT_LEN);
G_STATIC_ASSERT (sizeof SPONSOR_CONTEXT - 1 + 2 * PU_PUBKEY_LEN + 8 ==
                  PU_RELAY_SPONSOR_TRANSCRIPT_LEN);
G_STATIC_ASSERT (PU_RELAY_ERROR_MESSAGE_MAX <= G_MAXUINT8);
G_STATIC_ASSERT (HEAD_MAX <= PU_RELAY_FRAME_MAX);
G_STATIC_ASSERT (2 + 2 + 3 * (1 + PU_RELAY_TURN_TEXT_MAX) <= HEAD_MAX);
G_STATIC_ASSERT (ERROR_HEAD_LEN + PU_RELAY_ERROR_MESSAGE_MAX <= HEAD_MAX);
G_STATIC_ASSERT (CHALLENGE_LEN <= HEAD_MAX && AUTH_LEN <= HEAD_MAX &&
                 PU_RELAY_FRAME_ADDR_LEN <= HEAD_MAX && SPONSOR_LEN <= HEAD_MAX);

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

/* A name: length byte, then a label; advances *@p. */
static gboolean
read_name (const guint8 **p,
           const guint8  *end,
           char           out[PU_RELAY_MEMBER_NAME_MAX + 1])
{
  gsize len;

  if (*p >= end)
    return FALSE;
  len = **p;
  if (len > PU_RELAY_MEMBER_NAME_MAX || (gsize) (end - *p - 1) < len)
    return FALSE;
  memcpy (out, *p + 1, len);
  out[len] = '\0';
  *p += 1 + len;
  /* By its length: a NUL inside is no label. */
  return pu_label_is_valid (out, (gssize) len);
}

/* A TURN text: length byte, then printable text, not empty; advances *@p. */
static gboolean
read_text (const guint8 **p,
           const guint8  *end,
           char           out[PU_RELAY_TURN_TEXT_MAX + 1])
{
  gsize len;

  if (*p >= end)
    return FALSE;
  len = **p;
  if (len == 0 || len > PU_RELAY_TURN_TEXT_MAX || (gsize) (end - *p - 1) < len ||
      !message_is_clean ((const char *) *p + 1, len))
    return FALSE;
  memcpy (out, *p + 1, len);
  out[len] = '\0';
  *p += 1 + len;
  return TRUE;
}

static guint8 *
write_text (guint8     *p,
            const char *text)
{
  gsize len = strnlen (text, PU_RELAY_TURN_TEXT_MAX);

  *p++ = (guint8) len;
  memcpy (p, text, len);
  return p + len;
}

static guint8 *
write_name (guint8     *p,
            const char *name)
{
  gsize len = strnlen (name, PU_RELAY_MEMBER_NAME_MAX);

  *p++ = (guint8) len;
  memcpy (p, name, len);
  return p + len;
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

  /* The members' room (3 KB) is written only by the frames that use it. */
  memset (out, 0, G_STRUCT_OFFSET (PuRelayFrame, members));

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
      if ((body[PU_PUBKEY_LEN + 8] & ~(FLAG_SERVING | FLAG_PAIRING)) != 0)
        return malformed (error, _("unknown flags"));
      out->serving = (body[PU_PUBKEY_LEN + 8] & FLAG_SERVING) != 0;
      out->pairing = (body[PU_PUBKEY_LEN + 8] & FLAG_PAIRING) != 0;
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

    case PU_RELAY_FRAME_PACKETS:
      {
        gsize at = PU_RELAY_FRAME_ADDR_LEN;

        if (len <= PU_RELAY_FRAME_ADDR_LEN)
          return malformed (error, _("truncated"));
        while (at < len)
          {
            gsize n;

            if (len - at < PU_RELAY_BATCH_ENTRY_HEAD)
              return malformed (error, _("truncated"));
            n = (gsize) data[at] << 8 | data[at + 1];
            if (n == 0)
              return malformed (error, _("empty packet"));
            if (n > len - at - PU_RELAY_BATCH_ENTRY_HEAD)
              return malformed (error, _("truncated"));
            at += PU_RELAY_BATCH_ENTRY_HEAD + n;
          }
        pu_peer_id_from_pubkey (body, &out->peer);
        out->instance = read_u64 (body + PU_PUBKEY_LEN);
        out->payload = data + PU_RELAY_FRAME_ADDR_LEN;
        out->payload_len = len - PU_RELAY_FRAME_ADDR_LEN;
        return TRUE;
      }
    case PU_RELAY_FRAME_PING:
    case PU_RELAY_FRAME_PONG:
      if (!expect_len (len, COOKIE_LEN, error))
        return FALSE;
      out->cookie = read_u64 (body);
      return TRUE;

    case PU_RELAY_FRAME_SPONSOR:
      if (!expect_len (len, SPONSOR_LEN, error))
        return FALSE;
      pu_peer_id_from_pubkey (body, &out->peer);
      out->timestamp = (gint64) read_u64 (body + PU_PUBKEY_LEN);
      if (out->timestamp < 0)
        return malformed (error, _("bad timestamp"));
      memcpy (out->signature, body + PU_PUBKEY_LEN + 8, PU_SIGNATURE_LEN);
      return TRUE;

    case PU_RELAY_FRAME_SPONSORED:
      if (!expect_len (len, SPONSORED_LEN, error))
        return FALSE;
      pu_peer_id_from_pubkey (body, &out->peer);
      out->status = body[PU_PUBKEY_LEN];
      if (out->status > PU_RELAY_SPONSOR_INVALID)
        return malformed (error, _("unknown status"));
      return TRUE;

    case PU_RELAY_FRAME_CLAIM:
      if (!expect_len (len, CLAIM_LEN, error))
        return FALSE;
      out->ttl = (guint32) body[0] << 24 | (guint32) body[1] << 16 | (guint32) body[2] << 8 |
                 body[3];
      return TRUE;

    case PU_RELAY_FRAME_OPEN:
      if (!expect_len (len, OPEN_LEN, error))
        return FALSE;
      out->nameplate = (guint16) (body[0] << 8 | body[1]);
      return TRUE;

    case PU_RELAY_FRAME_NAMEPLATE:
      if (!expect_len (len, NAMEPLATE_LEN, error))
        return FALSE;
      out->nameplate = (guint16) (body[0] << 8 | body[1]);
      out->status = body[2];
      if (out->status > 1)
        return malformed (error, _("unknown status"));
      pu_peer_id_from_pubkey (body + 3, &out->peer);
      out->instance = read_u64 (body + 3 + PU_PUBKEY_LEN);
      return TRUE;

    case PU_RELAY_FRAME_GROUP_JOIN:
      {
        const guint8 *p = body + PU_RELAY_GROUP_TOKEN_LEN;

        if (len < 2 + PU_RELAY_GROUP_TOKEN_LEN)
          return malformed (error, _("truncated"));
        memcpy (out->token, body, PU_RELAY_GROUP_TOKEN_LEN);
        if (!read_name (&p, data + len, out->members[0].name) || p != data + len)
          return malformed (error, _("bad name"));
        return TRUE;
      }

    case PU_RELAY_FRAME_ABSENT:
      if (!expect_len (len, PU_RELAY_FRAME_ADDR_LEN, error))
        return FALSE;
      pu_peer_id_from_pubkey (body, &out->peer);
      out->instance = read_u64 (body + PU_PUBKEY_LEN);
      return TRUE;

    case PU_RELAY_FRAME_TURN:
      {
        const guint8 *p = body + 2;
        const guint8 *end = data + len;

        if (len < 4)
          return malformed (error, _("truncated"));
        out->turn.port = (guint16) (body[0] << 8 | body[1]);
        if (out->turn.port == 0 || !read_text (&p, end, out->turn.host) ||
            !read_text (&p, end, out->turn.username) ||
            !read_text (&p, end, out->turn.password) || p != end)
          return malformed (error, _("bad TURN server"));
        return TRUE;
      }

    case PU_RELAY_FRAME_MEMBERS:
      {
        const guint8 *p = body + 2;
        const guint8 *end = data + len;

        if (len < 4)
          return malformed (error, _("truncated"));
        out->status = body[0];
        out->n_members = body[1];
        if (out->status > PU_RELAY_MEMBERS_INTRODUCED || out->n_members > PU_RELAY_GROUP_MAX)
          return malformed (error, _("bad members"));
        for (guint i = 0; i < out->n_members; i++)
          {
            if ((gsize) (end - p) < PU_PUBKEY_LEN)
              return malformed (error, _("truncated"));
            pu_peer_id_from_pubkey (p, &out->members[i].peer);
            p += PU_PUBKEY_LEN;
            if (!read_name (&p, end, out->members[i].name))
              return malformed (error, _("bad name"));
          }
        if (p != end)
          return malformed (error, _("wrong length"));
        return TRUE;
      }

    default:
      return malformed (error, _("unknown type"));
    }
}

/* Everything of @frame but a PACKET or SIGNAL payload: 0 (and @error) when
 * the frame would be too large. */
static gsize
encode_head (const PuRelayFrame  *frame,
             guint8               head[HEAD_MAX],
             GError             **error)
{
  guint8 *p = head;

  *p++ = PU_RELAY_FRAME_VERSION;
  *p++ = frame->type;

  switch (frame->type)
    {
    case PU_RELAY_FRAME_CHALLENGE:
      memcpy (p, frame->nonce, PU_RELAY_NONCE_LEN);
      memcpy (p + PU_RELAY_NONCE_LEN, frame->peer.pubkey, PU_PUBKEY_LEN);
      p += PU_RELAY_NONCE_LEN + PU_PUBKEY_LEN;
      break;

    case PU_RELAY_FRAME_AUTH:
      g_return_val_if_fail (frame->instance != 0, 0);
      memcpy (p, frame->peer.pubkey, PU_PUBKEY_LEN);
      write_u64 (p + PU_PUBKEY_LEN, frame->instance);
      p[PU_PUBKEY_LEN + 8] = (frame->serving ? FLAG_SERVING : 0) |
                             (frame->pairing ? FLAG_PAIRING : 0);
      memcpy (p + PU_PUBKEY_LEN + 9, frame->signature, PU_SIGNATURE_LEN);
      p += PU_PUBKEY_LEN + 9 + PU_SIGNATURE_LEN;
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
        *p++ = frame->error_code >> 8;
        *p++ = frame->error_code & 0xff;
        *p++ = (guint8) msg_len;
        memcpy (p, frame->message, msg_len);
        p += msg_len;
        break;
      }

    case PU_RELAY_FRAME_PACKET:
    case PU_RELAY_FRAME_PACKETS:
    case PU_RELAY_FRAME_SIGNAL:
      if (frame->payload_len > PU_RELAY_PAYLOAD_MAX)
        {
          g_set_error (error, PU_ERROR, PU_ERROR_TOO_LARGE,
                       _("A relayed message is limited to %u bytes, this one has %zu"),
                       (guint) PU_RELAY_PAYLOAD_MAX, frame->payload_len);
          return 0;
        }
      memcpy (p, frame->peer.pubkey, PU_PUBKEY_LEN);
      write_u64 (p + PU_PUBKEY_LEN, frame->instance);
      p += PU_PUBKEY_LEN + 8;
      break;

    case PU_RELAY_FRAME_PING:
    case PU_RELAY_FRAME_PONG:
      write_u64 (p, frame->cookie);
      p += 8;
      break;

    case PU_RELAY_FRAME_SPONSOR:
      g_return_val_if_fail (frame->timestamp >= 0, 0);
      memcpy (p, frame->peer.pubkey, PU_PUBKEY_LEN);
      write_u64 (p + PU_PUBKEY_LEN, (guint64) frame->timestamp);
      memcpy (p + PU_PUBKEY_LEN + 8, frame->signature, PU_SIGNATURE_LEN);
      p += PU_PUBKEY_LEN + 8 + PU_SIGNATURE_LEN;
      break;

    case PU_RELAY_FRAME_SPONSORED:
      memcpy (p, frame->peer.pubkey, PU_PUBKEY_LEN);
      p[PU_PUBKEY_LEN] = frame->status;
      p += PU_PUBKEY_LEN + 1;
      break;

    case PU_RELAY_FRAME_CLAIM:
      for (guint i = 0; i < 4; i++)
        *p++ = (guint8) (frame->ttl >> (24 - 8 * i));
      break;

    case PU_RELAY_FRAME_OPEN:
      *p++ = frame->nameplate >> 8;
      *p++ = frame->nameplate & 0xff;
      break;

    case PU_RELAY_FRAME_ABSENT:
      memcpy (p, frame->peer.pubkey, PU_PUBKEY_LEN);
      write_u64 (p + PU_PUBKEY_LEN, frame->instance);
      p += PU_PUBKEY_LEN + 8;
      break;

    case PU_RELAY_FRAME_TURN:
      *p++ = frame->turn.port >> 8;
      *p++ = frame->turn.port & 0xff;
      p = write_text (p, frame->turn.host);
      p = write_text (p, frame->turn.username);
      p = write_text (p, frame->turn.password);
      break;

    case PU_RELAY_FRAME_NAMEPLATE:
      *p++ = frame->nameplate >> 8;
      *p++ = frame->nameplate & 0xff;
      *p++ = frame->status;
      memcpy (p, frame->peer.pubkey, PU_PUBKEY_LEN);
      write_u64 (p + PU_PUBKEY_LEN, frame->instance);
      p += PU_PUBKEY_LEN + 8;
      break;

    case PU_RELAY_FRAME_GROUP_JOIN:
      memcpy (p, frame->token, PU_RELAY_GROUP_TOKEN_LEN);
      p = write_name (p + PU_RELAY_GROUP_TOKEN_LEN, frame->members[0].name);
      break;

    case PU_RELAY_FRAME_MEMBERS:
      g_return_val_if_fail (frame->n_members <= PU_RELAY_GROUP_MAX, 0);
      *p++ = frame->status;
      *p++ = (guint8) frame->n_members;
      for (guint i = 0; i < frame->n_members; i++)
        {
          memcpy (p, frame->members[i].peer.pubkey, PU_PUBKEY_LEN);
          p = write_name (p + PU_PUBKEY_LEN, frame->members[i].name);
        }
      break;

    default:
      g_return_val_if_reached (0);
    }

  return (gsize) (p - head);
}

static gboolean
has_payload (const PuRelayFrame *frame)
{
  return frame->type == PU_RELAY_FRAME_PACKET || frame->type == PU_RELAY_FRAME_PACKETS ||
         frame->type == PU_RELAY_FRAME_SIGNAL;
}

GBytes *
pu_relay_frame_encode (const PuRelayFrame  *frame,
                       GError             **error)
{
  guint8 head[HEAD_MAX];
  gsize head_len, payload_len;
  guint8 *data;

  g_return_val_if_fail (frame != NULL, NULL);
  g_return_val_if_fail (frame->payload != NULL || frame->payload_len == 0, NULL);

  head_len = encode_head (frame, head, error);
  if (head_len == 0)
    return NULL;
  payload_len = has_payload (frame) ? frame->payload_len : 0;
  data = g_malloc (head_len + payload_len);
  memcpy (data, head, head_len);
  if (payload_len > 0)
    memcpy (data + head_len, frame->payload, payload_len);
  return g_bytes_new_take (data, head_len + payload_len);
}

gboolean
pu_relay_frame_send (PuWebsocket         *ws,
                     const PuRelayFrame  *frame,
                     gboolean             may_drop,
                     GError             **error)
{
  guint8 head[HEAD_MAX];
  gsize head_len;

  g_return_val_if_fail (PU_IS_WEBSOCKET (ws), FALSE);
  g_return_val_if_fail (frame != NULL, FALSE);
  g_return_val_if_fail (frame->payload != NULL || frame->payload_len == 0, FALSE);

  head_len = encode_head (frame, head, error);
  if (head_len == 0)
    return FALSE;
  /* The payload goes from the caller's buffer into the socket's queue. */
  return pu_websocket_send (ws, head, head_len, has_payload (frame) ? frame->payload : NULL,
                            has_payload (frame) ? frame->payload_len : 0, may_drop, error);
}

gsize
pu_relay_frame_batch_append (guint8       *buf,
                             gsize         used,
                             const guint8 *datagram,
                             gsize         len)
{
  g_return_val_if_fail (buf != NULL && datagram != NULL, used);
  g_return_val_if_fail (len > 0 && len <= G_MAXUINT16, used);

  buf[used] = (guint8) (len >> 8);
  buf[used + 1] = (guint8) len;
  memcpy (buf + used + PU_RELAY_BATCH_ENTRY_HEAD, datagram, len);
  return used + PU_RELAY_BATCH_ENTRY_HEAD + len;
}

gboolean
pu_relay_frame_batch_next (const PuRelayFrame  *frame,
                           gsize               *offset,
                           const guint8       **datagram,
                           gsize               *len)
{
  const guint8 *p;

  g_return_val_if_fail (frame != NULL && frame->type == PU_RELAY_FRAME_PACKETS, FALSE);
  g_return_val_if_fail (offset != NULL && datagram != NULL && len != NULL, FALSE);

  /* Decoding checked that the entries fill the payload exactly. */
  if (*offset + PU_RELAY_BATCH_ENTRY_HEAD > frame->payload_len)
    return FALSE;
  p = frame->payload + *offset;
  *len = (gsize) p[0] << 8 | p[1];
  *datagram = p + PU_RELAY_BATCH_ENTRY_HEAD;
  *offset += PU_RELAY_BATCH_ENTRY_HEAD + *len;
  return TRUE;
}

void
pu_relay_frame_auth_transcript (const guint8    nonce[PU_RELAY_NONCE_LEN],
                                const PuPeerId *relay,
                                guint64         instance,
                                gboolean        serving,
                                gboolean        pairing,
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
  *p = (serving ? FLAG_SERVING : 0) | (pairing ? FLAG_PAIRING : 0);
}

void
pu_relay_frame_sponsor_transcript (const PuPeerId *relay,
                                   const PuPeerId *joiner,
                                   gint64          timestamp,
                                   guint8          out[PU_RELAY_SPONSOR_TRANSCRIPT_LEN])
{
  guint8 *p = out;

  g_return_if_fail (relay != NULL && joiner != NULL && out != NULL);

  memcpy (p, SPONSOR_CONTEXT, sizeof SPONSOR_CONTEXT - 1);
  p += sizeof SPONSOR_CONTEXT - 1;
  memcpy (p, relay->pubkey, PU_PUBKEY_LEN);
  p += PU_PUBKEY_LEN;
  memcpy (p, joiner->pubkey, PU_PUBKEY_LEN);
  p += PU_PUBKEY_LEN;
  write_u64 (p, (guint64) timestamp);
}
