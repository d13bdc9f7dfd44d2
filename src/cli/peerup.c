/* peerup.c — the `peerup` command line
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gi18n.h>
#include <locale.h>

#include "pu-cli-private.h"
#include "pu-version.h"

static const PuCliCommand commands[] = {
  { "init", N_("Set up this device: identity, config.ini and authorized_keys"), pu_cli_init },
  { "whoami", N_("Show this device's peer ID"), pu_cli_whoami },
  { "identity", N_("Keep the private key in a file or in the desktop keyring"),
    pu_cli_identity },
  { "status", N_("Show this device, its relays, authorized peers, services and names"),
    pu_cli_status },
  { "auth", N_("Choose which peers may connect (authorized_keys)"), pu_cli_auth },
  { "service", N_("Choose which local services peers can reach"), pu_cli_service },
  { "relay", N_("Choose the relays this device uses"), pu_cli_relay },
  { "name", N_("Give peers short names"), pu_cli_name },
  { "config", N_("Check, show and roll back config.ini"), pu_cli_config },
  { "daemon", N_("Serve this device's services to its peers (runs until stopped)"),
    pu_cli_daemon },
  { "proxy", N_("Reach a peer's service on a local TCP port"), pu_cli_proxy },
  { "ping", N_("Measure the round trip to a peer"), pu_cli_ping },
  { "traceroute", N_("Show the hops to a peer: the relay, then the peer"), pu_cli_traceroute },
  { "invite", N_("Make a one-time code that pairs another device with this one"),
    pu_cli_invite },
  { "join", N_("Pair with the device that made an invite code"), pu_cli_join },
  { "verify", N_("Compare emoji with a peer and mark it as verified"), pu_cli_verify },
  { NULL, NULL, NULL }
};

static char *
main_help (void)
{
  GString *out = g_string_new (NULL);

  g_string_append (out, _("Usage:\n  peerup COMMAND [OPTION…]\n\n"));
  g_string_append (out, _("Reach your own machines through NATs and firewalls, "
                          "with a relay you host yourself.\n\n"));
  g_string_append (out, _("Commands:\n"));
  pu_cli_print_commands (out, commands);
  g_string_append (out, _("\nOptions:\n"
                          "  -h, --help     Show this help\n"
                          "  --version      Show the version\n\n"
                          "Every command takes --config FILE and --help; run "
                          "'peerup COMMAND --help' for its options.\n"));
  return g_string_free (out, FALSE);
}

int
main (int   argc,
      char *argv[])
{
  const char *name;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  if (argc < 2)
    {
      g_autofree char *help = main_help ();

      g_printerr ("%s", help);
      return PU_CLI_EXIT_USAGE;
    }

  name = argv[1];
  if (g_str_equal (name, "--version"))
    {
      g_print ("peerup %s (commit %s, built %s)\n", PU_VERSION, PU_GIT_COMMIT, PU_BUILD_DATE);
      return PU_CLI_EXIT_OK;
    }

  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") || g_str_equal (name, "help"))
    {
      g_autofree char *help = NULL;

      /* `peerup help auth add` is `peerup auth add --help`. */
      if (argc > 2)
        {
          g_autoptr(GPtrArray) sub = g_ptr_array_new ();

          for (int i = 2; i < argc; i++)
            g_ptr_array_add (sub, argv[i]);
          g_ptr_array_add (sub, (char *) "--help");
          g_ptr_array_add (sub, NULL);
          for (const PuCliCommand *c = commands; c->name != NULL; c++)
            if (g_str_equal (c->name, argv[2]))
              return c->run ((int) sub->len - 1, (char **) sub->pdata);
          return pu_cli_usage_error (NULL, _("Unknown command “%s”"), argv[2]);
        }

      help = main_help ();
      g_print ("%s", help);
      return PU_CLI_EXIT_OK;
    }

  for (const PuCliCommand *c = commands; c->name != NULL; c++)
    if (g_str_equal (c->name, name))
      return c->run (argc - 1, argv + 1);

  if (name[0] == '-')
    return pu_cli_usage_error (NULL, _("Unknown option %s"), name);
  return pu_cli_usage_error (NULL, _("Unknown command “%s”"), name);
}
