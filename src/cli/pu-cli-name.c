/* pu-cli-name.c — `peerup name`: short names for peer IDs
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-cli-private.h"

#include <glib/gi18n.h>

JsonNode *
pu_cli_names_to_json (PuConfig *config)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_auto(GStrv) names = pu_config_get_names (config);

  json_builder_begin_array (builder);
  for (guint i = 0; names[i] != NULL; i++)
    {
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, names[i]);
      json_builder_set_member_name (builder, "peer_id");
      json_builder_add_string_value (builder, pu_config_lookup_name (config, names[i]));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}

guint
pu_cli_names_print (PuConfig   *config,
                    const char *indent)
{
  g_auto(GStrv) names = pu_config_get_names (config);
  int width = 0;
  guint n = 0;

  for (n = 0; names[n] != NULL; n++)
    width = MAX (width, (int) strlen (names[n]));
  for (guint i = 0; i < n; i++)
    g_print ("%s%-*s  %s\n", indent, width, names[i], pu_config_lookup_name (config, names[i]));
  return n;
}

static int
name_set (int    argc,
          char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  g_autofree char *peer_id = NULL;
  PuConfig *config;
  PuPeerId peer;
  const PuCliSpec spec = {
    .command = "name set",
    .parameters = N_("NAME PEER"),
    .summary = N_("Call a peer NAME wherever a peer is expected (a DNS label such as "
                  "`home`); replaces an existing name."),
    .min_args = 2,
    .max_args = 2,
  };
  int status = pu_cli_parse_open (&spec, &args, argc, argv, &profile);

  if (status >= 0)
    return status;

  config = pu_profile_get_config (profile);

  if (!pu_config_resolve_peer (config, args.args[1], &peer, &error)
      || !pu_config_set_name (config, args.args[0], &peer, &error)
      || !pu_config_save (config, &error))
    return pu_cli_fail (error);

  peer_id = pu_peer_id_to_string (&peer);
  g_print (_("%s is now %s\n"), args.args[0], peer_id);
  return PU_CLI_EXIT_OK;
}

static int
name_remove (int    argc,
             char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  PuConfig *config;
  const PuCliSpec spec = {
    .command = "name remove",
    .parameters = N_("NAME"),
    .summary = N_("Forget a name (the peer stays authorized)."),
    .min_args = 1,
    .max_args = 1,
  };
  int status = pu_cli_parse_open (&spec, &args, argc, argv, &profile);

  if (status >= 0)
    return status;

  config = pu_profile_get_config (profile);

  if (!pu_config_remove_name (config, args.args[0], &error)
      || !pu_config_save (config, &error))
    return pu_cli_fail (error);

  g_print (_("Removed name %s\n"), args.args[0]);
  return PU_CLI_EXIT_OK;
}

static int
name_list (int    argc,
           char **argv)
{
  const PuCliSpec spec = {
    .command = "name list",
    .summary = N_("List peer names."),
    .json = TRUE,
  };

  return pu_cli_list_section (&spec, pu_cli_names_to_json, pu_cli_names_print,
                              N_("No names; add one with `peerup name set NAME PEER-ID`"),
                              argc, argv);
}

int
pu_cli_name (int    argc,
             char **argv)
{
  static const PuCliCommand commands[] = {
    { "list", N_("List names"), name_list },
    { "remove", N_("Forget a name"), name_remove },
    { "set", N_("Name a peer"), name_set },
    { NULL, NULL, NULL }
  };

  return pu_cli_run_group ("name", N_("Give peers short names to use instead of peer IDs "
                                      "in every command."),
                           commands, argc, argv);
}
