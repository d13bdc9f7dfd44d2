/* pu-cli-relay.c — `peerup relay`: the relays this device uses, and the group
 * that also runs a relay (pu-cli-relay-server.c)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-cli-private.h"

#include <glib/gi18n.h>

JsonNode *
pu_cli_relays_to_json (PuConfig *config)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GPtrArray *relays = pu_config_get_relays (config);

  json_builder_begin_array (builder);
  for (guint i = 0; i < relays->len; i++)
    {
      const PuRelayAddr *relay = g_ptr_array_index (relays, i);
      g_autofree char *address = pu_relay_addr_to_string (relay);
      g_autofree char *multiaddr = pu_relay_addr_to_multiaddr (relay);
      g_autofree char *peer_id = NULL;

      if (relay->has_peer_id)
        peer_id = pu_peer_id_to_string (&relay->peer_id);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "address");
      json_builder_add_string_value (builder, address);
      pu_cli_json_add_string (builder, "peer_id", peer_id);
      json_builder_set_member_name (builder, "multiaddr");
      json_builder_add_string_value (builder, multiaddr);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}

guint
pu_cli_relays_print (PuConfig   *config,
                     const char *indent)
{
  GPtrArray *relays = pu_config_get_relays (config);

  for (guint i = 0; i < relays->len; i++)
    {
      const PuRelayAddr *relay = g_ptr_array_index (relays, i);
      g_autofree char *address = pu_relay_addr_to_string (relay);
      g_autofree char *peer_id = NULL;

      if (relay->has_peer_id)
        peer_id = pu_peer_id_to_string (&relay->peer_id);
      g_print ("%s%s  %s\n", indent, address, peer_id != NULL ? peer_id : _("(not pinned)"));
    }
  return relays->len;
}

static int
relay_add (int    argc,
           char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  g_autoptr(PuRelayAddr) relay = NULL;
  g_autofree char *peer_id = NULL;
  g_autofree char *address = NULL;
  PuConfig *config;
  const GOptionEntry entries[] = {
    { "peer-id", 0, 0, G_OPTION_ARG_STRING, &peer_id,
      N_("The relay's peer ID: only a relay holding that key is accepted"), N_("ID") },
    G_OPTION_ENTRY_NULL
  };
  const PuCliSpec spec = {
    .command = "relay add",
    .parameters = N_("ADDR"),
    .summary = N_("Use a relay: IP[:PORT] (default port 7777), HOST:PORT with --peer-id, "
                  "or a multiaddr such as /ip4/203.0.113.5/tcp/7777/p2p/ID."),
    .entries = entries,
    .min_args = 1,
    .max_args = 1,
  };
  int status = pu_cli_parse_open (&spec, &args, argc, argv, &profile);

  if (status >= 0)
    return status;

  config = pu_profile_get_config (profile);

  relay = pu_relay_addr_parse (args.args[0], peer_id, &error);
  if (relay == NULL
      || !pu_config_add_relay (config, relay, &error)
      || !pu_config_save (config, &error))
    return pu_cli_fail (error);

  address = pu_relay_addr_to_string (relay);
  g_print (_("Added relay %s\n"), address);
  if (!relay->has_peer_id)
    g_print (_("The relay is not pinned to a key; add --peer-id ID so that no other "
               "server can pose as it\n"));
  return PU_CLI_EXIT_OK;
}

static int
relay_list (int    argc,
            char **argv)
{
  const PuCliSpec spec = {
    .command = "relay list",
    .summary = N_("List the relays this device uses."),
    .json = TRUE,
  };

  return pu_cli_list_section (&spec, pu_cli_relays_to_json, pu_cli_relays_print,
                              N_("No relays; add one with `peerup relay add ADDR`"),
                              argc, argv);
}

static int
relay_remove (int    argc,
              char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  PuConfig *config;
  const PuCliSpec spec = {
    .command = "relay remove",
    .parameters = N_("ADDR|ID"),
    .summary = N_("Stop using a relay, given by its address or its peer ID."),
    .min_args = 1,
    .max_args = 1,
  };
  int status = pu_cli_parse_open (&spec, &args, argc, argv, &profile);

  if (status >= 0)
    return status;

  config = pu_profile_get_config (profile);

  if (!pu_config_remove_relay (config, args.args[0], &error)
      || !pu_config_save (config, &error))
    return pu_cli_fail (error);

  g_print (_("Removed relay %s\n"), args.args[0]);
  return PU_CLI_EXIT_OK;
}

int
pu_cli_relay (int    argc,
              char **argv)
{
  static const PuCliCommand commands[] = {
    { "add", N_("This device: use a relay"), relay_add },
    { "list", N_("This device: list the relays it uses"), relay_list },
    { "remove", N_("This device: stop using a relay"), relay_remove },
    { "serve", N_("Relay machine: run a relay"), pu_cli_relay_serve },
    { "info", N_("Relay machine: show the relay's ID and the line devices add"),
      pu_cli_relay_info },
    { "authorize", N_("Relay machine: let a device use the relay"), pu_cli_relay_authorize },
    { "deauthorize", N_("Relay machine: stop serving a device"), pu_cli_relay_deauthorize },
    { "list-peers", N_("Relay machine: list the devices the relay serves"),
      pu_cli_relay_list_peers },
    { "pair", N_("Relay machine: make codes that let a group of people join"),
      pu_cli_relay_pair },
    { NULL, NULL, NULL }
  };

  return pu_cli_run_group ("relay", N_("Relays help devices reach each other and carry "
                                       "traffic when no direct path exists.\n\n"
                                       "On each device, add, list and remove choose the relays "
                                       "it uses.\nOn the machine that runs a relay (a small "
                                       "server or VPS), serve runs it and\nauthorize, "
                                       "deauthorize and list-peers choose the devices it "
                                       "serves."),
                           commands, argc, argv);
}
