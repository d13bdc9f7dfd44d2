/* pu-cli-auth.c — `peerup auth`: the authorized_keys file
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-cli-private.h"

#include <glib/gi18n.h>

#include "pu-file.h"
#include "pu-sas.h"
#include "pu-time.h"

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

JsonNode *
pu_cli_trust_to_json (PuTrustStore *trust,
                      PuConfig     *config)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) entries = pu_trust_store_list (trust);
  gint64 now = now_seconds ();

  json_builder_begin_array (builder);
  for (guint i = 0; i < entries->len; i++)
    {
      const PuTrustEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *id = pu_peer_id_to_string (&entry->peer_id);
      g_autofree char *expires = NULL;

      if (entry->expires != 0)
        expires = pu_time_format_rfc3339 (entry->expires);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "peer_id");
      json_builder_add_string_value (builder, id);
      pu_cli_json_add_string (builder, "name",
                              config != NULL ? pu_config_name_for_peer (config, &entry->peer_id)
                                             : NULL);
      pu_cli_json_add_string (builder, "verified", entry->verified);
      pu_cli_json_add_string (builder, "expires", expires);
      json_builder_set_member_name (builder, "expired");
      json_builder_add_boolean_value (builder, pu_trust_entry_is_expired (entry, now));
      pu_cli_json_add_string (builder, "comment", entry->comment);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  return json_builder_get_root (builder);
}

static char *
describe_expiry (gint64 expires,
                 gint64 now)
{
  g_autofree char *when = pu_time_format_rfc3339 (expires);
  g_autofree char *left = NULL;

  if (expires <= now)
    return g_strdup_printf (_("expired %s"), when);
  left = pu_duration_format (expires - now);
  return g_strdup_printf (_("expires %s (in %s)"), when, left);
}

guint
pu_cli_trust_print (PuTrustStore   *trust,
                    PuConfig       *config,
                    const PuPeerId *self,
                    const char     *indent)
{
  g_autoptr(GPtrArray) entries = pu_trust_store_list (trust);
  gint64 now = now_seconds ();

  for (guint i = 0; i < entries->len; i++)
    {
      const PuTrustEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *peer = pu_cli_describe_peer (config, &entry->peer_id);
      GString *line = g_string_new (indent);

      g_string_append (line, peer);
      if (self != NULL && pu_sas_entry_is_verified (entry, self))
        g_string_append_printf (line, "  %s", _("verified"));
      else if (self != NULL)
        g_string_append_printf (line, "  %s", _("[UNVERIFIED]"));
      if (entry->expires != 0)
        {
          g_autofree char *expiry = describe_expiry (entry->expires, now);

          g_string_append_printf (line, "  %s", expiry);
        }
      if (entry->comment != NULL)
        g_string_append_printf (line, "  # %s", entry->comment);
      g_print ("%s\n", line->str);
      g_string_free (line, TRUE);
    }
  return entries->len;
}

int
pu_cli_trust_add (PuTrustStore   *trust,
                  PuConfig       *config,
                  PuPeerUp1      *core,
                  const PuPeerId *peer,
                  const char     *comment,
                  const char     *expires_text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *peer_text = NULL;
  gint64 now = now_seconds ();
  gint64 expires = 0;

  if (expires_text != NULL && !pu_expiry_parse (expires_text, now, &expires, &error))
    {
      g_prefix_error (&error, "--expires: ");
      return pu_cli_fail (error);
    }

  if (core != NULL)
    {
      g_autofree char *id = pu_peer_id_to_string (peer);
      g_autofree char *when = expires != 0 ? pu_time_format_rfc3339 (expires) : g_strdup ("");

      if (!pu_peer_up1_call_authorize_sync (core, id, comment != NULL ? comment : "", when,
                                            G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error))
        return pu_cli_fail_remote (error);
    }
  else if (!pu_trust_store_add (trust, peer, comment, expires, &error))
    {
      return pu_cli_fail (error);
    }

  peer_text = pu_cli_describe_peer (config, peer);
  if (expires != 0)
    {
      g_autofree char *expiry = describe_expiry (expires, now);

      g_print (_("Authorized %s, %s\n"), peer_text, expiry);
    }
  else
    {
      g_print (_("Authorized %s\n"), peer_text);
    }
  return PU_CLI_EXIT_OK;
}

int
pu_cli_trust_remove (PuTrustStore   *trust,
                     PuConfig       *config,
                     PuPeerUp1      *core,
                     const PuPeerId *peer)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *peer_text = NULL;

  if (core != NULL)
    {
      g_autofree char *id = pu_peer_id_to_string (peer);

      if (!pu_peer_up1_call_deauthorize_sync (core, id, G_DBUS_CALL_FLAGS_NONE, -1, NULL,
                                              &error))
        return pu_cli_fail_remote (error);
    }
  else if (!pu_trust_store_remove (trust, peer, &error))
    {
      return pu_cli_fail (error);
    }

  peer_text = pu_cli_describe_peer (config, peer);
  g_print (_("Removed %s\n"), peer_text);
  return PU_CLI_EXIT_OK;
}

static int
auth_add (int    argc,
          char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_autoptr(PuProfile) profile = NULL;
  g_autofree char *comment = NULL;
  g_autofree char *expires_text = NULL;
  g_autoptr(PuPeerUp1) core = NULL;
  PuPeerId peer;
  const GOptionEntry entries[] = {
    { "comment", 0, 0, G_OPTION_ARG_STRING, &comment,
      N_("Note kept on the line (e.g. whose device it is)"), N_("TEXT") },
    { "expires", 0, 0, G_OPTION_ARG_STRING, &expires_text,
      N_("Stop trusting the peer after a duration (1h, 7d, 2w) or at an RFC 3339 time"),
      N_("WHEN") },
    G_OPTION_ENTRY_NULL
  };
  const PuCliSpec spec = {
    .command = "auth add",
    .parameters = N_("PEER"),
    .summary = N_("Authorize a peer (a peer ID or a name) to connect to this device."),
    .entries = entries,
    .min_args = 1,
    .max_args = 1,
  };
  int status = pu_cli_parse_open_peer (&spec, &args, argc, argv, &profile, &peer);

  if (status >= 0)
    return status;

  if (pu_peer_id_equal (&peer, pu_identity_get_peer_id (pu_profile_get_identity (profile))))
    return pu_cli_fail_printf (_("%s is this device's own peer ID; authorize the other device's"),
                               args.args[0]);

  core = pu_cli_client_connect (&args);
  return pu_cli_trust_add (pu_profile_get_trust_store (profile), pu_profile_get_config (profile),
                           core, &peer, comment, expires_text);
}

static int
auth_list (int    argc,
           char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_autoptr(PuProfile) profile = NULL;
  const PuCliSpec spec = {
    .command = "auth list",
    .summary = N_("List the peers allowed to connect to this device."),
    .json = TRUE,
  };
  int status = pu_cli_parse_open (&spec, &args, argc, argv, &profile);

  if (status >= 0)
    return status;

  if (args.json)
    pu_cli_print_json (pu_cli_trust_to_json (pu_profile_get_trust_store (profile),
                                             pu_profile_get_config (profile)));
  else if (pu_cli_trust_print (pu_profile_get_trust_store (profile),
                               pu_profile_get_config (profile),
                               pu_identity_get_peer_id (pu_profile_get_identity (profile)),
                               "") == 0)
    g_print (_("No authorized peers; add one with `peerup auth add PEER`\n"));
  return PU_CLI_EXIT_OK;
}

static int
auth_remove (int    argc,
             char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_autoptr(PuProfile) profile = NULL;
  g_autoptr(PuPeerUp1) core = NULL;
  PuPeerId peer;
  const PuCliSpec spec = {
    .command = "auth remove",
    .parameters = N_("PEER"),
    .summary = N_("Stop trusting a peer (a peer ID or a name)."),
    .min_args = 1,
    .max_args = 1,
  };
  int status = pu_cli_parse_open_peer (&spec, &args, argc, argv, &profile, &peer);

  if (status >= 0)
    return status;

  core = pu_cli_client_connect (&args);
  return pu_cli_trust_remove (pu_profile_get_trust_store (profile),
                              pu_profile_get_config (profile), core, &peer);
}

static int
auth_validate (int    argc,
               char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;
  const PuCliSpec spec = {
    .command = "auth validate",
    .parameters = N_("[FILE]"),
    .summary = N_("Check an authorized_keys file (this device's by default); "
                  "every bad line is reported with its number."),
    .max_args = 1,
  };
  int status = pu_cli_parse (&spec, &args, argc, argv);

  if (status >= 0)
    return status;

  if (args.n_args == 1)
    {
      path = g_strdup (args.args[0]);
    }
  else
    {
      g_autofree char *config_path = pu_cli_config_path (&args);
      g_autoptr(PuConfig) config = pu_config_new (config_path);

      path = pu_config_get_authorized_keys_path (config);
    }

  if (!pu_file_read_bounded (path, PU_TRUST_FILE_MAX, &data, &len, &error))
    return pu_cli_fail (error);

  problems = pu_trust_store_validate_data (data, len);
  for (guint i = 0; i < problems->len; i++)
    pu_cli_fail_printf ("%s: %s", path, (const char *) g_ptr_array_index (problems, i));
  if (problems->len > 0)
    return PU_CLI_EXIT_FAILURE;

  g_print (_("%s is valid\n"), path);
  return PU_CLI_EXIT_OK;
}

int
pu_cli_auth (int    argc,
             char **argv)
{
  static const PuCliCommand commands[] = {
    { "add", N_("Authorize a peer"), auth_add },
    { "list", N_("List authorized peers"), auth_list },
    { "remove", N_("Stop trusting a peer"), auth_remove },
    { "validate", N_("Check an authorized_keys file"), auth_validate },
    { NULL, NULL, NULL }
  };

  return pu_cli_run_group ("auth", N_("Choose which peers may connect to this device. "
                                      "The list is the authorized_keys file beside config.ini."),
                           commands, argc, argv);
}
