/* pu-cli-config.c — `peerup config`: check, show and roll back config.ini
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-cli-private.h"

#include <glib/gi18n.h>

#include "pu-file.h"

static int
config_validate (int    argc,
                 char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(PuConfig) config = NULL;
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;
  const PuCliSpec spec = {
    .command = "config validate",
    .parameters = N_("[FILE]"),
    .summary = N_("Check a config.ini (this device's by default) without changing anything."),
    .max_args = 1,
  };
  int status = pu_cli_parse (&spec, &args, argc, argv);

  if (status >= 0)
    return status;

  path = args.n_args == 1 ? g_strdup (args.args[0]) : pu_cli_config_path (&args);
  if (!pu_file_read_bounded (path, PU_CONFIG_FILE_MAX, &data, &len, &error))
    return pu_cli_fail (error);

  config = pu_config_load_from_data (path, data, len, &error);
  if (config == NULL)
    return pu_cli_fail (error);

  g_print (_("%s is valid\n"), path);
  return PU_CLI_EXIT_OK;
}

static int
config_show (int    argc,
             char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(PuConfig) config = NULL;
  g_autofree char *path = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;
  const PuCliSpec spec = {
    .command = "config show",
    .summary = N_("Print the path of config.ini, then its settings as Peer Up reads them."),
  };
  int status = pu_cli_parse (&spec, &args, argc, argv);

  if (status >= 0)
    return status;

  path = pu_cli_config_path (&args);
  config = pu_config_load (path, &error);
  if (config == NULL)
    return pu_cli_fail (error);

  data = pu_config_to_data (config, &len);
  g_print ("# %s\n%s", pu_config_get_path (config), data);
  if (len > 0 && data[len - 1] != '\n')
    g_print ("\n");
  return PU_CLI_EXIT_OK;
}

static int
config_archives (int    argc,
                 char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_auto(GStrv) archives = NULL;
  g_autofree char *path = NULL;
  const PuCliSpec spec = {
    .command = "config archives",
    .summary = N_("List the archived last-known-good copies of config.ini, newest first."),
  };
  int status = pu_cli_parse (&spec, &args, argc, argv);

  if (status >= 0)
    return status;

  path = pu_cli_config_path (&args);
  archives = pu_config_list_archives (path);
  if (archives[0] == NULL)
    g_print (_("No archived configs yet; one is kept each time the node starts well\n"));
  for (guint i = 0; archives[i] != NULL; i++)
    g_print ("%s\n", archives[i]);
  return PU_CLI_EXIT_OK;
}

static int
config_rollback (int    argc,
                 char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_auto(GStrv) archives = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  const char *archive;
  const PuCliSpec spec = {
    .command = "config rollback",
    .parameters = N_("[ARCHIVE]"),
    .summary = N_("Put back an archived config.ini (the newest by default); see "
                  "`peerup config archives`."),
    .max_args = 1,
  };
  int status = pu_cli_parse (&spec, &args, argc, argv);

  if (status >= 0)
    return status;

  path = pu_cli_config_path (&args);
  archives = pu_config_list_archives (path);
  archive = args.n_args == 1 ? args.args[0] : archives[0];
  if (archive == NULL)
    return pu_cli_fail_printf (_("No archived config to roll back to beside %s"), path);

  if (!pu_config_rollback (path, archive, &error))
    return pu_cli_fail (error);

  g_print (_("Restored %s from %s\n"), path, archive);
  return PU_CLI_EXIT_OK;
}

int
pu_cli_config (int    argc,
               char **argv)
{
  static const PuCliCommand commands[] = {
    { "archives", N_("List archived configs"), config_archives },
    { "rollback", N_("Restore an archived config"), config_rollback },
    { "show", N_("Print the config"), config_show },
    { "validate", N_("Check a config file"), config_validate },
    { NULL, NULL, NULL }
  };

  return pu_cli_run_group ("config", N_("Check, show and roll back config.ini."),
                           commands, argc, argv);
}
