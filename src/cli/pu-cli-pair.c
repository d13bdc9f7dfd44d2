/* pu-cli-pair.c — `peerup invite` and `peerup join`: pairing two devices
 * with a one-time code
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-cli-private.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "pu-error.h"
#include "pu-label.h"
#include "pu-pair-session.h"
#include "pu-pairing.h"
#include "pu-relay-frame.h"
#include "pu-time.h"

/* What `peerup invite` shows once its code is ready. */
typedef struct {
  gboolean non_interactive;
  gint64   ttl;
} Invite;

static void
finished_cb (PuPairSession *session,
             const GError  *error,
             PuCliLoop     *loop)
{
  pu_cli_loop_quit (loop, error != NULL ? PU_CLI_EXIT_FAILURE : PU_CLI_EXIT_OK);
}

static void
wrong_code_cb (PuPairSession *session,
               guint          failures,
               gpointer       user_data)
{
  g_printerr (_("A device tried a wrong code (%u of %u attempts)\n"), failures,
              PU_PAIRING_MAX_FAILURES);
}

/* A relay pairing group's code: the relay itself invited. */
static void
print_group (PuProfile     *profile,
             PuPairSession *session)
{
  g_autofree char *name = pu_profile_dup_device_name (profile);
  guint n;
  const PuRelayMember *members = pu_pair_session_get_members (session, &n);

  g_print (_("Joined the relay's group as %s\n"), name);
  for (guint i = 0; i < n; i++)
    g_print (_("Paired with %s\n"), members[i].name);
  g_print (_("The others are added as they join, when this device connects to the relay.\n"));
}

/* After success: what the other device is called here, its SAS, what next. */
static void
print_paired (PuProfile     *profile,
              PuPairSession *session)
{
  const PuPeerId *peer = pu_pair_session_get_peer (session);
  const char *name = pu_pair_session_get_name (session);
  g_autofree char *id = pu_peer_id_to_string (peer);

  g_print (_("Paired with %s (%s)\n"), name, id);
  g_print (_("Check that the other device shows the same emoji and number:\n"));
  pu_cli_sas_print (pu_identity_get_peer_id (pu_profile_get_identity (profile)), peer);
  g_print (_("If they match, run `peerup verify %s --yes` on both devices.\n"), name);
  g_print (_("Try: peerup ping %s\n"), name);
}

/* Inviter: whether the relay took the new device on. */
static void
print_sponsored (PuPairSession *session)
{
  g_autofree char *id = pu_peer_id_to_string (pu_pair_session_get_peer (session));

  switch (pu_pair_session_get_sponsor_status (session))
    {
    case PU_RELAY_SPONSOR_OK:
      g_print (_("The relay now serves %s too.\n"), pu_pair_session_get_name (session));
      break;
    case PU_RELAY_SPONSOR_DENIED:
      g_printerr (_("The relay does not let this device invite others; its operator can add "
                    "the new device with `peerup relay authorize %s`\n"), id);
      break;
    case PU_RELAY_SPONSOR_INVALID:
      g_printerr (_("The relay refused to add the new device (check this device's clock); its "
                    "operator can add it with `peerup relay authorize %s`\n"), id);
      break;
    default:
      break;
    }
}

/* Runs @session to its end and tells how it went. */
static int
run_pairing (PuCliLoop     *loop,
             PuProfile     *profile,
             PuPairSession *session)
{
  int status;

  g_signal_connect (session, "finished", G_CALLBACK (finished_cb), loop);
  g_signal_connect (session, "wrong-code", G_CALLBACK (wrong_code_cb), NULL);
  status = pu_cli_loop_run (loop);
  g_signal_handlers_disconnect_by_data (session, loop);
  pu_pair_session_cancel (session);
  /* Let the last message go out before the process ends. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  if (loop->interrupted)
    return pu_cli_fail_printf (_("Pairing interrupted"));
  if (pu_pair_session_get_state (session) != PU_PAIR_SESSION_DONE)
    return pu_cli_fail (pu_pair_session_get_error (session));
  if (pu_pair_session_get_peer (session) == NULL)
    {
      print_group (profile, session);
      return status;
    }
  print_paired (profile, session);
  print_sponsored (session);
  return status;
}

static gboolean
check_name (const char *name)
{
  g_autoptr(GError) error = NULL;

  if (name == NULL || pu_label_validate (name, _("peer name"), &error))
    return TRUE;
  g_prefix_error (&error, "--name: ");
  pu_cli_fail (error);
  return FALSE;
}

/* The code is ready: how the other device joins. */
static void
ready_cb (PuPairSession *session,
          Invite        *invite)
{
  const PuInviteCode *code = pu_pair_session_get_invite_code (session);
  const char *text = pu_pair_session_get_code (session);
  g_autofree char *ttl_shown = pu_duration_format (invite->ttl);

  if (invite->non_interactive)
    {
      g_print ("%s\n", text);
      fflush (stdout);
      g_printerr (_("Waiting for the other device (the code works for %s)…\n"), ttl_shown);
      return;
    }
  if (code->kind == PU_INVITE_CODE_SHORT)
    {
      g_autofree char *relay_text = pu_relay_addr_to_string (code->relay);

      g_print (_("On the other device, run:\n\n  peerup join %s --relay %s\n"), text,
               relay_text);
    }
  else
    {
      g_print (_("On the other device, run:\n\n  peerup join %s\n"), text);
      if (isatty (STDOUT_FILENO))
        {
          g_print (_("\nor scan:\n"));
          pu_cli_print_qr (pu_pair_session_get_uri (session));
        }
    }
  g_print (_("\nWaiting for the other device (the code works for %s)…\n"), ttl_shown);
}

int
pu_cli_invite (int    argc,
               char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_auto(PuCliLoop) loop = { 0 };
  g_autoptr(PuProfile) profile = NULL;
  g_autoptr(PuPairSession) session = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *ttl_text = NULL;
  gboolean short_code = FALSE;
  Invite invite = { FALSE, PU_PAIR_SESSION_DEFAULT_TTL_SECONDS };
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      N_("Call the other device NAME here (default: the name it gives)"), N_("NAME") },
    { "short", 0, 0, G_OPTION_ARG_NONE, &short_code,
      N_("Make a short code to read aloud (7-purple-sausage); the other device must use "
         "the same relay"), NULL },
    { "ttl", 0, 0, G_OPTION_ARG_STRING, &ttl_text,
      N_("How long the code works: 90s, 10m, 1h… (default 10m, at most 24h)"), N_("D") },
    { "non-interactive", 0, 0, G_OPTION_ARG_NONE, &invite.non_interactive,
      N_("Print only the code on stdout (no QR), progress on stderr"), NULL },
    G_OPTION_ENTRY_NULL
  };
  const PuCliSpec spec = {
    .command = "invite",
    .summary = N_("Make a one-time code for another device and wait until it joins with "
                  "`peerup join CODE`; then each device authorizes and names the other, and "
                  "this device asks its relay to serve the other one too."),
    .entries = entries,
  };
  int status = pu_cli_parse (&spec, &args, argc, argv);

  if (status >= 0)
    return status;
  if (ttl_text != NULL && !pu_duration_parse (ttl_text, &invite.ttl, &error))
    return pu_cli_usage_error (spec.command, "--ttl: %s", error->message);
  if (invite.ttl < 1 || invite.ttl > PU_PAIR_SESSION_MAX_TTL_SECONDS)
    return pu_cli_usage_error (spec.command, _("--ttl: a code works for 1 second to 24 hours"));
  if (!check_name (name))
    return PU_CLI_EXIT_USAGE;

  profile = pu_cli_open_profile (&args);
  if (profile == NULL)
    return PU_CLI_EXIT_FAILURE;
  session = short_code ? pu_pair_session_invite_short (profile, name, invite.ttl, &error)
                       : pu_pair_session_invite (profile, name, invite.ttl, &error);
  if (session == NULL)
    return pu_cli_fail (error);
  pu_cli_loop_init (&loop);
  g_signal_connect (session, "ready", G_CALLBACK (ready_cb), &invite);
  return run_pairing (&loop, profile, session);
}

/* The code: the argument, else $PEERUP_INVITE_CODE, else one line of stdin. */
static char *
read_code (const PuCliArgs *args)
{
  char line[PU_INVITE_TEXT_MAX + 2];
  const char *env = g_getenv ("PEERUP_INVITE_CODE");

  if (args->n_args == 1)
    return g_strdup (args->args[0]);
  if (env != NULL)
    return g_strdup (env);
  if (isatty (STDIN_FILENO))
    {
      g_print (_("Invite code: "));
      fflush (stdout);
    }
  if (fgets (line, sizeof line, stdin) == NULL)
    return g_strdup ("");
  return g_strdup (line);
}

int
pu_cli_join (int    argc,
             char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_auto(PuCliLoop) loop = { 0 };
  g_autoptr(PuProfile) profile = NULL;
  g_autoptr(PuPairSession) session = NULL;
  g_autoptr(PuInviteCode) code = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;
  g_autofree char *relay_arg = NULL;
  g_autoptr(PuRelayAddr) relay_addr = NULL;
  gboolean non_interactive = FALSE;
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      N_("Call the other device NAME here (default: the name it gives)"), N_("NAME") },
    { "relay", 0, 0, G_OPTION_ARG_STRING, &relay_arg,
      N_("For a short code: the inviting device's relay (default: this device's first)"),
      N_("ADDR") },
    { "non-interactive", 0, 0, G_OPTION_ARG_NONE, &non_interactive,
      N_("Never prompt for the code (read it from PEERUP_INVITE_CODE or stdin)"), NULL },
    G_OPTION_ENTRY_NULL
  };
  const PuCliSpec spec = {
    .command = "join",
    .parameters = N_("[CODE]"),
    .summary = N_("Pair with the device that showed CODE (`peerup invite` there); the code "
                  "may also come from PEERUP_INVITE_CODE or one line of stdin. Each device "
                  "then authorizes and names the other. A short code (7-purple-sausage) goes "
                  "through this device's relay or --relay."),
    .entries = entries,
    .max_args = 1,
  };
  int status = pu_cli_parse (&spec, &args, argc, argv);

  if (status >= 0)
    return status;
  if (!check_name (name))
    return PU_CLI_EXIT_USAGE;

  /* Everything about the code is checked before any network use. */
  if (non_interactive && args.n_args == 0 && g_getenv ("PEERUP_INVITE_CODE") == NULL &&
      isatty (STDIN_FILENO))
    return pu_cli_usage_error (spec.command, _("Missing argument: expected CODE"));
  text = read_code (&args);
  code = pu_invite_code_parse (text, &error);
  if (code == NULL)
    return pu_cli_fail (error);
  if (relay_arg != NULL && code->kind == PU_INVITE_CODE_FULL)
    return pu_cli_usage_error (spec.command, _("--relay: a full code names its relay"));
  if (relay_arg != NULL)
    {
      relay_addr = pu_relay_addr_parse (relay_arg, NULL, &error);
      if (relay_addr == NULL)
        return pu_cli_usage_error (spec.command, "--relay: %s", error->message);
    }

  profile = pu_cli_open_profile (&args);
  if (profile == NULL)
    return PU_CLI_EXIT_FAILURE;
  session = pu_pair_session_join_code (profile, code, relay_addr, name, &error);
  if (session == NULL && code->kind == PU_INVITE_CODE_SHORT &&
      g_error_matches (error, PU_ERROR, PU_ERROR_NOT_FOUND))
    return pu_cli_fail_printf (_("A short code needs the inviting device's relay: give it with "
                                 "--relay ADDR"));
  if (session == NULL)
    return pu_cli_fail (error);
  if (!non_interactive)
    {
      g_autofree char *relay_text = pu_relay_addr_to_string (pu_pair_session_get_relay
                                                               (session));

      g_print (_("Joining through the relay %s…\n"), relay_text);
    }
  pu_cli_loop_init (&loop);
  return run_pairing (&loop, profile, session);
}
