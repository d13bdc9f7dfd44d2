/* pu-invite-code.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-invite-code.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "pu-error.h"
#include "pu-label.h"
#include "pu-relay-addr-private.h"
#include "pu-time.h"
#include "pu-words.h"

#define CHECK_LEN 4
#define HOST_IPV4 4
#define HOST_IPV6 6
#define HOST_DNS 3
#define HOSTNAME_MAX_LEN 253
#define GROUP_LEN 4
/* The longest full code: a 253-byte host name and a 63-byte network. */
#define BYTES_MAX (1 + PU_INVITE_SECRET_LEN + PU_PUBKEY_LEN + 8 + 4 + PU_PUBKEY_LEN + 2 + \
                   HOSTNAME_MAX_LEN + 2 + 1 + PU_LABEL_MAX_LEN + CHECK_LEN)

/* Crockford's base32: no I, L, O or U; those read as 1, 1 and 0. */
static const char base32_alphabet[] = "0123456789abcdefghjkmnpqrstvwxyz";

G_DEFINE_BOXED_TYPE (PuInviteCode, pu_invite_code, pu_invite_code_copy, pu_invite_code_free)

static void
random_bytes (guint8 *buf,
              gsize   len)
{
  if (sodium_init () < 0)
    g_error ("libsodium could not be initialised; Peer Up cannot make codes");
  randombytes_buf (buf, len);
}

PuInviteCode *
pu_invite_code_new_full (const PuRelayAddr *relay,
                         const PuPeerId    *inviter,
                         guint64            instance,
                         gint64             expires,
                         const char        *network)
{
  PuInviteCode *code;

  g_return_val_if_fail (relay != NULL && relay->has_peer_id, NULL);
  g_return_val_if_fail (inviter != NULL, NULL);
  g_return_val_if_fail (expires > 0 && expires <= G_MAXUINT32, NULL);
  g_return_val_if_fail (network == NULL || pu_label_is_valid (network, -1), NULL);

  code = g_new0 (PuInviteCode, 1);
  code->kind = PU_INVITE_CODE_FULL;
  code->secret_len = PU_INVITE_SECRET_LEN;
  random_bytes (code->secret, code->secret_len);
  code->relay = pu_relay_addr_copy (relay);
  code->inviter = *inviter;
  code->instance = instance;
  code->expires = expires;
  code->network = g_strdup (network);
  return code;
}

PuInviteCode *
pu_invite_code_new_short (guint nameplate)
{
  PuInviteCode *code;

  g_return_val_if_fail (nameplate >= 1 && nameplate <= PU_INVITE_NAMEPLATE_MAX, NULL);

  code = g_new0 (PuInviteCode, 1);
  code->kind = PU_INVITE_CODE_SHORT;
  code->secret_len = PU_INVITE_SHORT_SECRET_LEN;
  random_bytes (code->secret, code->secret_len);
  code->nameplate = nameplate;
  return code;
}

PuInviteCode *
pu_invite_code_copy (const PuInviteCode *code)
{
  PuInviteCode *copy;

  g_return_val_if_fail (code != NULL, NULL);

  copy = g_memdup2 (code, sizeof *code);
  copy->relay = code->relay != NULL ? pu_relay_addr_copy (code->relay) : NULL;
  copy->network = g_strdup (code->network);
  return copy;
}

void
pu_invite_code_free (PuInviteCode *code)
{
  if (code == NULL)
    return;
  g_clear_pointer (&code->relay, pu_relay_addr_free);
  g_free (code->network);
  sodium_memzero (code, sizeof *code);
  g_free (code);
}

/* Encoding. */

static void
check_compute (const guint8 *data,
               gsize         len,
               guint8        check[CHECK_LEN])
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize digest_len = sizeof digest;

  g_checksum_update (checksum, data, len);
  g_checksum_get_digest (checksum, digest, &digest_len);
  memcpy (check, digest, CHECK_LEN);
}

static void
append_u32 (GByteArray *bytes,
            guint32     value)
{
  guint8 buf[4] = { value >> 24, (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff };

  g_byte_array_append (bytes, buf, sizeof buf);
}

static GByteArray *
full_to_bytes (const PuInviteCode *code)
{
  GByteArray *bytes = g_byte_array_sized_new (BYTES_MAX);
  g_autoptr(GInetAddress) ip = g_inet_address_new_from_string (code->relay->host);
  guint8 version = PU_INVITE_CODE_VERSION;
  guint8 port[2] = { code->relay->port >> 8, code->relay->port & 0xff };
  guint8 network_len = code->network != NULL ? (guint8) strlen (code->network) : 0;
  guint8 check[CHECK_LEN];

  g_byte_array_append (bytes, &version, 1);
  g_byte_array_append (bytes, code->secret, PU_INVITE_SECRET_LEN);
  g_byte_array_append (bytes, code->inviter.pubkey, PU_PUBKEY_LEN);
  append_u32 (bytes, (guint32) (code->instance >> 32));
  append_u32 (bytes, (guint32) code->instance);
  append_u32 (bytes, (guint32) code->expires);
  g_byte_array_append (bytes, code->relay->peer_id.pubkey, PU_PUBKEY_LEN);
  if (ip != NULL)
    {
      gboolean v4 = g_inet_address_get_family (ip) == G_SOCKET_FAMILY_IPV4;
      guint8 kind = v4 ? HOST_IPV4 : HOST_IPV6;

      g_byte_array_append (bytes, &kind, 1);
      g_byte_array_append (bytes, g_inet_address_to_bytes (ip),
                           g_inet_address_get_native_size (ip));
    }
  else
    {
      guint8 head[2] = { HOST_DNS, (guint8) strlen (code->relay->host) };

      g_assert (strlen (code->relay->host) <= HOSTNAME_MAX_LEN);
      g_byte_array_append (bytes, head, sizeof head);
      g_byte_array_append (bytes, (const guint8 *) code->relay->host, head[1]);
    }
  g_byte_array_append (bytes, port, sizeof port);
  g_byte_array_append (bytes, &network_len, 1);
  g_byte_array_append (bytes, (const guint8 *) code->network, network_len);
  check_compute (bytes->data, bytes->len, check);
  g_byte_array_append (bytes, check, CHECK_LEN);
  return bytes;
}

/* Base32 of @bytes, in groups of GROUP_LEN joined by @separator (or none). */
static char *
base32_encode (const guint8 *bytes,
               gsize         len,
               const char   *separator)
{
  GString *out = g_string_new (NULL);
  guint32 buffer = 0;
  guint bits = 0;
  gsize n = 0;

  for (gsize i = 0; i < len || bits > 0;)
    {
      if (bits < 5 && i < len)
        {
          buffer = (buffer << 8) | bytes[i++];
          bits += 8;
        }
      if (bits < 5)
        {
          /* The last character: pad with zero bits. */
          buffer <<= 5 - bits;
          bits = 5;
        }
      if (separator != NULL && n > 0 && n % GROUP_LEN == 0)
        g_string_append (out, separator);
      g_string_append_c (out, base32_alphabet[(buffer >> (bits - 5)) & 0x1f]);
      bits -= 5;
      n++;
    }
  return g_string_free (out, FALSE);
}

char *
pu_invite_code_to_string (const PuInviteCode *code)
{
  g_autoptr(GByteArray) bytes = NULL;

  g_return_val_if_fail (code != NULL, NULL);

  if (code->kind == PU_INVITE_CODE_SHORT)
    return g_strdup_printf ("%u-%s-%s", code->nameplate, pu_words_get (code->secret[0]),
                            pu_words_get (code->secret[1]));

  bytes = full_to_bytes (code);
  return base32_encode (bytes->data, bytes->len, "-");
}

char *
pu_invite_code_to_uri (const PuInviteCode *code)
{
  g_autoptr(GByteArray) bytes = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (code != NULL && code->kind == PU_INVITE_CODE_FULL, NULL);

  bytes = full_to_bytes (code);
  text = base32_encode (bytes->data, bytes->len, NULL);
  return g_strconcat (PU_INVITE_URI_SCHEME, text, NULL);
}

gboolean
pu_invite_code_check_expiry (const PuInviteCode  *code,
                             gint64               now,
                             GError             **error)
{
  g_autofree char *when = NULL;

  g_return_val_if_fail (code != NULL, FALSE);

  if (code->kind != PU_INVITE_CODE_FULL || now < code->expires)
    return TRUE;
  when = pu_time_format_rfc3339 (code->expires);
  g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
               _("This invite code expired at %s; ask for a new one"), when);
  return FALSE;
}

/* Parsing. */

static gboolean
fail (GError     **error,
      int          code,
      const char  *message)
{
  g_set_error_literal (error, PU_ERROR, code, message);
  return FALSE;
}

static int
base32_value (char c)
{
  c = g_ascii_tolower (c);
  if (c == 'o')
    return 0;
  if (c == 'i' || c == 'l')
    return 1;
  for (int v = 0; v < 32; v++)
    if (base32_alphabet[v] == c)
      return v;
  return -1;
}

/* Decodes @text (dashes skipped) into @out (at most BYTES_MAX + 1 bytes:
 * one more tells that the text is too long). */
static gboolean
base32_decode (const char  *text,
               guint8      *out,
               gsize       *out_len,
               gboolean    *padding_ok,
               GError     **error)
{
  guint32 buffer = 0;
  guint bits = 0;
  gsize len = 0;
  gsize n = 0;

  for (const char *p = text; *p != '\0'; p++)
    {
      int v;

      if (*p == '-')
        continue;
      v = base32_value (*p);
      if (v < 0)
        {
          char one[2] = { *p, '\0' };
          g_autofree char *shown = pu_label_escape (one, 1);

          g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                       _("The invite code has “%s” at position %u, which is not part of a "
                         "code; check it for typos"), shown, (guint) (p - text) + 1);
          return FALSE;
        }
      buffer = (buffer << 5) | (guint32) v;
      bits += 5;
      n++;
      if (bits >= 8)
        {
          if (len > BYTES_MAX)
            return fail (error, PU_ERROR_INVALID_ARGUMENT,
                         _("The invite code has extra characters at the end; copy only "
                           "the code"));
          out[len++] = (guint8) (buffer >> (bits - 8));
          bits -= 8;
        }
    }
  if (n == 0)
    return fail (error, PU_ERROR_INVALID_ARGUMENT, _("The invite code is empty"));
  /* What is left is the padding of the last character: zero bits in a code
   * as written, so that each code has one spelling. */
  *padding_ok = bits < 5 && (buffer & ((1u << bits) - 1)) == 0;
  *out_len = len;
  return TRUE;
}

typedef struct {
  const guint8 *data;
  gsize         len;
  gsize         pos;
} Reader;

static const guint8 *
take (Reader *r,
      gsize   n)
{
  const guint8 *p;

  if (r->len - r->pos < n)
    return NULL;
  p = r->data + r->pos;
  r->pos += n;
  return p;
}

static gboolean
incomplete (GError **error)
{
  return fail (error, PU_ERROR_INVALID_ARGUMENT,
               _("The invite code is incomplete; copy all of it"));
}

static gboolean
does_not_check (GError **error)
{
  return fail (error, PU_ERROR_INVALID_ARGUMENT,
               _("The invite code does not check out: a character is wrong; copy it again "
                 "or ask for a new one"));
}

static PuInviteCode *
parse_full (const char  *text,
            GError     **error)
{
  g_autoptr(PuInviteCode) code = g_new0 (PuInviteCode, 1);
  g_autoptr(GInetAddress) ip = NULL;
  g_autofree char *host = NULL;
  g_autofree char *relay_text = NULL;
  g_autofree char *relay_id = NULL;
  guint8 data[BYTES_MAX + 1];
  guint8 check[CHECK_LEN];
  Reader r = { data, 0, 0 };
  gboolean padding_ok = FALSE;
  const guint8 *p;
  guint16 port;
  gsize end;

  if (!base32_decode (text, data, &r.len, &padding_ok, error))
    return NULL;
  if (r.len == 0)
    return incomplete (error), NULL;
  if (data[0] > PU_INVITE_CODE_VERSION)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_VERSION,
                   _("This invite code is for a newer Peer Up (code version %u); please "
                     "upgrade"), data[0]);
      return NULL;
    }
  if (data[0] != PU_INVITE_CODE_VERSION)
    return does_not_check (error), NULL;
  r.pos = 1;

  code->kind = PU_INVITE_CODE_FULL;
  code->secret_len = PU_INVITE_SECRET_LEN;
  if ((p = take (&r, PU_INVITE_SECRET_LEN)) == NULL)
    return incomplete (error), NULL;
  memcpy (code->secret, p, PU_INVITE_SECRET_LEN);
  if ((p = take (&r, PU_PUBKEY_LEN)) == NULL)
    return incomplete (error), NULL;
  pu_peer_id_from_pubkey (p, &code->inviter);
  if ((p = take (&r, 8)) == NULL)
    return incomplete (error), NULL;
  for (guint i = 0; i < 8; i++)
    code->instance = (code->instance << 8) | p[i];
  if ((p = take (&r, 4)) == NULL)
    return incomplete (error), NULL;
  code->expires = ((gint64) p[0] << 24) | ((gint64) p[1] << 16) | ((gint64) p[2] << 8) | p[3];
  if ((p = take (&r, PU_PUBKEY_LEN)) == NULL)
    return incomplete (error), NULL;
  {
    PuPeerId relay_peer;

    pu_peer_id_from_pubkey (p, &relay_peer);
    relay_id = pu_peer_id_to_string (&relay_peer);
  }
  if ((p = take (&r, 1)) == NULL)
    return incomplete (error), NULL;
  switch (p[0])
    {
    case HOST_IPV4:
    case HOST_IPV6:
      {
        gsize n = p[0] == HOST_IPV4 ? 4 : 16;

        if ((p = take (&r, n)) == NULL)
          return incomplete (error), NULL;
        ip = g_inet_address_new_from_bytes (p, n == 4 ? G_SOCKET_FAMILY_IPV4
                                                      : G_SOCKET_FAMILY_IPV6);
        host = g_inet_address_to_string (ip);
      }
      break;
    case HOST_DNS:
      if ((p = take (&r, 1)) == NULL)
        return incomplete (error), NULL;
      {
        gsize n = p[0];

        if ((p = take (&r, n)) == NULL)
          return incomplete (error), NULL;
        host = g_strndup ((const char *) p, n);
        if (n == 0 || strlen (host) != n)
          return does_not_check (error), NULL;
      }
      break;
    default:
      return does_not_check (error), NULL;
    }
  if ((p = take (&r, 2)) == NULL)
    return incomplete (error), NULL;
  port = (guint16) ((p[0] << 8) | p[1]);
  if ((p = take (&r, 1)) == NULL)
    return incomplete (error), NULL;
  {
    gsize n = p[0];

    if ((p = take (&r, n)) == NULL)
      return incomplete (error), NULL;
    if (n > 0)
      code->network = g_strndup ((const char *) p, n);
  }

  end = r.pos;
  if ((p = take (&r, CHECK_LEN)) == NULL)
    return incomplete (error), NULL;
  if (r.pos != r.len)
    return fail (error, PU_ERROR_INVALID_ARGUMENT,
                 _("The invite code has extra characters at the end; copy only the code")),
           NULL;
  check_compute (data, end, check);
  if (!padding_ok || sodium_memcmp (check, p, CHECK_LEN) != 0)
    return does_not_check (error), NULL;

  /* The check passed: what is still wrong was written so, not mistyped. */
  if (code->expires == 0 || port == 0 ||
      (code->network != NULL && !pu_label_is_valid (code->network, -1)))
    return does_not_check (error), NULL;
  relay_text = _pu_host_port_format (host, port);
  code->relay = pu_relay_addr_parse (relay_text, relay_id, error);
  if (code->relay == NULL)
    return NULL;
  return g_steal_pointer (&code);
}

static PuInviteCode *
parse_short (const char  *text,
             GError     **error)
{
  g_autoptr(PuInviteCode) code = g_new0 (PuInviteCode, 1);
  g_auto(GStrv) parts = g_strsplit (text, "-", 0);
  guint n_parts = g_strv_length (parts);
  guint nameplate = 0;

  code->kind = PU_INVITE_CODE_SHORT;
  code->secret_len = PU_INVITE_SHORT_SECRET_LEN;

  for (const char *p = parts[0]; *p != '\0'; p++)
    nameplate = nameplate * 10 + (guint) (*p - '0');
  if (parts[0][0] == '0' || nameplate == 0)
    return fail (error, PU_ERROR_INVALID_ARGUMENT,
                 _("A short code starts with a number from 1 to 999, like 7-purple-sausage")),
           NULL;
  code->nameplate = nameplate;

  if (n_parts < 1 + PU_INVITE_SHORT_SECRET_LEN)
    return fail (error, PU_ERROR_INVALID_ARGUMENT,
                 _("The short code is incomplete: it is a number and 2 words, like "
                   "7-purple-sausage")), NULL;
  if (n_parts > 1 + PU_INVITE_SHORT_SECRET_LEN)
    return fail (error, PU_ERROR_INVALID_ARGUMENT,
                 _("The short code has extra parts at the end: it is a number and 2 words, "
                   "like 7-purple-sausage")), NULL;

  for (guint i = 0; i < PU_INVITE_SHORT_SECRET_LEN; i++)
    {
      const char *word = parts[1 + i];
      gsize len = strlen (word);
      int index = pu_words_lookup (word, len);

      if (index < 0)
        {
          g_autofree char *shown = pu_label_escape (word, PU_LABEL_ECHO_MAX);
          const char *suggestion = pu_words_suggest (word, len);

          if (len == 0)
            g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                         _("The short code has an empty word; it is a number and 2 words, "
                           "like 7-purple-sausage"));
          else if (suggestion != NULL)
            g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                         _("“%s” is not a word of Peer Up codes; did you mean “%s”?"),
                         shown, suggestion);
          else
            g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                         _("“%s” is not a word of Peer Up codes; check the spelling"), shown);
          return NULL;
        }
      code->secret[i] = (guint8) index;
    }
  return g_steal_pointer (&code);
}

PuInviteCode *
pu_invite_code_parse (const char  *text,
                      GError     **error)
{
  g_autofree char *trimmed = NULL;
  const char *body;
  gsize digits = 0;

  g_return_val_if_fail (text != NULL, NULL);

  if (strnlen (text, PU_INVITE_TEXT_MAX + 1) > PU_INVITE_TEXT_MAX)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_TOO_LARGE,
                   _("The invite code is too long (over %u characters); copy only the code"),
                   PU_INVITE_TEXT_MAX);
      return NULL;
    }
  trimmed = g_strstrip (g_strdup (text));
  body = trimmed;
  if (g_ascii_strncasecmp (body, PU_INVITE_URI_SCHEME, strlen (PU_INVITE_URI_SCHEME)) == 0)
    return parse_full (body + strlen (PU_INVITE_URI_SCHEME), error);
  if (*body == '\0')
    return fail (error, PU_ERROR_INVALID_ARGUMENT, _("The invite code is empty")), NULL;

  while (g_ascii_isdigit (body[digits]))
    digits++;
  if (digits >= 1 && digits <= 3 && (body[digits] == '-' || body[digits] == '\0'))
    return parse_short (body, error);
  return parse_full (body, error);
}
