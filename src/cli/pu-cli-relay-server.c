/* pu-cli-relay-server.c — `peerup relay serve|info|authorize|…`: running a relay
 *
 * A relay keeps its own directory, apart from any device's: identity.key (the
 * key devices pin), authorized_keys (the devices it serves) and an optional
 * relay.ini with its limits.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-cli-private.h"

#include <glib/gi18n.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "pu-error.h"
#include "pu-file.h"
#include "pu-invite-code.h"
#include "pu-relay-config.h"
#include "pu-relay-groups.h"
#include "pu-relay-server.h"
#include "pu-time.h"

#define DEFAULT_LISTEN "0.0.0.0:7777"

/* Options every relay command shares. */
typedef struct {
  char *dir;     /* --dir, or NULL for the default */
  char *listen;  /* --listen, or NULL for DEFAULT_LISTEN */
} RelayOptions;

static void
relay_options_clear (RelayOptions *options)
{
  g_clear_pointer (&options->dir, g_free);
  g_clear_pointer (&options->listen, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (RelayOptions, relay_options_clear)

#define DIR_ENTRY(options) \
  { "dir", 0, 0, G_OPTION_ARG_FILENAME, &(options).dir, \
    N_("The relay's directory (default: $XDG_CONFIG_HOME/peerup-relay)"), N_("DIR") }
#define LISTEN_ENTRY(options) \
  { "listen", 0, 0, G_OPTION_ARG_STRING, &(options).listen, \
    N_("TCP and UDP address to serve on (default: 0.0.0.0:7777; port 0 picks a free port)"), \
    N_("IP:PORT") }

/* The directory, created (0700) if missing. */
static char *
relay_dir (const RelayOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;

  /* Absolute, as it is printed for the operator. */
  if (options->dir != NULL)
    dir = g_canonicalize_filename (options->dir, NULL);
  else
    dir = g_build_filename (g_get_user_config_dir (), "peerup-relay", NULL);

  if (!pu_dir_ensure_private (dir, &error))
    {
      pu_cli_fail (error);
      return NULL;
    }
  return g_steal_pointer (&dir);
}

/* The relay's identity, made on first use and never replaced. */
static PuIdentity *
relay_identity (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "identity.key", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(PuIdentity) identity = pu_identity_load (path, &error);

  if (identity == NULL && g_error_matches (error, PU_ERROR, PU_ERROR_NOT_FOUND))
    {
      g_clear_error (&error);
      identity = pu_identity_generate ();
      if (!pu_identity_save (identity, path, &error))
        g_clear_object (&identity);
    }
  if (identity == NULL)
    pu_cli_fail (error);
  return g_steal_pointer (&identity);
}

static PuTrustStore *
relay_trust (const char *dir)
{
  g_autofree char *path = g_build_filename (dir, "authorized_keys", NULL);
  g_autoptr(GError) error = NULL;
  PuTrustStore *trust = pu_trust_store_new (path, &error);

  if (trust == NULL)
    pu_cli_fail (error);
  return trust;
}

/* "IP:PORT", "[IPv6]:PORT" or a bare IP (port 7777). */
static GInetSocketAddress *
parse_listen (const char  *text,
              GError     **error)
{
  g_autofree char *host = NULL;
  g_autoptr(GInetAddress) address = NULL;
  const char *port_text = NULL;
  guint64 port = PU_RELAY_DEFAULT_PORT;

  if (text[0] == '[')
    {
      const char *end = strchr (text, ']');

      if (end != NULL && (end[1] == '\0' || end[1] == ':'))
        {
          host = g_strndup (text + 1, end - text - 1);
          port_text = end[1] == ':' ? end + 2 : NULL;
        }
    }
  else
    {
      const char *colon = strchr (text, ':');

      /* Two colons: an IPv6 address, which needs brackets to carry a port. */
      if (colon == NULL || strchr (colon + 1, ':') != NULL)
        host = g_strdup (text);
      else
        {
          host = g_strndup (text, colon - text);
          port_text = colon + 1;
        }
    }

  if (host != NULL)
    address = g_inet_address_new_from_string (host);
  if (address == NULL
      || (port_text != NULL
          && !g_ascii_string_to_unsigned (port_text, 10, 0, G_MAXUINT16, &port, NULL)))
    {
      g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                   _("--listen: “%s” is not IP:PORT (e.g. 0.0.0.0:7777 or [::]:7777)"), text);
      return NULL;
    }
  return G_INET_SOCKET_ADDRESS (g_inet_socket_address_new (address, (guint16) port));
}

static gboolean
usable_interface_address (GInetAddress *address,
                          GSocketFamily family)
{
  if (g_inet_address_get_is_loopback (address) || g_inet_address_get_is_link_local (address))
    return FALSE;
  /* An IPv6 wildcard takes IPv4 connections too. */
  return family == G_SOCKET_FAMILY_IPV6
         || g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4;
}

/* What devices can dial: the listening IP, or for a wildcard each address of
 * an interface that is up (loopback when there is none). */
static GPtrArray *
reachable_addresses (GInetSocketAddress *listen,
                     guint16             port,
                     const PuPeerId     *peer_id)
{
  g_autoptr(GPtrArray) hosts = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *addrs = g_ptr_array_new_with_free_func ((GDestroyNotify) pu_relay_addr_free);
  GInetAddress *ip = g_inet_socket_address_get_address (listen);
  GSocketFamily family = g_inet_address_get_family (ip);

  if (g_inet_address_get_is_any (ip))
    {
      struct ifaddrs *list = NULL;

      if (getifaddrs (&list) == 0)
        {
          for (struct ifaddrs *i = list; i != NULL; i = i->ifa_next)
            {
              g_autoptr(GSocketAddress) sa = NULL;
              GInetAddress *found;
              gsize len;

              if (i->ifa_addr == NULL || !(i->ifa_flags & IFF_UP))
                continue;
              if (i->ifa_addr->sa_family == AF_INET)
                len = sizeof (struct sockaddr_in);
              else if (i->ifa_addr->sa_family == AF_INET6)
                len = sizeof (struct sockaddr_in6);
              else
                continue;
              sa = g_socket_address_new_from_native (i->ifa_addr, len);
              if (sa == NULL)
                continue;
              found = g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (sa));
              if (usable_interface_address (found, family))
                g_ptr_array_add (hosts, g_inet_address_to_string (found));
            }
          freeifaddrs (list);
        }
      if (hosts->len == 0)
        {
          g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (family);

          g_ptr_array_add (hosts, g_inet_address_to_string (lo));
        }
    }
  else
    {
      g_ptr_array_add (hosts, g_inet_address_to_string (ip));
    }

  for (guint i = 0; i < hosts->len; i++)
    {
      PuRelayAddr addr = {
        .host = hosts->pdata[i],
        .port = port,
        .has_peer_id = TRUE,
        .peer_id = *peer_id,
      };

      g_ptr_array_add (addrs, pu_relay_addr_copy (&addr));
    }
  return addrs;
}

static char *
listen_to_string (GInetSocketAddress *listen,
                  guint16             port)
{
  g_autofree char *ip = g_inet_address_to_string (g_inet_socket_address_get_address (listen));

  if (strchr (ip, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", ip, port);
  return g_strdup_printf ("%s:%u", ip, port);
}

static char *
add_command (const PuRelayAddr *addr)
{
  g_autofree char *multiaddr = pu_relay_addr_to_multiaddr (addr);

  return g_strdup_printf ("peerup relay add %s", multiaddr);
}

/* The --dir to repeat in the commands printed, when not the default. */
static char *
dir_suffix (const RelayOptions *options)
{
  g_autofree char *quoted = NULL;

  if (options->dir == NULL)
    return g_strdup ("");
  quoted = g_shell_quote (options->dir);
  return g_strdup_printf (" --dir %s", quoted);
}

static void
print_info (const RelayOptions *options,
            const char         *dir,
            PuIdentity         *identity,
            GInetSocketAddress *listen,
            guint16             port,
            gboolean            json)
{
  const PuPeerId *peer_id = pu_identity_get_peer_id (identity);
  const char *id = pu_identity_get_peer_id_string (identity);
  g_autoptr(GPtrArray) addrs = reachable_addresses (listen, port, peer_id);
  g_autofree char *listening = listen_to_string (listen, port);
  g_autofree char *suffix = dir_suffix (options);

  if (json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      pu_cli_json_add_string (builder, "peer_id", id);
      pu_cli_json_add_string (builder, "dir", dir);
      pu_cli_json_add_string (builder, "listen", listening);
      json_builder_set_member_name (builder, "port");
      json_builder_add_int_value (builder, port);
      json_builder_set_member_name (builder, "addresses");
      json_builder_begin_array (builder);
      for (guint i = 0; i < addrs->len; i++)
        {
          const PuRelayAddr *addr = addrs->pdata[i];
          g_autofree char *address = pu_relay_addr_to_string (addr);
          g_autofree char *multiaddr = pu_relay_addr_to_multiaddr (addr);
          g_autofree char *command = add_command (addr);

          json_builder_begin_object (builder);
          pu_cli_json_add_string (builder, "address", address);
          pu_cli_json_add_string (builder, "multiaddr", multiaddr);
          pu_cli_json_add_string (builder, "add_command", command);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
      pu_cli_print_json (json_builder_get_root (builder));
      return;
    }

  g_print (_("Relay peer ID:  %s\n"), id);
  g_print (_("Directory:      %s\n"), dir);
  g_print (_("Listening on:   %s (TLS on TCP, STUN on UDP)\n"), listening);
  g_print (_("Addresses:\n"));
  for (guint i = 0; i < addrs->len; i++)
    {
      g_autofree char *address = pu_relay_addr_to_string (addrs->pdata[i]);
      g_autofree char *multiaddr = pu_relay_addr_to_multiaddr (addrs->pdata[i]);

      g_print ("  %s  %s\n  %s\n", address, id, multiaddr);
    }
  g_print (_("On each device, add this relay with (an address the device can reach):\n"));
  for (guint i = 0; i < addrs->len; i++)
    {
      g_autofree char *command = add_command (addrs->pdata[i]);

      g_print ("  %s\n", command);
    }
  g_print (_("and let each device use it, here, with its peer ID (`peerup whoami`):\n"));
  g_print ("  peerup relay authorize PEER-ID%s\n", suffix);
}

/* Everything but the limits, for `serve` and `info`: -1 when all is
 * there, else the exit status. */
static int
relay_open (const char          *command,
            const RelayOptions  *options,
            char               **dir,
            PuIdentity         **identity,
            GInetSocketAddress **listen)
{
  g_autoptr(GError) error = NULL;

  *listen = parse_listen (options->listen != NULL ? options->listen : DEFAULT_LISTEN, &error);
  if (*listen == NULL)
    return pu_cli_usage_error (command, "%s", error->message);
  *dir = relay_dir (options);
  if (*dir == NULL)
    return PU_CLI_EXIT_FAILURE;
  *identity = relay_identity (*dir);
  return *identity != NULL ? -1 : PU_CLI_EXIT_FAILURE;
}

static void
trust_changed_cb (PuTrustStore *trust,
                  gpointer      user_data)
{
  g_autoptr(GPtrArray) entries = pu_trust_store_list (trust);

  g_message ("%s changed: %u device(s) authorized", pu_trust_store_get_path (trust),
             entries->len);
}

int
pu_cli_relay_serve (int    argc,
                    char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_auto(RelayOptions) options = { 0 };
  g_auto(PuCliLoop) loop = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(PuIdentity) identity = NULL;
  g_autoptr(PuTrustStore) trust = NULL;
  g_autoptr(PuRelayServer) server = NULL;
  g_autoptr(GInetSocketAddress) listen = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *ini = NULL;
  g_autofree char *listening = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  PuRelayLimits limits;
  const GOptionEntry entries_spec[] = {
    LISTEN_ENTRY (options),
    DIR_ENTRY (options),
    G_OPTION_ENTRY_NULL
  };
  const PuCliSpec spec = {
    .command = "relay serve",
    .summary = N_("Run a relay for your devices until stopped (SIGTERM or Ctrl+C). It keeps "
                  "identity.key, authorized_keys and an optional relay.ini ([limits]) in its "
                  "directory."),
    .entries = entries_spec,
  };
  int status = pu_cli_parse (&spec, &args, argc, argv);

  if (status >= 0)
    return status;
  status = relay_open (spec.command, &options, &dir, &identity, &listen);
  if (status >= 0)
    return status;

  ini = g_build_filename (dir, "relay.ini", NULL);
  if (!pu_relay_limits_load (&limits, ini, &error))
    return pu_cli_fail (error);
  trust = relay_trust (dir);
  if (trust == NULL)
    return PU_CLI_EXIT_FAILURE;

  pu_cli_loop_init (&loop);
  server = pu_relay_server_new (identity, trust, &error);
  if (server == NULL)
    return pu_cli_fail (error);
  pu_relay_server_set_limits (server, &limits);
  {
    g_autofree char *groups = g_build_filename (dir, PU_RELAY_GROUPS_FILE, NULL);

    pu_relay_server_set_groups_path (server, groups);
  }
  if (!pu_relay_server_listen (server, listen, &error))
    return pu_cli_fail (error);

  print_info (&options, dir, identity, listen, pu_relay_server_get_port (server), FALSE);

  entries = pu_trust_store_list (trust);
  listening = listen_to_string (listen, pu_relay_server_get_port (server));
  g_message ("Relay %s serving on %s, %u device(s) authorized in %s",
             pu_identity_get_peer_id_string (identity), listening, entries->len,
             pu_trust_store_get_path (trust));
  if (entries->len == 0)
    g_message ("No device is authorized yet; add each with `peerup relay authorize PEER-ID`");
  g_signal_connect (trust, "changed", G_CALLBACK (trust_changed_cb), NULL);

  status = pu_cli_loop_run (&loop);
  g_message ("Stopping the relay (%u device(s) connected)", pu_relay_server_get_n_peers (server));
  pu_relay_server_stop (server);
  g_signal_handlers_disconnect_by_func (trust, trust_changed_cb, NULL);
  return status;
}

int
pu_cli_relay_info (int    argc,
                   char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_auto(RelayOptions) options = { 0 };
  g_autoptr(PuIdentity) identity = NULL;
  g_autoptr(GInetSocketAddress) listen = NULL;
  g_autofree char *dir = NULL;
  const GOptionEntry entries[] = {
    LISTEN_ENTRY (options),
    DIR_ENTRY (options),
    G_OPTION_ENTRY_NULL
  };
  const PuCliSpec spec = {
    .command = "relay info",
    .summary = N_("Show the relay's peer ID, its addresses and the line each device uses to "
                  "add it, without serving (the identity is created if missing)."),
    .entries = entries,
    .json = TRUE,
  };
  int status = pu_cli_parse (&spec, &args, argc, argv);

  if (status >= 0)
    return status;
  status = relay_open (spec.command, &options, &dir, &identity, &listen);
  if (status >= 0)
    return status;

  print_info (&options, dir, identity, listen, g_inet_socket_address_get_port (listen),
              args.json);
  return PU_CLI_EXIT_OK;
}

/* The relay's authorized_keys and the peer ID in argv, for (de)authorize. */
static PuTrustStore *
open_trust_with_peer (const RelayOptions *options,
                      const char         *text,
                      PuPeerId           *peer)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;

  if (!pu_peer_id_parse (text, peer, &error))
    {
      pu_cli_fail (error);
      return NULL;
    }
  dir = relay_dir (options);
  if (dir == NULL)
    return NULL;
  return relay_trust (dir);
}

int
pu_cli_relay_authorize (int    argc,
                        char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_auto(RelayOptions) options = { 0 };
  g_autoptr(PuTrustStore) trust = NULL;
  g_autofree char *comment = NULL;
  g_autofree char *expires = NULL;
  PuPeerId peer;
  const GOptionEntry entries[] = {
    { "comment", 0, 0, G_OPTION_ARG_STRING, &comment,
      N_("Note kept on the line (e.g. whose device it is)"), N_("TEXT") },
    { "expires", 0, 0, G_OPTION_ARG_STRING, &expires,
      N_("Stop serving the device after a duration (1h, 7d, 2w) or at an RFC 3339 time"),
      N_("WHEN") },
    DIR_ENTRY (options),
    G_OPTION_ENTRY_NULL
  };
  const PuCliSpec spec = {
    .command = "relay authorize",
    .parameters = N_("PEER-ID"),
    .summary = N_("Let a device (its peer ID, from `peerup whoami`) use this relay. A running "
                  "relay picks the change up at once."),
    .entries = entries,
    .min_args = 1,
    .max_args = 1,
  };
  int status = pu_cli_parse (&spec, &args, argc, argv);

  if (status >= 0)
    return status;
  trust = open_trust_with_peer (&options, args.args[0], &peer);
  if (trust == NULL)
    return PU_CLI_EXIT_FAILURE;
  return pu_cli_trust_add (trust, NULL, NULL, &peer, comment, expires);
}

int
pu_cli_relay_deauthorize (int    argc,
                          char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_auto(RelayOptions) options = { 0 };
  g_autoptr(PuTrustStore) trust = NULL;
  PuPeerId peer;
  const GOptionEntry entries[] = {
    DIR_ENTRY (options),
    G_OPTION_ENTRY_NULL
  };
  const PuCliSpec spec = {
    .command = "relay deauthorize",
    .parameters = N_("PEER-ID"),
    .summary = N_("Stop serving a device; a running relay disconnects it at once."),
    .entries = entries,
    .min_args = 1,
    .max_args = 1,
  };
  int status = pu_cli_parse (&spec, &args, argc, argv);

  if (status >= 0)
    return status;
  trust = open_trust_with_peer (&options, args.args[0], &peer);
  if (trust == NULL)
    return PU_CLI_EXIT_FAILURE;
  return pu_cli_trust_remove (trust, NULL, NULL, &peer);
}

int
pu_cli_relay_list_peers (int    argc,
                         char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_auto(RelayOptions) options = { 0 };
  g_autoptr(PuTrustStore) trust = NULL;
  g_autofree char *dir = NULL;
  const GOptionEntry entries[] = {
    DIR_ENTRY (options),
    G_OPTION_ENTRY_NULL
  };
  const PuCliSpec spec = {
    .command = "relay list-peers",
    .summary = N_("List the devices this relay serves."),
    .entries = entries,
    .json = TRUE,
  };
  int status = pu_cli_parse (&spec, &args, argc, argv);

  if (status >= 0)
    return status;
  dir = relay_dir (&options);
  if (dir == NULL)
    return PU_CLI_EXIT_FAILURE;
  trust = relay_trust (dir);
  if (trust == NULL)
    return PU_CLI_EXIT_FAILURE;

  if (args.json)
    pu_cli_print_json (pu_cli_trust_to_json (trust, NULL));
  else if (pu_cli_trust_print (trust, NULL, NULL, "") == 0)
    g_print (_("No devices may use this relay; add one with `peerup relay authorize PEER-ID`\n"));
  return PU_CLI_EXIT_OK;
}

#define PAIR_DEFAULT_TTL (60 * 60)
#define PAIR_MAX_TTL (7 * 24 * 60 * 60)

static void
print_groups (GPtrArray *groups)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (groups->len == 0)
    g_print (_("No pairing groups; make one with `peerup relay pair --count N`\n"));
  for (guint i = 0; i < groups->len; i++)
    {
      const PuRelayGroup *group = g_ptr_array_index (groups, i);
      g_autofree char *expires = pu_time_format_rfc3339 (group->expires);
      g_autoptr(GString) names = g_string_new (NULL);
      guint used = 0;

      for (guint j = 0; j < group->tokens->len; j++)
        {
          const PuRelayGroupToken *token = g_ptr_array_index (group->tokens, j);

          if (!token->used)
            continue;
          used++;
          g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "", token->name);
        }
      g_print (_("%s  %u of %u codes used  codes %s %s  members: %s\n"), group->id, used,
               group->tokens->len, now < group->expires ? _("expire") : _("expired"), expires,
               names->len > 0 ? names->str : "-");
    }
}

int
pu_cli_relay_pair (int    argc,
                   char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_auto(RelayOptions) options = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(PuIdentity) identity = NULL;
  g_autoptr(GInetSocketAddress) listen = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GPtrArray) addrs = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *ttl_text = NULL;
  g_autofree char *expires_text = NULL;
  g_autofree char *revoke = NULL;
  g_autofree char *address_text = NULL;
  g_autoptr(PuRelayAddr) address = NULL;
  g_autofree guint8 (*tokens)[PU_RELAY_GROUP_TOKEN_LEN] = NULL;
  g_autoptr(GPtrArray) codes = g_ptr_array_new_with_free_func (
    (GDestroyNotify) pu_invite_code_free);
  PuRelayGroup *group;
  gboolean list = FALSE;
  gint count = 1;
  gint64 ttl = PAIR_DEFAULT_TTL;
  gint64 member_seconds = 0;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *ttl_shown = NULL;
  const GOptionEntry entries[] = {
    { "count", 0, 0, G_OPTION_ARG_INT, &count,
      N_("How many codes (people) the group has (default 1, at most 32)"), N_("N") },
    { "ttl", 0, 0, G_OPTION_ARG_STRING, &ttl_text,
      N_("How long the codes work: 30m, 1h, 2d… (default 1h, at most 7d)"), N_("D") },
    { "expires", 0, 0, G_OPTION_ARG_STRING, &expires_text,
      N_("Members may use the relay for this long after joining (default: always)"),
      N_("D") },
    { "list", 0, 0, G_OPTION_ARG_NONE, &list, N_("List the pairing groups"), NULL },
    { "revoke", 0, 0, G_OPTION_ARG_STRING, &revoke,
      N_("Delete a group: its unused codes stop working"), N_("GROUP") },
    { "address", 0, 0, G_OPTION_ARG_STRING, &address_text,
      N_("The address devices dial, put in the codes (default: this machine's first "
         "address and the --listen port)"), N_("HOST[:PORT]") },
    LISTEN_ENTRY (options),
    DIR_ENTRY (options),
    G_OPTION_ENTRY_NULL
  };
  const PuCliSpec spec = {
    .command = "relay pair",
    .summary = N_("Make codes for a group of people: each runs `peerup join CODE` on a "
                  "device, which the relay then serves, and every member is introduced to the "
                  "others. Codes work once each."),
    .entries = entries,
  };
  int status = pu_cli_parse (&spec, &args, argc, argv);

  if (status >= 0)
    return status;
  if (count < 1 || count > PU_RELAY_GROUP_MAX)
    return pu_cli_usage_error (spec.command, _("--count: a group has 1 to %u codes"),
                               PU_RELAY_GROUP_MAX);
  if (ttl_text != NULL && !pu_duration_parse (ttl_text, &ttl, &error))
    return pu_cli_usage_error (spec.command, "--ttl: %s", error->message);
  if (ttl < 1 || ttl > PAIR_MAX_TTL)
    return pu_cli_usage_error (spec.command, _("--ttl: codes work for 1 second to 7 days"));
  if (expires_text != NULL && !pu_duration_parse (expires_text, &member_seconds, &error))
    return pu_cli_usage_error (spec.command, "--expires: %s", error->message);
  if (member_seconds < 0 || member_seconds > G_MAXINT32)
    return pu_cli_usage_error (spec.command, _("--expires: a duration such as 7d"));

  status = relay_open (spec.command, &options, &dir, &identity, &listen);
  if (status >= 0)
    return status;
  path = g_build_filename (dir, PU_RELAY_GROUPS_FILE, NULL);
  groups = pu_relay_groups_load (path, &error);
  if (groups == NULL)
    return pu_cli_fail (error);

  if (list)
    {
      print_groups (groups);
      return PU_CLI_EXIT_OK;
    }
  if (revoke != NULL)
    {
      for (guint i = 0; i < groups->len; i++)
        if (g_str_equal (((PuRelayGroup *) g_ptr_array_index (groups, i))->id, revoke))
          {
            g_ptr_array_remove_index (groups, i);
            if (!pu_relay_groups_save (path, groups, &error))
              return pu_cli_fail (error);
            g_print (_("Revoked pairing group %s; its members stay authorized (`peerup relay "
                       "deauthorize ID` removes one)\n"), revoke);
            return PU_CLI_EXIT_OK;
          }
      return pu_cli_fail_printf (_("No pairing group %s; see `peerup relay pair --list`"),
                                 revoke);
    }
  if (groups->len >= PU_RELAY_GROUPS_MAX)
    return pu_cli_fail_printf (_("The relay has %u pairing groups; revoke some first"),
                               PU_RELAY_GROUPS_MAX);

  if (address_text != NULL)
    {
      address = pu_relay_addr_parse (address_text, pu_identity_get_peer_id_string (identity),
                                     &error);
      if (address == NULL)
        return pu_cli_usage_error (spec.command, "--address: %s", error->message);
    }
  else
    {
      addrs = reachable_addresses (listen, g_inet_socket_address_get_port (listen),
                                   pu_identity_get_peer_id (identity));
      address = pu_relay_addr_copy (addrs->pdata[0]);
    }
  tokens = g_malloc ((gsize) count * PU_RELAY_GROUP_TOKEN_LEN);
  for (gint i = 0; i < count; i++)
    {
      /* The relay invites: the code's secret is the token. */
      PuInviteCode *code = pu_invite_code_new_full (address, pu_identity_get_peer_id (identity),
                                                    0, now + ttl, NULL);

      memcpy (tokens[i], code->secret, PU_RELAY_GROUP_TOKEN_LEN);
      g_ptr_array_add (codes, code);
    }
  group = pu_relay_group_new ((guint) count, now + ttl, member_seconds,
                              (const guint8 (*)[PU_RELAY_GROUP_TOKEN_LEN]) tokens);
  g_ptr_array_add (groups, group);
  if (!pu_relay_groups_save (path, groups, &error))
    return pu_cli_fail (error);

  ttl_shown = pu_duration_format (ttl);
  g_print (_("Pairing group %s: %d code(s), each works once, for %s\n"), group->id, count,
           ttl_shown);
  for (guint i = 0; i < codes->len; i++)
    {
      g_autofree char *text = pu_invite_code_to_string (codes->pdata[i]);

      g_print (_("\nCode %u of %u: on the device, run\n  peerup join %s\n"), i + 1, codes->len,
               text);
      if (isatty (STDOUT_FILENO))
        {
          g_autofree char *uri = pu_invite_code_to_uri (codes->pdata[i]);

          pu_cli_print_qr (uri);
        }
    }
  return PU_CLI_EXIT_OK;
}
