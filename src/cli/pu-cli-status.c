/* pu-cli-status.c — `peerup status`: everything this device is set up with
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-cli-private.h"

#include <glib/gi18n.h>

#include "pu-version.h"

static void
add_section (JsonBuilder *builder,
             const char  *member,
             JsonNode    *node)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_value (builder, node);
}

static JsonNode *
status_to_json (PuProfile *profile)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *device_name = pu_profile_dup_device_name (profile);
  PuConfig *config = pu_profile_get_config (profile);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, PU_VERSION);
  json_builder_set_member_name (builder, "peer_id");
  json_builder_add_string_value (builder,
                                 pu_identity_get_peer_id_string (
                                   pu_profile_get_identity (profile)));
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, device_name);
  json_builder_set_member_name (builder, "config");
  json_builder_add_string_value (builder, pu_config_get_path (config));
  add_section (builder, "relays", pu_cli_relays_to_json (config));
  add_section (builder, "authorized_peers",
               pu_cli_trust_to_json (pu_profile_get_trust_store (profile), config));
  add_section (builder, "services", pu_cli_services_to_json (config));
  add_section (builder, "names", pu_cli_names_to_json (config));
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
print_heading (const char *title)
{
  g_print ("\n%s\n", title);
}

static void
print_none_if_empty (guint n)
{
  if (n == 0)
    g_print ("  %s\n", _("none"));
}

int
pu_cli_status (int    argc,
               char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_autoptr(PuProfile) profile = NULL;
  g_autofree char *device_name = NULL;
  PuConfig *config;
  const PuCliSpec spec = {
    .command = "status",
    .summary = N_("Show this device: its peer ID, relays, authorized peers, services and "
                  "names."),
    .json = TRUE,
  };
  int status = pu_cli_parse (&spec, &args, argc, argv);

  if (status >= 0)
    return status;

  profile = pu_cli_open_profile (&args);
  if (profile == NULL)
    return PU_CLI_EXIT_FAILURE;

  if (args.json)
    {
      pu_cli_print_json (status_to_json (profile));
      return PU_CLI_EXIT_OK;
    }

  config = pu_profile_get_config (profile);
  device_name = pu_profile_dup_device_name (profile);
  g_print ("Peer Up %s\n", PU_VERSION);
  g_print (_("Peer ID:  %s\n"),
           pu_identity_get_peer_id_string (pu_profile_get_identity (profile)));
  g_print (_("Device:   %s\n"), device_name);
  g_print (_("Config:   %s\n"), pu_config_get_path (config));

  print_heading (_("Relays:"));
  print_none_if_empty (pu_cli_relays_print (config, "  "));
  print_heading (_("Authorized peers:"));
  print_none_if_empty (pu_cli_trust_print (pu_profile_get_trust_store (profile), config,
                                           "  "));
  print_heading (_("Services:"));
  print_none_if_empty (pu_cli_services_print (config, "  "));
  print_heading (_("Names:"));
  print_none_if_empty (pu_cli_names_print (config, "  "));
  return PU_CLI_EXIT_OK;
}
