/* pu-cli-status.c — `peerup status`: everything this device is set up with,
 * and what its running core is doing
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-cli-private.h"

#include <glib/gi18n.h>

#include "pu-version.h"

/* The core's GetStatus (a{sv}); NULL with G_IO_ERROR_NOT_FOUND when none
 * runs for this config. */
static GVariant *
query_node (PuConfig  *config,
            GError   **error)
{
  g_autoptr(PuPeerUp1) proxy = pu_cli_client_open (pu_config_get_path (config), error);
  g_autoptr(GError) local_error = NULL;
  GVariant *status = NULL;

  if (proxy == NULL)
    return NULL;
  if (!pu_peer_up1_call_get_status_sync (proxy, G_DBUS_CALL_FLAGS_NONE, -1, &status, NULL,
                                         &local_error))
    {
      g_dbus_error_strip_remote_error (local_error);
      g_propagate_error (error, g_steal_pointer (&local_error));
    }
  return status;
}

/* The "node" member: GetStatus as it is, plus running, or why not. */
static JsonNode *
node_to_json (GVariant     *status,
              const GError *error)
{
  JsonNode *node;
  JsonObject *object;

  if (status != NULL)
    node = json_gvariant_serialize (status);
  else
    node = json_node_init_object (json_node_alloc (), json_object_new ());
  object = json_node_get_object (node);
  json_object_set_boolean_member (object, "running", status != NULL);
  if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    json_object_set_string_member (object, "error", error->message);
  return node;
}

static void
append_rtt (GString      *line,
            GVariantDict *dict)
{
  double rtt;

  if (g_variant_dict_lookup (dict, "rtt_ms", "d", &rtt))
    g_string_append_printf (line, "  %.2f ms", rtt);
}

static void
print_relay (GVariant *info)
{
  g_autoptr(GVariantDict) dict = g_variant_dict_new (info);
  g_autoptr(GString) line = g_string_new ("    ");
  const char *address = "?";
  gboolean connected = FALSE;

  g_variant_dict_lookup (dict, "address", "&s", &address);
  g_variant_dict_lookup (dict, "connected", "b", &connected);
  g_string_append_printf (line, "%s  %s", address,
                          connected ? _("connected") : _("disconnected"));
  append_rtt (line, dict);
  g_print ("%s\n", line->str);
}

static void
print_peer (GVariant *info)
{
  g_autoptr(GVariantDict) dict = g_variant_dict_new (info);
  g_autoptr(GString) line = g_string_new ("    ");
  const char *peer_id = "?";
  const char *name = NULL;
  const char *path = NULL;
  gboolean connected = FALSE;

  g_variant_dict_lookup (dict, "peer_id", "&s", &peer_id);
  g_variant_dict_lookup (dict, "connected", "b", &connected);
  g_string_append (line, peer_id);
  if (g_variant_dict_lookup (dict, "name", "&s", &name))
    g_string_append_printf (line, " (%s)", name);
  g_string_append_printf (line, "  %s", connected ? _("connected") : _("not connected"));
  if (g_variant_dict_lookup (dict, "path", "&s", &path))
    {
      const char *local = NULL, *remote = NULL;
      guint32 ip_version = 0;
      g_autofree char *text = NULL;

      g_variant_dict_lookup (dict, "local_candidate", "&s", &local);
      g_variant_dict_lookup (dict, "remote_candidate", "&s", &remote);
      g_variant_dict_lookup (dict, "ip_version", "u", &ip_version);
      text = pu_cli_path_text (path, local, remote, ip_version);
      g_string_append_printf (line, "  %s", text);
    }
  append_rtt (line, dict);
  g_print ("%s\n", line->str);
}

static void
print_forward (GVariant *info)
{
  const char *address = "?";
  const char *service = "?";
  const char *label = "?";

  g_variant_lookup (info, "address", "&s", &address);
  g_variant_lookup (info, "service", "&s", &service);
  g_variant_lookup (info, "label", "&s", &label);
  g_print (_("    %s → %s on %s\n"), address, service, label);
}

static void
print_list (GVariantDict *status,
            const char   *member,
            const char   *title,
            void        (*print) (GVariant *info))
{
  g_autoptr(GVariant) list = g_variant_dict_lookup_value (status, member,
                                                          G_VARIANT_TYPE ("aa{sv}"));
  gsize n = list != NULL ? g_variant_n_children (list) : 0;

  g_print ("  %s\n", title);
  if (n == 0)
    g_print ("    %s\n", _("none"));
  for (gsize i = 0; i < n; i++)
    {
      g_autoptr(GVariant) child = g_variant_get_child_value (list, i);

      print (child);
    }
}

static void
print_node (GVariant     *status,
            const GError *error)
{
  g_autoptr(GVariantDict) dict = NULL;
  guint32 pid = 0;

  g_print ("\n");
  if (status == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
        g_print (_("Node:     not running\n"));
      else
        g_print (_("Node:     not answering (%s)\n"), error->message);
      return;
    }
  dict = g_variant_dict_new (status);
  g_variant_dict_lookup (dict, "pid", "u", &pid);
  g_print (_("Node:     running (pid %u)\n"), pid);
  print_list (dict, "relays", _("Relays:"), print_relay);
  print_list (dict, "peers", _("Peers:"), print_peer);
  print_list (dict, "forwards", _("Forwards:"), print_forward);
}

static void
add_section (JsonBuilder *builder,
             const char  *member,
             JsonNode    *node)
{
  json_builder_set_member_name (builder, member);
  json_builder_add_value (builder, node);
}

static JsonNode *
status_to_json (PuProfile *profile,
                JsonNode  *node)
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
  add_section (builder, "node", node);
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
  g_autoptr(GVariant) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *device_name = NULL;
  PuConfig *config;
  const PuCliSpec spec = {
    .command = "status",
    .summary = N_("Show this device: its peer ID, relays, authorized peers, services and "
                  "names, and while `peerup daemon` runs for it, its relay and peer "
                  "connections with their round trips."),
    .json = TRUE,
  };
  int status = pu_cli_parse (&spec, &args, argc, argv);

  if (status >= 0)
    return status;

  profile = pu_cli_open_profile (&args);
  if (profile == NULL)
    return PU_CLI_EXIT_FAILURE;

  config = pu_profile_get_config (profile);
  node = query_node (config, &error);
  if (args.json)
    {
      pu_cli_print_json (status_to_json (profile, node_to_json (node, error)));
      return PU_CLI_EXIT_OK;
    }

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
                                           pu_identity_get_peer_id (
                                             pu_profile_get_identity (profile)),
                                           "  "));
  print_heading (_("Services:"));
  print_none_if_empty (pu_cli_services_print (config, "  "));
  print_heading (_("Names:"));
  print_none_if_empty (pu_cli_names_print (config, "  "));
  print_node (node, error);
  return PU_CLI_EXIT_OK;
}
