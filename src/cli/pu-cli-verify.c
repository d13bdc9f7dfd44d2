/* pu-cli-verify.c — `peerup verify`: compare the emoji of a pairing and
 * mark the peer as verified
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-cli-private.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "pu-sas.h"

static JsonNode *
sas_to_json (const PuSas    *sas,
             const PuPeerId *peer,
             gboolean        verified)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *id = pu_peer_id_to_string (peer);
  g_autofree char *digits = pu_sas_format_number (sas);

  json_builder_begin_object (builder);
  pu_cli_json_add_string (builder, "peer_id", id);
  json_builder_set_member_name (builder, "emoji");
  json_builder_begin_array (builder);
  for (guint i = 0; i < PU_SAS_N_EMOJI; i++)
    json_builder_add_string_value (builder, pu_sas_emoji (sas->emoji[i]));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "names");
  json_builder_begin_array (builder);
  for (guint i = 0; i < PU_SAS_N_EMOJI; i++)
    json_builder_add_string_value (builder, pu_sas_emoji_name (sas->emoji[i]));
  json_builder_end_array (builder);
  pu_cli_json_add_string (builder, "digits", digits);
  json_builder_set_member_name (builder, "verified");
  json_builder_add_boolean_value (builder, verified);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

void
pu_cli_sas_print (const PuPeerId *self,
                  const PuPeerId *peer)
{
  g_autoptr(GString) line = g_string_new (" ");
  g_autofree char *digits = NULL;
  PuSas sas;

  pu_sas_compute (self, peer, &sas);
  for (guint i = 0; i < PU_SAS_N_EMOJI; i++)
    g_string_append_printf (line, " %s%s %s", i > 0 ? " " : "", pu_sas_emoji (sas.emoji[i]),
                            pu_sas_emoji_name (sas.emoji[i]));
  digits = pu_sas_format_number (&sas);
  g_print ("\n%s\n  %s\n\n", line->str, digits);
}

/* One answer from the terminal: TRUE for yes. */
static gboolean
ask_yes (void)
{
  char answer[16] = "";

  g_print (_("Do the emoji and the number match? [y/N] "));
  fflush (stdout);
  if (fgets (answer, sizeof answer, stdin) == NULL)
    return FALSE;
  g_strstrip (answer);
  return g_ascii_strcasecmp (answer, "y") == 0 || g_ascii_strcasecmp (answer, "yes") == 0;
}

int
pu_cli_verify (int    argc,
               char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_autoptr(PuProfile) profile = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;
  g_autoptr(PuPeerUp1) core = NULL;
  const PuTrustEntry *entry;
  PuTrustStore *trust;
  const PuPeerId *self;
  gboolean yes = FALSE;
  PuPeerId peer;
  PuSas sas;
  const GOptionEntry entries[] = {
    { "yes", 'y', 0, G_OPTION_ARG_NONE, &yes,
      N_("Confirm that they match without asking"), NULL },
    G_OPTION_ENTRY_NULL
  };
  const PuCliSpec spec = {
    .command = "verify",
    .parameters = N_("PEER"),
    .summary = N_("Show the emoji and number of this device and a peer; when the peer's "
                  "`peerup verify` shows the same, confirm to mark the peer as verified. "
                  "--json only prints them."),
    .entries = entries,
    .json = TRUE,
    .min_args = 1,
    .max_args = 1,
  };
  int status = pu_cli_parse_open_peer (&spec, &args, argc, argv, &profile, &peer);

  if (status >= 0)
    return status;

  self = pu_identity_get_peer_id (pu_profile_get_identity (profile));
  if (pu_peer_id_equal (&peer, self))
    return pu_cli_fail_printf (_("%s is this device's own peer ID; verify the other device"),
                               args.args[0]);

  trust = pu_profile_get_trust_store (profile);
  entry = pu_trust_store_lookup (trust, &peer);
  pu_sas_compute (self, &peer, &sas);
  if (args.json)
    {
      pu_cli_print_json (sas_to_json (&sas, &peer,
                                      entry != NULL && pu_sas_entry_is_verified (entry, self)));
      return PU_CLI_EXIT_OK;
    }

  label = pu_cli_describe_peer (pu_profile_get_config (profile), &peer);
  if (entry == NULL)
    return pu_cli_fail_printf (_("%s is not authorized; authorize it with "
                                 "`peerup auth add PEER` first"), label);

  g_print (_("Run `peerup verify` for this device on %s and compare:\n"), label);
  pu_cli_sas_print (self, &peer);

  if (pu_sas_entry_is_verified (entry, self))
    {
      g_print (_("%s is already verified\n"), label);
      return PU_CLI_EXIT_OK;
    }

  if (!yes)
    {
      if (!isatty (STDIN_FILENO))
        return pu_cli_fail_printf (_("Not verified: confirm with --yes when not on a terminal"));
      if (!ask_yes ())
        return pu_cli_fail_printf (_("Not verified. If they differ, this may not be the device "
                                     "you think: remove it with `peerup auth remove PEER`"));
    }

  core = pu_cli_client_connect (&args);
  if (core != NULL)
    {
      g_autofree char *id = pu_peer_id_to_string (&peer);

      if (!pu_peer_up1_call_verify_sync (core, id, G_DBUS_CALL_FLAGS_NONE, -1, NULL, &error))
        return pu_cli_fail_remote (error);
    }
  else if (!pu_trust_store_set_verified (trust, &peer, sas.verified, &error))
    {
      return pu_cli_fail (error);
    }
  g_print (_("%s is verified\n"), label);
  return PU_CLI_EXIT_OK;
}
