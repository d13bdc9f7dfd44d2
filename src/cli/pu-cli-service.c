/* pu-cli-service.c — `peerup service`: local services peers can reach
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-cli-private.h"

#include <glib/gi18n.h>

#include "pu-services.h"

JsonNode *
pu_cli_services_to_json (PuConfig *config)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  GPtrArray *services = pu_config_get_services (config);

  json_builder_begin_array (builder);
  for (guint i = 0; i < services->len; i++)
    {
      const PuService *service = g_ptr_array_index (services, i);
      g_autofree char *address = pu_service_get_address (service);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, service->name);
      json_builder_set_member_name (builder, "address");
      json_builder_add_string_value (builder, address);
      json_builder_set_member_name (builder, "enabled");
      json_builder_add_boolean_value (builder, service->enabled);
      json_builder_set_member_name (builder, "allowed");
      json_builder_begin_array (builder);
      for (guint j = 0; service->allowed != NULL && service->allowed[j] != NULL; j++)
        json_builder_add_string_value (builder, service->allowed[j]);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}

guint
pu_cli_services_print (PuConfig   *config,
                       const char *indent)
{
  GPtrArray *services = pu_config_get_services (config);

  for (guint i = 0; i < services->len; i++)
    {
      const PuService *service = g_ptr_array_index (services, i);
      g_autofree char *address = pu_service_get_address (service);
      g_autofree char *allowed = NULL;

      if (service->allowed != NULL && service->allowed[0] != NULL)
        allowed = g_strjoinv (", ", service->allowed);
      else
        allowed = g_strdup (_("every authorized peer"));

      g_print ("%s%s  %s  %s  %s %s\n", indent, service->name, address,
               service->enabled ? _("enabled") : _("disabled"), _("allowed:"), allowed);
    }
  return services->len;
}

static int
service_add (int    argc,
             char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_auto(GStrv) allow = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  g_autofree char *address = NULL;
  g_autoptr(PuPeerUp1) core = NULL;
  PuConfig *config;
  const PuService *service;
  const GOptionEntry entries[] = {
    { "allow", 0, 0, G_OPTION_ARG_STRING_ARRAY, &allow,
      N_("Only this peer (name or ID) may use it; repeatable (default: all authorized)"),
      N_("PEER") },
    G_OPTION_ENTRY_NULL
  };
  const PuCliSpec spec = {
    .command = "service add",
    .parameters = N_("NAME HOST:PORT"),
    .summary = N_("Let authorized peers reach a local TCP service, e.g. "
                  "`peerup service add ssh 127.0.0.1:22`."),
    .entries = entries,
    .min_args = 2,
    .max_args = 2,
  };
  int status = pu_cli_parse_open (&spec, &args, argc, argv, &profile);

  if (status >= 0)
    return status;

  config = pu_profile_get_config (profile);
  core = pu_cli_client_connect (&args);
  if (core != NULL)
    {
      const char * const none[] = { NULL };
      g_autoptr(GVariant) info = NULL;

      if (!pu_peer_up1_call_add_service_sync (core, args.args[0], args.args[1],
                                              allow != NULL ? (const char * const *) allow : none,
                                              G_DBUS_CALL_FLAGS_NONE, -1, &info, NULL, &error))
        return pu_cli_fail_remote (error);
      /* What the core saved. */
      if (!pu_profile_reload_config (profile, &error))
        return pu_cli_fail (error);
      config = pu_profile_get_config (profile);
    }
  else if (!pu_services_add (config, args.args[0], args.args[1], (const char * const *) allow,
                             &error))
    {
      return pu_cli_fail (error);
    }

  service = pu_config_lookup_service (config, args.args[0]);
  address = pu_service_get_address (service);
  g_print (_("Added service %s (%s, %s)\n"), service->name, address,
           service->enabled ? _("enabled") : _("disabled"));
  return PU_CLI_EXIT_OK;
}

static int
service_list (int    argc,
              char **argv)
{
  const PuCliSpec spec = {
    .command = "service list",
    .summary = N_("List the services this device exposes."),
    .json = TRUE,
  };

  return pu_cli_list_section (&spec, pu_cli_services_to_json, pu_cli_services_print,
                              N_("No services; add one with `peerup service add NAME HOST:PORT`"),
                              argc, argv);
}

typedef enum {
  SERVICE_REMOVE,
  SERVICE_ENABLE,
  SERVICE_DISABLE,
} ServiceChange;

static int
service_change (ServiceChange   change,
                const PuCliSpec *spec,
                int              argc,
                char           **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  g_autoptr(PuPeerUp1) core = NULL;
  PuConfig *config;
  const char *name;
  gboolean ok = FALSE;
  int status = pu_cli_parse_open (spec, &args, argc, argv, &profile);

  if (status >= 0)
    return status;

  config = pu_profile_get_config (profile);
  core = pu_cli_client_connect (&args);
  name = args.args[0];
  switch (change)
    {
    case SERVICE_REMOVE:
      ok = core != NULL
           ? pu_peer_up1_call_remove_service_sync (core, name, G_DBUS_CALL_FLAGS_NONE, -1,
                                                   NULL, &error)
           : pu_services_remove (config, name, &error);
      break;
    case SERVICE_ENABLE:
      ok = core != NULL
           ? pu_peer_up1_call_enable_service_sync (core, name, G_DBUS_CALL_FLAGS_NONE, -1,
                                                   NULL, &error)
           : pu_services_set_enabled (config, name, TRUE, &error);
      break;
    case SERVICE_DISABLE:
      ok = core != NULL
           ? pu_peer_up1_call_disable_service_sync (core, name, G_DBUS_CALL_FLAGS_NONE, -1,
                                                   NULL, &error)
           : pu_services_set_enabled (config, name, FALSE, &error);
      break;
    default:
      g_assert_not_reached ();
    }
  if (!ok)
    return core != NULL ? pu_cli_fail_remote (error) : pu_cli_fail (error);

  if (change == SERVICE_REMOVE)
    g_print (_("Removed service %s\n"), name);
  else if (change == SERVICE_ENABLE)
    g_print (_("Enabled service %s\n"), name);
  else
    g_print (_("Disabled service %s\n"), name);
  return PU_CLI_EXIT_OK;
}

static int
service_remove (int    argc,
                char **argv)
{
  const PuCliSpec spec = {
    .command = "service remove",
    .parameters = N_("NAME"),
    .summary = N_("Stop exposing a service and forget it."),
    .min_args = 1,
    .max_args = 1,
  };

  return service_change (SERVICE_REMOVE, &spec, argc, argv);
}

static int
service_enable (int    argc,
                char **argv)
{
  const PuCliSpec spec = {
    .command = "service enable",
    .parameters = N_("NAME"),
    .summary = N_("Expose a service again."),
    .min_args = 1,
    .max_args = 1,
  };

  return service_change (SERVICE_ENABLE, &spec, argc, argv);
}

static int
service_disable (int    argc,
                 char **argv)
{
  const PuCliSpec spec = {
    .command = "service disable",
    .parameters = N_("NAME"),
    .summary = N_("Stop exposing a service but keep its settings."),
    .min_args = 1,
    .max_args = 1,
  };

  return service_change (SERVICE_DISABLE, &spec, argc, argv);
}

int
pu_cli_service (int    argc,
                char **argv)
{
  static const PuCliCommand commands[] = {
    { "add", N_("Expose a local TCP service"), service_add },
    { "disable", N_("Stop exposing a service, keep its settings"), service_disable },
    { "enable", N_("Expose a disabled service again"), service_enable },
    { "list", N_("List services"), service_list },
    { "remove", N_("Forget a service"), service_remove },
    { NULL, NULL, NULL }
  };

  return pu_cli_run_group ("service", N_("Choose which local TCP services authorized peers "
                                         "can reach through this device."),
                           commands, argc, argv);
}
