/* pu-cli-common.c — option parsing, errors and output for every command
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-cli-private.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <signal.h>
#include <string.h>

#include "pu-qr.h"

void
pu_cli_args_clear (PuCliArgs *args)
{
  g_clear_pointer (&args->config_path, g_free);
  g_clear_pointer (&args->args, g_strfreev);
  args->n_args = 0;
  args->json = FALSE;
}

/* Messages quote files and arguments: keep each on one line, and never let
 * them send control sequences to the terminal. */
static void
print_error_line (const char *message)
{
  g_autofree char *line = g_strdup (message);

  for (char *p = line; *p != '\0'; p++)
    if ((guchar) *p < 0x20 || *p == 0x7f)
      *p = ' ';
  g_printerr ("peerup: %s\n", line);
}

int
pu_cli_fail (const GError *error)
{
  print_error_line (error->message);
  return PU_CLI_EXIT_FAILURE;
}

int
pu_cli_fail_printf (const char *format,
                    ...)
{
  g_autofree char *message = NULL;
  va_list ap;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  print_error_line (message);
  return PU_CLI_EXIT_FAILURE;
}

int
pu_cli_usage_error (const char *command,
                    const char *format,
                    ...)
{
  g_autofree char *message = NULL;
  va_list ap;

  va_start (ap, format);
  message = g_strdup_vprintf (format, ap);
  va_end (ap);
  print_error_line (message);
  if (command != NULL)
    g_printerr (_("Try 'peerup %s --help'.\n"), command);
  else
    g_printerr (_("Try 'peerup --help'.\n"));
  return PU_CLI_EXIT_USAGE;
}

int
pu_cli_parse (const PuCliSpec  *spec,
              PuCliArgs        *args,
              int               argc,
              char            **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strconcat ("peerup ", spec->command, NULL);
  g_auto(GStrv) strv = NULL;
  g_autoptr(GPtrArray) positional = NULL;
  gboolean seen_separator = FALSE;
  gboolean help = FALSE;
  const GOptionEntry common_entries[] = {
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &args->config_path,
      N_("Use FILE as config.ini (identity.key and authorized_keys beside it)"), N_("FILE") },
    { "help", 'h', 0, G_OPTION_ARG_NONE, &help, N_("Show this help"), NULL },
    G_OPTION_ENTRY_NULL
  };
  const GOptionEntry json_entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &args->json, N_("Print JSON"), NULL },
    G_OPTION_ENTRY_NULL
  };

  /* The help text's usage line names the program. */
  g_set_prgname (prgname);

  context = g_option_context_new (spec->parameters != NULL ? _(spec->parameters) : NULL);
  /* Our own --help returns instead of exiting, and goes to stdout. */
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_set_summary (context, _(spec->summary));
  if (spec->entries != NULL)
    g_option_context_add_main_entries (context, spec->entries, GETTEXT_PACKAGE);
  if (spec->json)
    g_option_context_add_main_entries (context, json_entries, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, common_entries, GETTEXT_PACKAGE);

  strv = g_new0 (char *, (gsize) argc + 1);
  strv[0] = g_strdup (prgname);
  for (int i = 1; i < argc; i++)
    strv[i] = g_strdup (argv[i]);

  if (!g_option_context_parse_strv (context, &strv, &error))
    return pu_cli_usage_error (spec->command, "%s", error->message);

  if (help)
    {
      g_autofree char *text = g_option_context_get_help (context, TRUE, NULL);

      g_print ("%s", text);
      return PU_CLI_EXIT_OK;
    }

  /* GOption leaves the "--" that ended the options among the arguments. */
  positional = g_ptr_array_new_null_terminated (argc, g_free, TRUE);
  for (guint i = 1; strv[i] != NULL; i++)
    {
      if (!seen_separator && g_str_equal (strv[i], "--"))
        seen_separator = TRUE;
      else
        g_ptr_array_add (positional, g_strdup (strv[i]));
    }

  if (positional->len < spec->min_args)
    return pu_cli_usage_error (spec->command, _("Missing argument: expected %s"),
                               _(spec->parameters));
  if (positional->len > spec->max_args)
    return pu_cli_usage_error (spec->command, _("Unexpected argument “%s”"),
                               (const char *) g_ptr_array_index (positional, spec->max_args));

  args->n_args = positional->len;
  args->args = (GStrv) g_ptr_array_free (g_steal_pointer (&positional), FALSE);
  return -1;
}

void
pu_cli_print_commands (GString            *out,
                       const PuCliCommand *commands)
{
  int width = 0;

  for (const PuCliCommand *c = commands; c->name != NULL; c++)
    width = MAX (width, (int) strlen (c->name));
  for (const PuCliCommand *c = commands; c->name != NULL; c++)
    g_string_append_printf (out, "  %-*s  %s\n", width, c->name, _(c->summary));
}

static char *
group_help (const char         *group,
            const char         *summary,
            const PuCliCommand *commands)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, _("Usage:\n  peerup %s COMMAND [OPTION…]\n\n"), group);
  g_string_append_printf (out, "%s\n\n", _(summary));
  g_string_append (out, _("Commands:\n"));
  pu_cli_print_commands (out, commands);
  g_string_append_printf (out, _("\nRun 'peerup %s COMMAND --help' for a command's options.\n"),
                          group);
  return g_string_free (out, FALSE);
}

int
pu_cli_run_group (const char          *group,
                  const char          *summary,
                  const PuCliCommand  *commands,
                  int                  argc,
                  char               **argv)
{
  const char *name = argc > 1 ? argv[1] : NULL;

  if (name == NULL)
    {
      g_autofree char *help = group_help (group, summary, commands);

      g_printerr ("%s", help);
      return PU_CLI_EXIT_USAGE;
    }

  if (g_str_equal (name, "--help") || g_str_equal (name, "-h") || g_str_equal (name, "help"))
    {
      g_autofree char *help = group_help (group, summary, commands);

      g_print ("%s", help);
      return PU_CLI_EXIT_OK;
    }

  for (const PuCliCommand *c = commands; c->name != NULL; c++)
    if (g_str_equal (c->name, name))
      return c->run (argc - 1, argv + 1);

  return pu_cli_usage_error (group, _("Unknown command “%s %s”"), group, name);
}

char *
pu_cli_config_path (const PuCliArgs *args)
{
  if (args->config_path != NULL)
    return g_strdup (args->config_path);
  return pu_config_default_path ();
}

PuProfile *
pu_cli_open_profile (const PuCliArgs *args)
{
  g_autoptr(GError) error = NULL;
  PuProfile *profile = pu_profile_open (args->config_path, &error);

  if (profile == NULL)
    pu_cli_fail (error);
  return profile;
}

int
pu_cli_parse_open (const PuCliSpec  *spec,
                   PuCliArgs        *args,
                   int               argc,
                   char            **argv,
                   PuProfile       **profile)
{
  int status = pu_cli_parse (spec, args, argc, argv);

  if (status >= 0)
    return status;
  *profile = pu_cli_open_profile (args);
  return *profile != NULL ? -1 : PU_CLI_EXIT_FAILURE;
}

int
pu_cli_parse_open_peer (const PuCliSpec  *spec,
                        PuCliArgs        *args,
                        int               argc,
                        char            **argv,
                        PuProfile       **profile,
                        PuPeerId         *peer)
{
  int status = pu_cli_parse (spec, args, argc, argv);

  if (status >= 0)
    return status;
  *profile = pu_cli_open_profile_with_peer (args, args->args[0], peer);
  return *profile != NULL ? -1 : PU_CLI_EXIT_FAILURE;
}

int
pu_cli_list_section (const PuCliSpec    *spec,
                     PuCliSectionToJson  to_json,
                     PuCliSectionPrint   print,
                     const char         *empty,
                     int                 argc,
                     char              **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_autoptr(PuProfile) profile = NULL;
  PuConfig *config;
  int status = pu_cli_parse_open (spec, &args, argc, argv, &profile);

  if (status >= 0)
    return status;

  config = pu_profile_get_config (profile);
  if (args.json)
    pu_cli_print_json (to_json (config));
  else if (print (config, "") == 0)
    g_print ("%s\n", _(empty));
  return PU_CLI_EXIT_OK;
}

PuProfile *
pu_cli_open_profile_with_peer (const PuCliArgs *args,
                               const char      *text,
                               PuPeerId        *peer)
{
  g_autoptr(PuProfile) profile = pu_cli_open_profile (args);
  g_autoptr(GError) error = NULL;

  if (profile == NULL)
    return NULL;
  if (!pu_config_resolve_peer (pu_profile_get_config (profile), text, peer, &error))
    {
      pu_cli_fail (error);
      return NULL;
    }
  return g_steal_pointer (&profile);
}

void
pu_cli_print_json_line (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  json_node_unref (node);
  g_print ("%s\n", text);
}

void
pu_cli_print_json (JsonNode *node)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  json_node_unref (node);
  g_print ("%s\n", text);
}

void
pu_cli_json_add_string (JsonBuilder *builder,
                        const char  *member,
                        const char  *value)
{
  json_builder_set_member_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

char *
pu_cli_path_text (const char *kind,
                  const char *local_candidate,
                  const char *remote_candidate,
                  guint       ip_version)
{
  if (local_candidate == NULL || remote_candidate == NULL)
    return g_strdup (kind);
  return g_strdup_printf ("%s (%s→%s IPv%u)", kind, local_candidate, remote_candidate,
                          ip_version);
}

char *
pu_cli_describe_peer (PuConfig       *config,
                      const PuPeerId *peer)
{
  g_autofree char *id = pu_peer_id_to_string (peer);
  const char *name = config != NULL ? pu_config_name_for_peer (config, peer) : NULL;

  if (name != NULL)
    return g_strdup_printf ("%s (%s)", id, name);
  return g_steal_pointer (&id);
}

void
pu_cli_print_qr (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *qr = pu_qr_render_terminal (text, &error);

  /* The text is printed as well; a missing picture is not a failure. */
  if (qr == NULL)
    {
      pu_cli_fail (error);
      return;
    }
  g_print ("\n%s\n", qr);
}

static gboolean
interrupted_cb (gpointer user_data)
{
  PuCliLoop *loop = user_data;

  loop->interrupted = TRUE;
  pu_cli_loop_quit (loop, PU_CLI_EXIT_OK);
  return G_SOURCE_CONTINUE;
}

void
pu_cli_loop_init (PuCliLoop *loop)
{
  *loop = (PuCliLoop) { .loop = g_main_loop_new (NULL, FALSE) };
  loop->sigint_id = g_unix_signal_add (SIGINT, interrupted_cb, loop);
  loop->sigterm_id = g_unix_signal_add (SIGTERM, interrupted_cb, loop);
}

void
pu_cli_loop_clear (PuCliLoop *loop)
{
  g_clear_handle_id (&loop->sigint_id, g_source_remove);
  g_clear_handle_id (&loop->sigterm_id, g_source_remove);
  g_clear_pointer (&loop->loop, g_main_loop_unref);
}

void
pu_cli_loop_quit (PuCliLoop *loop,
                  int        status)
{
  loop->status = status;
  g_main_loop_quit (loop->loop);
}

int
pu_cli_loop_run (PuCliLoop *loop)
{
  g_main_loop_run (loop->loop);
  return loop->status;
}
