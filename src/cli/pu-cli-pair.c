/* pu-cli-pair.c — `peerup invite` and `peerup join`: pairing two devices
 * with a one-time code
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-cli-private.h"

#include <glib/gi18n.h>
#include <stdio.h>
#include <unistd.h>

#include "pu-label.h"
#include "pu-pair-session.h"
#include "pu-pairing.h"
#include "pu-relay-frame.h"
#include "pu-time.h"


static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* After success: what the other device is called here, its SAS, what next. */
static void
print_paired (PuProfile      *profile,
              const PuPeerId *peer,
              const char     *name)
{
  g_autofree char *id = pu_peer_id_to_string (peer);

  g_print (_("Paired with %s (%s)\n"), name, id);
  g_print (_("Check that the other device shows the same emoji and number:\n"));
  pu_cli_sas_print (pu_identity_get_peer_id (pu_profile_get_identity (profile)), peer);
  g_print (_("If they match, run `peerup verify %s --yes` on both devices.\n"), name);
  g_print (_("Try: peerup ping %s\n"), name);
}

/* Joined a relay pairing group: the members the relay introduced. */
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

/* Inviter: whether the relay took the new device on (a PuRelaySponsorStatus,
 * or -1). */
static void
print_sponsored (const PuPeerId *peer,
                 const char     *name,
                 gint            status)
{
  g_autofree char *id = pu_peer_id_to_string (peer);

  switch (status)
    {
    case PU_RELAY_SPONSOR_OK:
      g_print (_("The relay now serves %s too.\n"), name);
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

/* A pairing as the command shows it, run here or by the running core. */
typedef struct {
  PuCliLoop *loop;
  gboolean   non_interactive;
  gint64     ttl;           /* inviter */
  gboolean   finished;
  GError    *result;        /* why pairing failed */
} Pair;

/* Inviter: the code to give the other device; @uri NULL for a short code,
 * which is joined through @relay. */
static void
print_code (Pair              *pair,
            const char        *text,
            const char        *uri,
            const PuRelayAddr *relay)
{
  g_autofree char *ttl_shown = pu_duration_format (pair->ttl);

  if (pair->non_interactive)
    {
      g_print ("%s\n", text);
      fflush (stdout);
      g_printerr (_("Waiting for the other device (the code works for %s)…\n"), ttl_shown);
      return;
    }
  if (uri == NULL)
    {
      g_autofree char *relay_text = pu_relay_addr_to_string (relay);

      g_print (_("On the other device, run:\n\n  peerup join %s --relay %s\n"), text,
               relay_text);
    }
  else
    {
      g_print (_("On the other device, run:\n\n  peerup join %s\n"), text);
      if (isatty (STDOUT_FILENO))
        {
          g_print (_("\nor scan:\n"));
          pu_cli_print_qr (uri);
        }
    }
  g_print (_("\nWaiting for the other device (the code works for %s)…\n"), ttl_shown);
}

static void
print_wrong_code (guint failures)
{
  g_printerr (_("A device tried a wrong code (%u of %u attempts)\n"), failures,
              PU_PAIRING_MAX_FAILURES);
}

/* Inviter: the relay is reached, the code is known. */
static void
session_ready_cb (PuPairSession *session,
                  Pair          *pair)
{
  print_code (pair, pu_pair_session_get_code (session), pu_pair_session_get_uri (session),
              pu_pair_session_get_relay (session));
}

static void
session_wrong_code_cb (PuPairSession *session,
                       guint          failures,
                       Pair          *pair)
{
  print_wrong_code (failures);
}

static void
session_finished_cb (PuPairSession *session,
                     const GError  *error,
                     Pair          *pair)
{
  pair->finished = TRUE;
  if (error != NULL)
    pair->result = g_error_copy (error);
  pu_cli_loop_quit (pair->loop, error != NULL ? PU_CLI_EXIT_FAILURE : PU_CLI_EXIT_OK);
}

/* Runs @session (NULL: it could not start, @error says why) to its end. */
static int
run_session (Pair          *pair,
             PuProfile     *profile,
             PuPairSession *session,
             const GError  *error)
{
  int status;

  if (session == NULL)
    return pu_cli_fail (error);
  g_signal_connect (session, "ready", G_CALLBACK (session_ready_cb), pair);
  g_signal_connect (session, "wrong-code", G_CALLBACK (session_wrong_code_cb), pair);
  g_signal_connect (session, "finished", G_CALLBACK (session_finished_cb), pair);
  status = pu_cli_loop_run (pair->loop);
  g_signal_handlers_disconnect_by_data (session, pair);
  if (!pair->finished)
    pu_pair_session_cancel (session);
  /* Let the last message go out before the process ends. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  if (pair->loop->interrupted)
    status = pu_cli_fail_printf (_("Pairing interrupted"));
  else if (pair->result != NULL)
    status = pu_cli_fail (pair->result);
  else if (pu_pair_session_get_peer (session) == NULL)
    print_group (profile, session);
  else
    {
      print_paired (profile, pu_pair_session_get_peer (session),
                    pu_pair_session_get_name (session));
      if (pu_pair_session_is_inviter (session))
        print_sponsored (pu_pair_session_get_peer (session), pu_pair_session_get_name (session),
                         pu_pair_session_get_sponsor_status (session));
    }
  g_clear_error (&pair->result);
  return status;
}

/* A pairing the running core makes: what it signals about it. */
typedef struct {
  Pair      *pair;
  char      *handle;   /* once the core answered */
  GPtrArray *finished; /* a{sv} of the pairings that ended meanwhile */
  GVariant  *outcome;  /* ours */
} CorePair;

static void
core_pair_clear (CorePair *core_pair)
{
  g_clear_pointer (&core_pair->handle, g_free);
  g_clear_pointer (&core_pair->finished, g_ptr_array_unref);
  g_clear_pointer (&core_pair->outcome, g_variant_unref);
}

static void
core_check (CorePair *core_pair)
{
  for (guint i = 0; core_pair->handle != NULL && core_pair->outcome == NULL &&
       i < core_pair->finished->len; i++)
    {
      const char *handle = NULL;

      if (g_variant_lookup (core_pair->finished->pdata[i], "handle", "&s", &handle) &&
          g_str_equal (handle, core_pair->handle))
        {
          core_pair->outcome = g_variant_ref (core_pair->finished->pdata[i]);
          pu_cli_loop_quit (core_pair->pair->loop, PU_CLI_EXIT_OK);
        }
    }
}

static void
core_finished_cb (PuPeerUp1 *core,
                  GVariant  *info,
                  CorePair  *core_pair)
{
  g_ptr_array_add (core_pair->finished, g_variant_ref (info));
  core_check (core_pair);
}

static void
core_wrong_code_cb (PuPeerUp1  *core,
                    const char *handle,
                    guint       failures,
                    CorePair   *core_pair)
{
  if (g_strcmp0 (handle, core_pair->handle) == 0)
    print_wrong_code (failures);
}

static void
core_pair_watch (CorePair  *core_pair,
                 Pair      *pair,
                 PuPeerUp1 *core)
{
  core_pair->pair = pair;
  core_pair->finished = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  g_signal_connect (core, "pairing-finished", G_CALLBACK (core_finished_cb), core_pair);
  g_signal_connect (core, "pairing-wrong-code", G_CALLBACK (core_wrong_code_cb), core_pair);
}

/* Waits for the core's pairing @core_pair->handle to end. */
static int
run_core (CorePair  *core_pair,
          PuProfile *profile,
          PuPeerUp1 *core)
{
  const char *message = NULL;
  const char *peer_text = NULL;
  const char *name = NULL;
  const char *role = NULL;
  const char *serves = NULL;
  PuPeerId peer;

  core_check (core_pair);
  if (core_pair->outcome == NULL)
    pu_cli_loop_run (core_pair->pair->loop);
  g_signal_handlers_disconnect_by_data (core, core_pair);
  if (core_pair->pair->loop->interrupted)
    {
      pu_peer_up1_call_cancel_pairing_sync (core, core_pair->handle, G_DBUS_CALL_FLAGS_NONE, -1,
                                            NULL, NULL);
      return pu_cli_fail_printf (_("Pairing interrupted"));
    }
  if (g_variant_lookup (core_pair->outcome, "message", "&s", &message))
    return pu_cli_fail_printf ("%s", message);
  if (!g_variant_lookup (core_pair->outcome, "peer_id", "&s", &peer_text) ||
      !g_variant_lookup (core_pair->outcome, "name", "&s", &name) ||
      !pu_peer_id_parse (peer_text, &peer, NULL))
    return pu_cli_fail_printf (_("The running Peer Up core gave no result; see its log"));
  print_paired (profile, &peer, name);
  g_variant_lookup (core_pair->outcome, "role", "&s", &role);
  g_variant_lookup (core_pair->outcome, "relay_serves", "&s", &serves);
  if (g_strcmp0 (role, "invite") == 0)
    print_sponsored (&peer, name,
                     g_strcmp0 (serves, "ok") == 0 ? PU_RELAY_SPONSOR_OK
                     : g_strcmp0 (serves, "denied") == 0 ? PU_RELAY_SPONSOR_DENIED
                     : g_strcmp0 (serves, "invalid") == 0 ? PU_RELAY_SPONSOR_INVALID : -1);
  return PU_CLI_EXIT_OK;
}

/* `peerup invite` while a core runs this device: the core invites. */
static int
invite_through_core (Pair       *pair,
                     PuProfile  *profile,
                     PuPeerUp1  *core,
                     const char *name,
                     gboolean    short_code)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *code = NULL;
  g_autofree char *uri = NULL;
  CorePair core_pair = { 0 };
  GPtrArray *relays = pu_config_get_relays (pu_profile_get_config (profile));
  const PuRelayAddr *relay = NULL;
  GVariantDict options;
  int status;

  for (guint i = 0; i < relays->len && relay == NULL; i++)
    if (((PuRelayAddr *) relays->pdata[i])->has_peer_id)
      relay = relays->pdata[i];
  g_variant_dict_init (&options, NULL);
  if (name != NULL)
    g_variant_dict_insert (&options, "name", "s", name);
  g_variant_dict_insert (&options, "ttl", "u", (guint32) pair->ttl);
  g_variant_dict_insert (&options, "short", "b", short_code);
  core_pair_watch (&core_pair, pair, core);
  if (!pu_peer_up1_call_invite_sync (core, g_variant_dict_end (&options),
                                     G_DBUS_CALL_FLAGS_NONE, G_MAXINT, &core_pair.handle, &code,
                                     &uri, NULL, &error))
    {
      g_signal_handlers_disconnect_by_data (core, &core_pair);
      core_pair_clear (&core_pair);
      return pu_cli_fail_remote (error);
    }
  print_code (pair, code, uri[0] != '\0' ? uri : NULL, relay);
  status = run_core (&core_pair, profile, core);
  core_pair_clear (&core_pair);
  return status;
}

/* `peerup join` while a core runs this device: the core joins. */
static int
join_through_core (Pair              *pair,
                   PuProfile         *profile,
                   PuPeerUp1         *core,
                   const char        *code,
                   const char        *name,
                   const char        *relay_arg)
{
  g_autoptr(GError) error = NULL;
  CorePair core_pair = { 0 };
  GVariantDict options;
  int status;

  g_variant_dict_init (&options, NULL);
  if (name != NULL)
    g_variant_dict_insert (&options, "name", "s", name);
  if (relay_arg != NULL)
    g_variant_dict_insert (&options, "relay", "s", relay_arg);
  core_pair_watch (&core_pair, pair, core);
  if (!pu_peer_up1_call_join_sync (core, code, g_variant_dict_end (&options),
                                   G_DBUS_CALL_FLAGS_NONE, -1, &core_pair.handle, NULL, &error))
    {
      g_signal_handlers_disconnect_by_data (core, &core_pair);
      core_pair_clear (&core_pair);
      return pu_cli_fail_remote (error);
    }
  status = run_core (&core_pair, profile, core);
  core_pair_clear (&core_pair);
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
  g_autoptr(PuPairSession) session = NULL;
  g_autoptr(PuPeerUp1) core = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *ttl_text = NULL;
  gboolean non_interactive = FALSE;
  gboolean short_code = FALSE;
  gint64 ttl = PU_PAIR_SESSION_DEFAULT_TTL_SECONDS;
  Pair pair = { &loop };
  const GOptionEntry entries[] = {
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      N_("Call the other device NAME here (default: the name it gives)"), N_("NAME") },
    { "short", 0, 0, G_OPTION_ARG_NONE, &short_code,
      N_("Make a short code to read aloud (7-purple-sausage); the other device must use "
         "the same relay"), NULL },
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
  if (ttl < 1 || ttl > PU_PAIR_SESSION_MAX_TTL_SECONDS)
    return pu_cli_usage_error (spec.command, _("--ttl: a code works for 1 second to 24 hours"));
  if (!check_name (name))
    return PU_CLI_EXIT_USAGE;

  profile = pu_cli_open_profile (&args);
  if (profile == NULL)
    return PU_CLI_EXIT_FAILURE;

  pu_cli_loop_init (&loop);
  pair.non_interactive = non_interactive;
  pair.ttl = ttl;
  core = pu_cli_client_connect (&args);
  if (core != NULL)
    return invite_through_core (&pair, profile, core, name, short_code);
  session = pu_pair_session_invite (profile, name, ttl, short_code, &error);
  return run_session (&pair, profile, session, error);
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
  g_autoptr(PuInviteCode) code = NULL;
  g_autoptr(PuPairSession) session = NULL;
  g_autoptr(PuPeerUp1) core = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;
  g_autofree char *relay_text = NULL;
  g_autofree char *relay_arg = NULL;
  g_autoptr(PuRelayAddr) relay_addr = NULL;
  PuIdentity *identity;
  gboolean non_interactive = FALSE;
  Pair pair = { &loop };
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
  if (code == NULL || !pu_invite_code_check_expiry (code, now_seconds (), &error))
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
  identity = pu_profile_get_identity (profile);
  if (pu_peer_id_equal (&code->inviter, pu_identity_get_peer_id (identity)))
    return pu_cli_fail_printf (_("This code was made on this device; run `peerup join` on "
                                 "the other device"));

  pu_cli_loop_init (&loop);
  /* A relay pairing group's code is joined here: the relay itself invites,
   * and what it introduces is printed as it came. */
  if (code->kind == PU_INVITE_CODE_SHORT || !pu_peer_id_equal (&code->inviter,
                                                                &code->relay->peer_id))
    core = pu_cli_client_connect (&args);
  if (core != NULL)
    {
      g_autoptr(PuRelayAddr) through = NULL;

      if (!non_interactive)
        {
          through = code->kind == PU_INVITE_CODE_SHORT
                    ? pu_pair_session_short_code_relay (pu_profile_get_config (profile),
                                                        relay_addr, &error)
                    : pu_relay_addr_copy (code->relay);
          if (through == NULL)
            return pu_cli_fail (error);
          relay_text = pu_relay_addr_to_string (through);
          g_print (_("Joining through the relay %s…\n"), relay_text);
        }
      return join_through_core (&pair, profile, core, text, name, relay_arg);
    }
  session = pu_pair_session_join (profile, text, name, relay_addr, &error);
  if (session != NULL && !non_interactive)
    {
      relay_text = pu_relay_addr_to_string (pu_pair_session_get_relay (session));
      g_print (_("Joining through the relay %s…\n"), relay_text);
    }
  return run_session (&pair, profile, session, error);
}
