/* pu-relay-addr.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-relay-addr.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pu-error.h"
#include "pu-label.h"
#include "pu-relay-addr-private.h"

#define HOSTNAME_MAX_LEN 253

G_DEFINE_BOXED_TYPE (PuRelayAddr, pu_relay_addr, pu_relay_addr_copy, pu_relay_addr_free)

static gboolean
invalid (GError     **error,
         const char  *text,
         const char  *reason)
{
  g_autofree char *shown = pu_label_escape (text, PU_LABEL_ECHO_MAX);

  g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
               _("Invalid relay address \"%s\": %s (expected IP:PORT, [IPv6]:PORT or "
                 "/ip4/IP/tcp/PORT/p2p/PEER-ID)"),
               shown, reason);
  return FALSE;
}

gboolean
_pu_port_parse (const char *text,
                gsize       len,
                guint16    *port)
{
  guint value = 0;

  if (len == 0 || len > 5)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      value = value * 10 + (guint) (text[i] - '0');
    }
  if (value == 0 || value > G_MAXUINT16)
    return FALSE;

  *port = (guint16) value;
  return TRUE;
}

char *
_pu_ip_canonical (const char    *text,
                  GSocketFamily *family)
{
  g_autoptr(GInetAddress) addr = NULL;

  /* Zones ("fe80::1%eth0") name an interface of one machine only. */
  if (strchr (text, '%') != NULL)
    return NULL;
  addr = g_inet_address_new_from_string (text);
  if (addr == NULL)
    return NULL;
  if (family != NULL)
    *family = g_inet_address_get_family (addr);
  return g_inet_address_to_string (addr);
}

gboolean
_pu_host_port_split (const char   *text,
                     char        **host,
                     guint16      *port,
                     gboolean     *bracketed,
                     const char  **reason)
{
  const char *host_end;
  const char *port_text = NULL;

  *port = 0;
  *bracketed = text[0] == '[';

  if (*bracketed)
    {
      text++;
      host_end = strchr (text, ']');
      if (host_end == NULL)
        {
          *reason = _("the ']' after the IPv6 address is missing");
          return FALSE;
        }
      if (host_end[1] == ':')
        port_text = host_end + 2;
      else if (host_end[1] != '\0')
        {
          *reason = _("only \":PORT\" may follow ']'");
          return FALSE;
        }
    }
  else
    {
      const char *colon = strchr (text, ':');

      /* More than one ':' without brackets is an IPv6 address without a port. */
      if (colon != NULL && strchr (colon + 1, ':') == NULL)
        {
          host_end = colon;
          port_text = colon + 1;
        }
      else
        host_end = text + strlen (text);
    }

  if (host_end == text)
    {
      *reason = _("the host is missing");
      return FALSE;
    }
  if (port_text != NULL && !_pu_port_parse (port_text, strlen (port_text), port))
    {
      *reason = _("the port must be a number from 1 to 65535");
      return FALSE;
    }

  *host = g_strndup (text, (gsize) (host_end - text));
  return TRUE;
}

char *
_pu_host_port_format (const char *host,
                      guint16     port)
{
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", host, port);
  return g_strdup_printf ("%s:%u", host, port);
}

/* Lowercased DNS name of 1–253 characters made of labels, or NULL. A name
 * whose last label is all digits is a mistyped IPv4 address, not a name. */
static char *
hostname_canonical (const char *text)
{
  g_autofree char *lower = NULL;
  const char *label;
  const char *last = NULL;
  gsize len = strlen (text);

  if (len == 0 || len > HOSTNAME_MAX_LEN)
    return NULL;

  lower = g_ascii_strdown (text, (gssize) len);
  for (label = lower; label != NULL; )
    {
      const char *dot = strchr (label, '.');
      gsize label_len = dot != NULL ? (gsize) (dot - label) : strlen (label);

      if (!pu_label_is_valid (label, (gssize) label_len))
        return NULL;
      last = label;
      label = dot != NULL ? dot + 1 : NULL;
    }

  if (strspn (last, "0123456789") == strlen (last))
    return NULL;
  return g_steal_pointer (&lower);
}

/* Fills @addr->host from @host: an IP literal of family @want, or when
 * @want is G_SOCKET_FAMILY_INVALID, an IP literal of either family or a DNS name. */
static gboolean
set_host (PuRelayAddr    *addr,
          const char     *text,
          const char     *host,
          GSocketFamily   want,
          GError        **error)
{
  GSocketFamily family = G_SOCKET_FAMILY_INVALID;
  g_autofree char *ip = _pu_ip_canonical (host, &family);

  if (ip != NULL && (want == G_SOCKET_FAMILY_INVALID || want == family))
    {
      addr->host = g_steal_pointer (&ip);
      return TRUE;
    }
  if (want == G_SOCKET_FAMILY_IPV4)
    return invalid (error, text, _("not a valid IPv4 address"));
  if (want == G_SOCKET_FAMILY_IPV6)
    return invalid (error, text, _("not a valid IPv6 address"));

  addr->host = hostname_canonical (host);
  if (addr->host == NULL)
    return invalid (error, text, _("not a valid IP address or host name"));
  return TRUE;
}

static gboolean
parse_multiaddr (PuRelayAddr  *addr,
                 const char   *text,
                 GError      **error)
{
  g_auto(GStrv) parts = g_strsplit (text, "/", -1);
  guint n = g_strv_length (parts);
  const char *proto;
  GSocketFamily want;

  if ((n != 5 && n != 7) || g_strcmp0 (parts[3], "tcp") != 0
      || (n == 7 && g_strcmp0 (parts[5], "p2p") != 0))
    return invalid (error, text,
                    _("a multiaddr is /ip4|ip6|dns|dns4|dns6/HOST/tcp/PORT[/p2p/PEER-ID]"));

  proto = parts[1];
  if (g_str_equal (proto, "dns") || g_str_equal (proto, "dns4") || g_str_equal (proto, "dns6"))
    {
      addr->host = hostname_canonical (parts[2]);
      if (addr->host == NULL)
        return invalid (error, text, _("not a valid host name"));
    }
  else if (g_str_equal (proto, "ip4") || g_str_equal (proto, "ip6"))
    {
      want = proto[2] == '4' ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6;
      if (!set_host (addr, text, parts[2], want, error))
        return FALSE;
    }
  else
    return invalid (error, text,
                    _("the multiaddr must start with /ip4, /ip6, /dns, /dns4 or /dns6"));

  if (!_pu_port_parse (parts[4], strlen (parts[4]), &addr->port))
    return invalid (error, text, _("the port must be a number from 1 to 65535"));

  if (n == 7)
    {
      if (!pu_peer_id_parse (parts[6], &addr->peer_id, error))
        return FALSE;
      addr->has_peer_id = TRUE;
    }
  return TRUE;
}

static gboolean
parse_host_port (PuRelayAddr  *addr,
                 const char   *text,
                 GError      **error)
{
  g_autofree char *host = NULL;
  const char *reason = NULL;
  gboolean bracketed;

  if (!_pu_host_port_split (text, &host, &addr->port, &bracketed, &reason))
    return invalid (error, text, reason);
  if (addr->port == 0)
    addr->port = PU_RELAY_DEFAULT_PORT;

  /* Digits and dots only, or any ':', can only have been meant as an IP. */
  if (bracketed || strchr (host, ':') != NULL)
    return set_host (addr, text, host, G_SOCKET_FAMILY_IPV6, error);
  if (strspn (host, "0123456789.") == strlen (host))
    return set_host (addr, text, host, G_SOCKET_FAMILY_IPV4, error);
  return set_host (addr, text, host, G_SOCKET_FAMILY_INVALID, error);
}

PuRelayAddr *
_pu_relay_addr_parse_full (const char  *text,
                           const char  *peer_id,
                           gboolean     require_pin,
                           GError     **error)
{
  g_autoptr(PuRelayAddr) addr = g_new0 (PuRelayAddr, 1);
  gboolean ok;

  g_return_val_if_fail (text != NULL, NULL);

  if (strnlen (text, PU_RELAY_ADDR_MAX_TEXT + 1) > PU_RELAY_ADDR_MAX_TEXT)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_TOO_LARGE,
                   _("Relay address is too long (at most %d characters)"),
                   PU_RELAY_ADDR_MAX_TEXT);
      return NULL;
    }
  if (text[0] == '\0')
    {
      invalid (error, text, _("it is empty"));
      return NULL;
    }

  ok = text[0] == '/' ? parse_multiaddr (addr, text, error) : parse_host_port (addr, text, error);
  if (!ok)
    return NULL;

  if (peer_id != NULL)
    {
      PuPeerId given;

      if (!pu_peer_id_parse (peer_id, &given, error))
        return NULL;
      if (addr->has_peer_id && !pu_peer_id_equal (&given, &addr->peer_id))
        {
          g_autofree char *given_text = pu_peer_id_to_string (&given);
          g_autofree char *in_addr = pu_peer_id_to_string (&addr->peer_id);

          g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                       _("The relay peer ID %s does not match the one in the address (%s); "
                         "give only one of them"),
                       given_text, in_addr);
          return NULL;
        }
      addr->peer_id = given;
      addr->has_peer_id = TRUE;
    }

  /* DNS answers are not authenticated: a name is only safe with a pinned key. */
  if (require_pin && !addr->has_peer_id && !g_hostname_is_ip_address (addr->host))
    {
      g_autofree char *shown = pu_label_escape (addr->host, PU_LABEL_ECHO_MAX);

      g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                   _("Relay host name \"%s\" needs the relay's peer ID: give it too, or use "
                     "/dns/%s/tcp/%u/p2p/PEER-ID"),
                   shown, shown, addr->port);
      return NULL;
    }

  return g_steal_pointer (&addr);
}

PuRelayAddr *
pu_relay_addr_parse (const char  *text,
                     const char  *peer_id,
                     GError     **error)
{
  return _pu_relay_addr_parse_full (text, peer_id, TRUE, error);
}

PuRelayAddr *
pu_relay_addr_copy (const PuRelayAddr *addr)
{
  PuRelayAddr *copy;

  g_return_val_if_fail (addr != NULL, NULL);

  copy = g_new0 (PuRelayAddr, 1);
  *copy = *addr;
  copy->host = g_strdup (addr->host);
  return copy;
}

void
pu_relay_addr_free (PuRelayAddr *addr)
{
  if (addr == NULL)
    return;
  g_free (addr->host);
  g_free (addr);
}

char *
pu_relay_addr_to_string (const PuRelayAddr *addr)
{
  g_return_val_if_fail (addr != NULL && addr->host != NULL, NULL);

  return _pu_host_port_format (addr->host, addr->port);
}

char *
pu_relay_addr_to_multiaddr (const PuRelayAddr *addr)
{
  const char *proto;
  g_autofree char *id = NULL;

  g_return_val_if_fail (addr != NULL && addr->host != NULL, NULL);

  if (!g_hostname_is_ip_address (addr->host))
    proto = "dns";
  else if (strchr (addr->host, ':') != NULL)
    proto = "ip6";
  else
    proto = "ip4";

  if (!addr->has_peer_id)
    return g_strdup_printf ("/%s/%s/tcp/%u", proto, addr->host, addr->port);

  id = pu_peer_id_to_string (&addr->peer_id);
  return g_strdup_printf ("/%s/%s/tcp/%u/p2p/%s", proto, addr->host, addr->port, id);
}

gboolean
pu_relay_addr_equal (const PuRelayAddr *a,
                     const PuRelayAddr *b)
{
  g_return_val_if_fail (a != NULL && b != NULL, FALSE);

  return a->port == b->port && g_strcmp0 (a->host, b->host) == 0;
}
