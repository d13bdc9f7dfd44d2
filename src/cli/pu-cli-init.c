/* pu-cli-init.c — `peerup init` and `peerup whoami`
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-cli-private.h"

#include <glib/gi18n.h>
#include <unistd.h>

int
pu_cli_init (int    argc,
             char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  g_autofree char *name = NULL;
  g_autofree char *relay = NULL;
  g_autofree char *device_name = NULL;
  gboolean non_interactive = FALSE;
  gboolean created = FALSE;
  PuConfig *config;
  const char *peer_id;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      N_("Name this device (a DNS label; default: the host name)"), N_("NAME") },
    { "relay", 0, 0, G_OPTION_ARG_STRING, &relay,
      N_("Add a relay (IP:PORT or multiaddr)"), N_("ADDR") },
    { "non-interactive", 0, 0, G_OPTION_ARG_NONE, &non_interactive,
      N_("Never ask or draw anything; for scripts"), NULL },
    G_OPTION_ENTRY_NULL
  };
  const PuCliSpec spec = {
    .command = "init",
    .summary = N_("Create this device's identity, config.ini and authorized_keys. "
                  "An existing identity is never replaced."),
    .entries = entries,
  };
  int status = pu_cli_parse (&spec, &args, argc, argv);

  if (status >= 0)
    return status;

  profile = pu_profile_init (args.config_path, name, relay, &created, &error);
  if (profile == NULL)
    return pu_cli_fail (error);

  config = pu_profile_get_config (profile);
  peer_id = pu_identity_get_peer_id_string (pu_profile_get_identity (profile));
  device_name = pu_profile_dup_device_name (profile);

  if (created)
    g_print (_("Initialized Peer Up in %s\n"), pu_config_get_dir (config));
  else
    g_print (_("Already initialized in %s; the identity was kept\n"),
             pu_config_get_dir (config));
  if (name != NULL && !g_str_equal (name, device_name))
    g_print (_("This device is already named %s; --name was not applied\n"), device_name);

  g_print (_("Device name: %s\n"), device_name);
  g_print (_("Peer ID: %s\n"), peer_id);

  if (!non_interactive && isatty (STDOUT_FILENO))
    pu_cli_print_qr (peer_id);

  if (pu_config_get_relays (config)->len == 0)
    g_print (_("Next: add a relay with `peerup relay add ADDR`\n"));
  return PU_CLI_EXIT_OK;
}

int
pu_cli_whoami (int    argc,
               char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_autoptr(PuProfile) profile = NULL;
  const PuCliSpec spec = {
    .command = "whoami",
    .summary = N_("Print this device's peer ID."),
    .json = TRUE,
  };
  int status = pu_cli_parse_open (&spec, &args, argc, argv, &profile);
  const char *peer_id;

  if (status >= 0)
    return status;

  peer_id = pu_identity_get_peer_id_string (pu_profile_get_identity (profile));
  if (args.json)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autofree char *device_name = pu_profile_dup_device_name (profile);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "peer_id");
      json_builder_add_string_value (builder, peer_id);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, device_name);
      json_builder_end_object (builder);
      pu_cli_print_json (json_builder_get_root (builder));
    }
  else
    {
      g_print ("%s\n", peer_id);
    }
  return PU_CLI_EXIT_OK;
}
