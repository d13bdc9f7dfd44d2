/* pu-cli-pair.c — `peerup invite` and `peerup join`: pairing two devices
 * with a one-time code
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-cli-private.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pu-label.h"
#include "pu-pairing.h"
#include "pu-relay-client.h"
#include "pu-relay-frame.h"
#include "pu-time.h"

#define DEFAULT_TTL_SECONDS (10 * 60)
#define MAX_TTL_SECONDS (24 * 60 * 60)

typedef struct {
  PuCliLoop     *loop;
  PuRelayClient *relay;
  gboolean       connected;
  GError        *error;     /* why the relay could not be reached */
  gboolean       finished;
  GError        *result;    /* why pairing failed */
} Run;

static void
run_clear (Run *run)
{
  g_clear_error (&run->error);
  g_clear_error (&run->result);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static void
relay_connected_cb (PuRelayClient *relay,
                    Run           *run)
{
  run->connected = TRUE;
  g_main_loop_quit (run->loop->loop);
}

/* Before the first connection, a failure to reach the relay ends the
 * command; afterwards the client reconnects by itself. */
static void
relay_disconnected_cb (PuRelayClient *relay,
                       const GError  *error,
                       Run           *run)
{
  if (run->connected || error == NULL || run->error != NULL)
    return;
  run->error = g_error_copy (error);
  g_main_loop_quit (run->loop->loop);
}

static void
finished_cb (PuPairing    *pairing,
             const GError *error,
             Run          *run)
{
  run->finished = TRUE;
  if (error != NULL)
    run->result = g_error_copy (error);
  pu_cli_loop_quit (run->loop, error != NULL ? PU_CLI_EXIT_FAILURE : PU_CLI_EXIT_OK);
}

static void
wrong_code_cb (PuPairing *pairing,
               guint      failures,
               Run       *run)
{
  g_printerr (_("A device tried a wrong code (%u of %u attempts)\n"), failures,
              PU_PAIRING_MAX_FAILURES);
}

/* Connects @relay and waits for it; FALSE when it could not be reached. */
static gboolean
connect_relay (Run               *run,
               const PuRelayAddr *address)
{
  g_autofree char *text = pu_relay_addr_to_string (address);

  g_signal_connect (run->relay, "connected", G_CALLBACK (relay_connected_cb), run);
  g_signal_connect (run->relay, "disconnected", G_CALLBACK (relay_disconnected_cb), run);
  pu_relay_client_start (run->relay);
  pu_cli_loop_run (run->loop);
  g_signal_handlers_disconnect_by_data (run->relay, run);
  if (run->connected)
    return TRUE;
  if (run->error != NULL)
    pu_cli_fail_printf (_("Could not reach the relay %s: %s"), text, run->error->message);
  return FALSE;
}

/* After success: what the other device is called here, its SAS, what next. */
static void
print_paired (PuProfile *profile,
              PuPairing *pairing)
{
  const PuPeerId *peer = pu_pairing_get_peer (pairing);
  const char *name = pu_pairing_get_name (pairing);
  g_autofree char *id = pu_peer_id_to_string (peer);

  g_print (_("Paired with %s (%s)\n"), name, id);
  g_print (_("Check that the other device shows the same emoji and number:\n"));
  pu_cli_sas_print (pu_identity_get_peer_id (pu_profile_get_identity (profile)), peer);
  g_print (_("If they match, run `peerup verify %s --yes` on both devices.\n"), name);
  g_print (_("Try: peerup ping %s\n"), name);
}

/* Inviter: whether the relay took the new device on. */
static void
print_sponsored (PuPairing *pairing)
{
  g_autofree char *id = pu_peer_id_to_string (pu_pairing_get_peer (pairing));

  switch (pu_pairing_get_sponsor_status (pairing))
    {
    case PU_RELAY_SPONSOR_OK:
      g_print (_("The relay now serves %s too.\n"), pu_pairing_get_name (pairing));
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

static int
run_pairing (Run       *run,
             PuProfile *profile,
             PuPairing *pairing)
{
  int status;

  g_signal_connect (pairing, "finished", G_CALLBACK (finished_cb), run);
  g_signal_connect (pairing, "wrong-code", G_CALLBACK (wrong_code_cb), run);
  status = pu_cli_loop_run (run->loop);
  pu_relay_client_stop (run->relay);
  /* Let the last message go out before the process ends. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  if (run->loop->interrupted)
    return pu_cli_fail_printf (_("Pairing interrupted"));
  if (run->result != NULL)
    return pu_cli_fail (run->result);
  print_paired (profile, pairing);
  print_sponsored (pairing);
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

int
pu_cli_invite (int    argc,
               char **argv)
{
  g_auto(PuCliArgs) args = { 0 };
  g_auto(PuCliLoop) loop = { 0 };
  g_autoptr(PuProfile) profile = NULL;
  g_autoptr(PuRelayClient) relay = NULL;
  g_autoptr(PuInviteCode) code = NULL;
  g_autoptr(PuPairing) pairing = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *ttl_text = NULL;
  g_autofree char *text = NULL;
  g_autofree char *ttl_shown = NULL;
  const PuRelayAddr *address = NULL;
  PuIdentity *identity;
  GPtrArray *relays;
  gboolean non_interactive = FALSE;
  gint64 ttl = DEFAULT_TTL_SECONDS;
  Run run = { &loop };
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      N_("Call the other device NAME here (default: the name it gives)"), N_("NAME") },
    { "ttl", 0, 0, G_OPTION_ARG_STRING, &ttl_text,
      N_("How long the code works: 90s, 10m, 1h… (default 10m, at most 24h)"), N_("D") },
    { "non-interactive", 0, 0, G_OPTION_ARG_NONE, &non_interactive,
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
  if (ttl_text != NULL && !pu_duration_parse (ttl_text, &ttl, &error))
    return pu_cli_usage_error (spec.command, "--ttl: %s", error->message);
  if (ttl < 1 || ttl > MAX_TTL_SECONDS)
    return pu_cli_usage_error (spec.command, _("--ttl: a code works for 1 second to 24 hours"));
  if (!check_name (name))
    return PU_CLI_EXIT_USAGE;

  profile = pu_cli_open_profile (&args);
  if (profile == NULL)
    return PU_CLI_EXIT_FAILURE;

  relays = pu_config_get_relays (pu_profile_get_config (profile));
  for (guint i = 0; i < relays->len && address == NULL; i++)
    if (((PuRelayAddr *) g_ptr_array_index (relays, i))->has_peer_id)
      address = g_ptr_array_index (relays, i);
  if (address == NULL)
    return pu_cli_fail_printf (_("Pairing goes through a relay pinned to its peer ID: add one "
                                 "with `peerup relay add ADDR --peer-id ID`"));

  identity = pu_profile_get_identity (profile);
  relay = pu_relay_client_new (identity, address, FALSE, &error);
  if (relay == NULL)
    return pu_cli_fail (error);

  pu_cli_loop_init (&loop);
  run.relay = relay;
  if (!connect_relay (&run, address))
    {
      run_clear (&run);
      return PU_CLI_EXIT_FAILURE;
    }

  code = pu_invite_code_new_full (address, pu_identity_get_peer_id (identity),
                                  pu_relay_client_get_instance (relay), now_seconds () + ttl,
                                  pu_config_get_network (pu_profile_get_config (profile)));
  pairing = pu_pairing_new_inviter (profile, relay, code, name);
  text = pu_invite_code_to_string (code);
  ttl_shown = pu_duration_format (ttl);
  if (non_interactive)
    {
      g_print ("%s\n", text);
      fflush (stdout);
      g_printerr (_("Waiting for the other device (the code works for %s)…\n"), ttl_shown);
    }
  else
    {
      g_autofree char *uri = pu_invite_code_to_uri (code);

      g_print (_("On the other device, run:\n\n  peerup join %s\n"), text);
      if (isatty (STDOUT_FILENO))
        {
          g_print (_("\nor scan:\n"));
          pu_cli_print_qr (uri);
        }
      g_print (_("\nWaiting for the other device (the code works for %s)…\n"), ttl_shown);
    }

  status = run_pairing (&run, profile, pairing);
  run_clear (&run);
  return status;
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
  g_autoptr(PuRelayClient) relay = NULL;
  g_autoptr(PuInviteCode) code = NULL;
  g_autoptr(PuPairing) pairing = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;
  g_autofree char *relay_text = NULL;
  PuIdentity *identity;
  gboolean non_interactive = FALSE;
  Run run = { &loop };
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      N_("Call the other device NAME here (default: the name it gives)"), N_("NAME") },
    { "non-interactive", 0, 0, G_OPTION_ARG_NONE, &non_interactive,
      N_("Never prompt for the code (read it from PEERUP_INVITE_CODE or stdin)"), NULL },
    G_OPTION_ENTRY_NULL
  };
  const PuCliSpec spec = {
    .command = "join",
    .parameters = N_("[CODE]"),
    .summary = N_("Pair with the device that showed CODE (`peerup invite` there); the code "
                  "may also come from PEERUP_INVITE_CODE or one line of stdin. Each device "
                  "then authorizes and names the other."),
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
  if (code == NULL || !pu_invite_code_check_expiry (code, now_seconds (), &error))
    return pu_cli_fail (error);
  if (code->kind == PU_INVITE_CODE_SHORT)
    return pu_cli_fail_printf (_("This version of Peer Up joins with the full code only; ask "
                                 "the other device for it"));

  profile = pu_cli_open_profile (&args);
  if (profile == NULL)
    return PU_CLI_EXIT_FAILURE;
  identity = pu_profile_get_identity (profile);
  if (pu_peer_id_equal (&code->inviter, pu_identity_get_peer_id (identity)))
    return pu_cli_fail_printf (_("This code was made on this device; run `peerup join` on "
                                 "the other device"));

  relay = pu_relay_client_new (identity, code->relay, FALSE, &error);
  if (relay == NULL)
    return pu_cli_fail (error);
  /* A device the relay does not know yet may still pair through it. */
  pu_relay_client_set_pairing (relay, TRUE);
  pu_cli_loop_init (&loop);
  run.relay = relay;
  relay_text = pu_relay_addr_to_string (code->relay);
  if (!non_interactive)
    g_print (_("Joining through the relay %s…\n"), relay_text);
  if (!connect_relay (&run, code->relay))
    {
      run_clear (&run);
      return PU_CLI_EXIT_FAILURE;
    }

  pairing = pu_pairing_new_joiner (profile, relay, code, name);
  status = run_pairing (&run, profile, pairing);
  run_clear (&run);
  return status;
}
