/* pu-stun.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-stun.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pu-error.h"

#define MAGIC_COOKIE 0x2112A442u
#define FINGERPRINT_XOR 0x5354554Eu

#define BINDING_REQUEST 0x0001
#define BINDING_SUCCESS 0x0101
#define BINDING_ERROR 0x0111

#define ATTR_MAPPED_ADDRESS 0x0001
#define ATTR_USERNAME 0x0006
#define ATTR_MESSAGE_INTEGRITY 0x0008
#define ATTR_ERROR_CODE 0x0009
#define ATTR_UNKNOWN_ATTRIBUTES 0x000A
#define ATTR_XOR_MAPPED_ADDRESS 0x0020
#define ATTR_FINGERPRINT 0x8028

#define FAMILY_IPV4 0x01
#define FAMILY_IPV6 0x02
/* RFC 3489 has no magic cookie: its transaction ID takes those 4 bytes too. */
#define CLASSIC_TXID_LEN 16

/* A 420 answer names at most this many unknown attributes. */
#define MAX_UNKNOWN 8

typedef struct {
  guint16       type;
  guint8        txid[PU_STUN_TXID_LEN];
  guint16       unknown[MAX_UNKNOWN];
  guint         n_unknown;
  const guint8 *xor_mapped;
  gsize         xor_mapped_len;
} Message;

static guint16
read_u16 (const guint8 *p)
{
  return (guint16) (p[0] << 8 | p[1]);
}

static guint32
read_u32 (const guint8 *p)
{
  return (guint32) p[0] << 24 | (guint32) p[1] << 16 | (guint32) p[2] << 8 | p[3];
}

static void
put_u16 (GByteArray *buf,
         guint16     v)
{
  g_byte_array_append (buf, (const guint8[]) { v >> 8, v & 0xff }, 2);
}

static void
put_u32 (GByteArray *buf,
         guint32     v)
{
  g_byte_array_append (buf, (const guint8[]) { v >> 24, (v >> 16) & 0xff, (v >> 8) & 0xff,
                                               v & 0xff }, 4);
}

/* CRC-32 (IEEE 802.3), as FINGERPRINT requires. */
static guint32
crc32 (const guint8 *data,
       gsize         len)
{
  guint32 crc = 0xffffffffu;

  for (gsize i = 0; i < len; i++)
    {
      crc ^= data[i];
      for (guint k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
    }
  return ~crc;
}

static gboolean
not_stun (GError     **error,
          const char  *why)
{
  g_set_error (error, PU_ERROR, PU_ERROR_PARSE, _("Not a STUN message we answer (%s)"), why);
  return FALSE;
}

/* Checks the header and walks every attribute within bounds; FINGERPRINT,
 * when present, must be last and correct. */
static gboolean
parse_message (const guint8  *data,
               gsize          len,
               Message       *msg,
               GError       **error)
{
  gsize pos = PU_STUN_HEADER_LEN;

  memset (msg, 0, sizeof *msg);

  if (len < PU_STUN_HEADER_LEN)
    return not_stun (error, _("truncated"));
  if (len > PU_STUN_MAX_MESSAGE)
    return not_stun (error, _("too large"));
  if ((data[0] & 0xc0) != 0)
    return not_stun (error, _("not STUN"));
  if (read_u32 (data + 4) != MAGIC_COOKIE)
    return not_stun (error, _("no magic cookie"));
  if (read_u16 (data + 2) != len - PU_STUN_HEADER_LEN || len % 4 != 0)
    return not_stun (error, _("wrong length"));

  msg->type = read_u16 (data);
  memcpy (msg->txid, data + 8, PU_STUN_TXID_LEN);

  while (pos < len)
    {
      guint16 type, alen;

      if (len - pos < 4)
        return not_stun (error, _("truncated attribute"));
      type = read_u16 (data + pos);
      alen = read_u16 (data + pos + 2);
      pos += 4;
      if (((alen + 3u) & ~3u) > len - pos)
        return not_stun (error, _("attribute overruns message"));

      switch (type)
        {
        case ATTR_FINGERPRINT:
          if (alen != 4 || pos + 4 != len)
            return not_stun (error, _("misplaced fingerprint"));
          if ((crc32 (data, pos - 4) ^ FINGERPRINT_XOR) != read_u32 (data + pos))
            return not_stun (error, _("wrong fingerprint"));
          break;

        case ATTR_XOR_MAPPED_ADDRESS:
          msg->xor_mapped = data + pos;
          msg->xor_mapped_len = alen;
          break;

        case ATTR_USERNAME:
        case ATTR_MESSAGE_INTEGRITY:
          /* No credentials here: the answer is the same for everyone. */
          break;

        default:
          if (type < 0x8000 && msg->n_unknown < MAX_UNKNOWN)
            msg->unknown[msg->n_unknown++] = type;
          break;
        }
      pos += (alen + 3u) & ~3u;
    }
  return TRUE;
}

static GByteArray *
header_new (guint16      type,
            const guint8 txid[PU_STUN_TXID_LEN])
{
  GByteArray *buf = g_byte_array_sized_new (64);

  put_u16 (buf, type);
  put_u16 (buf, 0);  /* length: set_length () */
  put_u32 (buf, MAGIC_COOKIE);
  g_byte_array_append (buf, txid, PU_STUN_TXID_LEN);
  return buf;
}

static void
set_length (GByteArray *buf)
{
  guint16 body = (guint16) (buf->len - PU_STUN_HEADER_LEN);

  buf->data[2] = body >> 8;
  buf->data[3] = body & 0xff;
}

static GBytes *
finish (GByteArray *buf)
{
  guint32 fp;

  /* The fingerprint covers a header whose length already counts it. */
  g_byte_array_set_size (buf, buf->len + 8);
  set_length (buf);
  g_byte_array_set_size (buf, buf->len - 8);
  fp = crc32 (buf->data, buf->len) ^ FINGERPRINT_XOR;
  put_u16 (buf, ATTR_FINGERPRINT);
  put_u16 (buf, 4);
  put_u32 (buf, fp);
  return g_byte_array_free_to_bytes (buf);
}

static gboolean
is_v4_mapped (const guint8 *a)
{
  static const guint8 prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

  return memcmp (a, prefix, sizeof prefix) == 0;
}

/* Addresses are XORed with the cookie and transaction ID so NATs that
 * rewrite addresses inside payloads leave them alone. */
static void
xor_key (const guint8 txid[PU_STUN_TXID_LEN],
         guint8       key[16])
{
  key[0] = MAGIC_COOKIE >> 24;
  key[1] = (MAGIC_COOKIE >> 16) & 0xff;
  key[2] = (MAGIC_COOKIE >> 8) & 0xff;
  key[3] = MAGIC_COOKIE & 0xff;
  memcpy (key + 4, txid, PU_STUN_TXID_LEN);
}

/* The address bytes of @ip (4 or 16 in *@n) and their STUN family. */
static const guint8 *
address_bytes (GInetAddress *ip,
               guint8       *family,
               gsize        *n)
{
  const guint8 *raw = g_inet_address_to_bytes (ip);

  /* A dual-stack socket reports IPv4 peers as ::ffff:a.b.c.d. */
  if (g_inet_address_get_family (ip) == G_SOCKET_FAMILY_IPV6 && !is_v4_mapped (raw))
    {
      *family = FAMILY_IPV6;
      *n = 16;
      return raw;
    }
  *family = FAMILY_IPV4;
  *n = 4;
  return g_inet_address_get_family (ip) == G_SOCKET_FAMILY_IPV6 ? raw + 12 : raw;
}

static void
put_xor_address (GByteArray         *buf,
                 const guint8        txid[PU_STUN_TXID_LEN],
                 GInetSocketAddress *addr)
{
  guint16 port = g_inet_socket_address_get_port (addr);
  guint8 key[16];
  guint8 out[16];
  gsize n;
  guint8 family;
  const guint8 *raw = address_bytes (g_inet_socket_address_get_address (addr), &family, &n);

  /* All 16 bytes every time: a loop bounded by n alone makes GCC 12 at -O3
   * see a write past the buffer. */
  g_assert (n <= sizeof out);
  memset (out, 0, sizeof out);
  memcpy (out, raw, n);
  xor_key (txid, key);
  for (gsize i = 0; i < sizeof out; i++)
    out[i] ^= key[i];

  put_u16 (buf, ATTR_XOR_MAPPED_ADDRESS);
  put_u16 (buf, (guint16) (4 + n));
  g_byte_array_append (buf, (const guint8[]) { 0, family }, 2);
  put_u16 (buf, port ^ (MAGIC_COOKIE >> 16));
  g_byte_array_append (buf, out, n);
}

/* RFC 3489 clients (libnice asks for server-reflexive candidates this way)
 * get what RFC 5389 section 12.2 prescribes: MAPPED-ADDRESS, their whole
 * transaction ID, no FINGERPRINT. Attributes are walked within bounds only:
 * the answer does not depend on them. */
static GBytes *
answer_classic (const guint8        *data,
                gsize                len,
                GInetSocketAddress  *from,
                GError             **error)
{
  GByteArray *buf;
  gsize n, pos = PU_STUN_HEADER_LEN;
  guint8 family;
  const guint8 *raw;
  const char *why = NULL;

  if ((data[0] & 0xc0) != 0 || read_u16 (data + 2) != len - PU_STUN_HEADER_LEN ||
      len % 4 != 0)
    why = _("not STUN");
  else if (read_u16 (data) != BINDING_REQUEST)
    why = _("not a Binding request");
  while (why == NULL && pos < len)
    {
      if (len - pos < 4 || ((read_u16 (data + pos + 2) + 3u) & ~3u) > len - pos - 4)
        why = _("attribute overruns message");
      else
        pos += 4 + ((read_u16 (data + pos + 2) + 3u) & ~3u);
    }
  if (why != NULL)
    {
      not_stun (error, why);
      return NULL;
    }

  raw = address_bytes (g_inet_socket_address_get_address (from), &family, &n);
  buf = g_byte_array_sized_new (64);
  put_u16 (buf, BINDING_SUCCESS);
  put_u16 (buf, (guint16) (8 + n));
  g_byte_array_append (buf, data + 4, CLASSIC_TXID_LEN);
  put_u16 (buf, ATTR_MAPPED_ADDRESS);
  put_u16 (buf, (guint16) (4 + n));
  g_byte_array_append (buf, (const guint8[]) { 0, family }, 2);
  put_u16 (buf, g_inet_socket_address_get_port (from));
  g_byte_array_append (buf, raw, n);
  return g_byte_array_free_to_bytes (buf);
}

GBytes *
pu_stun_answer (const guint8        *data,
                gsize                len,
                GInetSocketAddress  *from,
                GError             **error)
{
  GByteArray *buf;
  Message msg;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (G_IS_INET_SOCKET_ADDRESS (from), NULL);

  if (len >= PU_STUN_HEADER_LEN && len <= PU_STUN_MAX_MESSAGE &&
      read_u32 (data + 4) != MAGIC_COOKIE)
    return answer_classic (data, len, from, error);
  if (!parse_message (data, len, &msg, error))
    return NULL;
  if (msg.type != BINDING_REQUEST)
    {
      not_stun (error, _("not a Binding request"));
      return NULL;
    }

  if (msg.n_unknown > 0)
    {
      static const char reason[] = "Unknown Attribute";  /* 17 bytes, padded to 20 */

      buf = header_new (BINDING_ERROR, msg.txid);
      put_u16 (buf, ATTR_ERROR_CODE);
      put_u16 (buf, 4 + sizeof reason - 1);
      g_byte_array_append (buf, (const guint8[]) { 0, 0, 4, 20 }, 4);
      g_byte_array_append (buf, (const guint8 *) reason, sizeof reason - 1);
      g_byte_array_append (buf, (const guint8[]) { 0, 0, 0 }, 3);
      put_u16 (buf, ATTR_UNKNOWN_ATTRIBUTES);
      put_u16 (buf, (guint16) (2 * msg.n_unknown));
      for (guint i = 0; i < msg.n_unknown; i++)
        put_u16 (buf, msg.unknown[i]);
      if (msg.n_unknown % 2 == 1)
        put_u16 (buf, 0);
      return finish (buf);
    }

  buf = header_new (BINDING_SUCCESS, msg.txid);
  put_xor_address (buf, msg.txid, from);
  return finish (buf);
}

GBytes *
pu_stun_binding_request_new (guint8 txid[PU_STUN_TXID_LEN])
{
  g_return_val_if_fail (txid != NULL, NULL);

  for (guint i = 0; i < PU_STUN_TXID_LEN; i += 4)
    {
      guint32 r = g_random_int ();

      memcpy (txid + i, &r, 4);
    }
  return finish (header_new (BINDING_REQUEST, txid));
}

GInetSocketAddress *
pu_stun_parse_binding_response (const guint8  *data,
                                gsize          len,
                                const guint8   txid[PU_STUN_TXID_LEN],
                                GError       **error)
{
  g_autoptr(GInetAddress) ip = NULL;
  guint8 key[16];
  guint8 raw[16];
  gsize n;
  Message msg;

  g_return_val_if_fail (data != NULL || len == 0, NULL);
  g_return_val_if_fail (txid != NULL, NULL);

  if (!parse_message (data, len, &msg, error))
    return NULL;
  if (msg.type != BINDING_SUCCESS || memcmp (msg.txid, txid, PU_STUN_TXID_LEN) != 0)
    {
      not_stun (error, _("not the answer to our request"));
      return NULL;
    }
  if (msg.xor_mapped == NULL || msg.xor_mapped_len < 4)
    {
      not_stun (error, _("no mapped address"));
      return NULL;
    }

  switch (msg.xor_mapped[1])
    {
    case FAMILY_IPV4:
      n = 4;
      break;
    case FAMILY_IPV6:
      n = 16;
      break;
    default:
      not_stun (error, _("unknown address family"));
      return NULL;
    }
  if (msg.xor_mapped_len != 4 + n)
    {
      not_stun (error, _("wrong address length"));
      return NULL;
    }

  xor_key (txid, key);
  for (gsize i = 0; i < n; i++)
    raw[i] = msg.xor_mapped[4 + i] ^ key[i];

  ip = g_inet_address_new_from_bytes (raw, n == 4 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6);
  return G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (ip, read_u16 (msg.xor_mapped + 2) ^
                                                               (MAGIC_COOKIE >> 16)));
}
