/* pu-cli-identity.c — `peerup identity`: where the private key is kept
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-cli-private.h"

#include <glib/gi18n.h>

#include "pu-secret.h"

static int
identity_where (int    argc,
                char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_autoptr(PuProfile) profile = NULL;
  const PuCliSpec spec = {
    .command = "identity where",
    .summary = N_("Tell where this device's private key is kept: in identity.key or in the "
                  "desktop keyring."),
  };
  int status = pu_cli_parse_open (&spec, &args, argc, argv, &profile);

  if (status >= 0)
    return status;

  if (pu_profile_get_identity_store (profile) == PU_IDENTITY_STORE_KEYRING)
    g_print (_("In the desktop keyring (Secret Service)\n"));
  else
    g_print (_("In identity.key beside %s\n"),
             pu_config_get_path (pu_profile_get_config (profile)));
  return PU_CLI_EXIT_OK;
}

static int
identity_to_keyring (int    argc,
                     char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  const PuCliSpec spec = {
    .command = "identity to-keyring",
    .summary = N_("Move this device's private key from identity.key into the desktop "
                  "keyring (Secret Service); identity.keyring then names it."),
  };
  int status = pu_cli_parse_open (&spec, &args, argc, argv, &profile);

  if (status >= 0)
    return status;

  if (!pu_secret_is_available ())
    return pu_cli_fail_printf (_("No desktop keyring answers on the session bus; the key "
                                 "stays in identity.key"));
  if (!pu_profile_move_identity_to_keyring (profile, &error))
    return pu_cli_fail (error);
  g_print (_("The private key is now in the desktop keyring\n"));
  return PU_CLI_EXIT_OK;
}

static int
identity_export_file (int    argc,
                      char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  g_autofree char *path = NULL;
  const PuCliSpec spec = {
    .command = "identity export-file",
    .summary = N_("Move this device's private key from the desktop keyring back to "
                  "identity.key (mode 0600), e.g. to run `peerup daemon` without a desktop."),
  };
  int status = pu_cli_parse_open (&spec, &args, argc, argv, &profile);

  if (status >= 0)
    return status;

  if (!pu_profile_move_identity_to_file (profile, &error))
    return pu_cli_fail (error);
  path = pu_config_get_identity_path (pu_profile_get_config (profile));
  g_print (_("The private key is now in %s\n"), path);
  return PU_CLI_EXIT_OK;
}

int
pu_cli_identity (int    argc,
                 char **argv)
{
  static const PuCliCommand commands[] = {
    { "export-file", N_("Move the private key back to identity.key"), identity_export_file },
    { "to-keyring", N_("Move the private key into the desktop keyring"), identity_to_keyring },
    { "where", N_("Tell where the private key is kept"), identity_where },
    { NULL, NULL, NULL }
  };

  return pu_cli_run_group ("identity", N_("Keep this device's private key in identity.key or "
                                          "in the desktop keyring."),
                           commands, argc, argv);
}
