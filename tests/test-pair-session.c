/* test-pair-session.c — one pairing from start to end between two devices
 * through a real relay: full and short codes, a relay pairing group's
 * codes, a wrong code, cancelling, codes that cannot be joined
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "pu-error.h"
#include "pu-pair-session.h"
#include "pu-relay-frame.h"
#include "pu-relay-groups.h"
#include "pu-test-relay.h"
#include "pu-test-util.h"

typedef struct {
  char        *dir;
  PuTestRelay *relay;
  PuProfile   *home;
  PuProfile   *laptop;
} Fixture;

/* What one session told through its signals. */
typedef struct {
  gboolean  ready;
  gboolean  finished;
  guint     n_finished;
  GError   *error;
  guint     wrong_code;
  guint     n_states;
} Watch;

static void
ready_cb (PuPairSession *session,
          Watch         *watch)
{
  watch->ready = TRUE;
}

static void
finished_cb (PuPairSession *session,
             const GError  *error,
             Watch         *watch)
{
  watch->finished = TRUE;
  watch->n_finished++;
  g_clear_error (&watch->error);
  watch->error = error != NULL ? g_error_copy (error) : NULL;
}

static void
wrong_code_cb (PuPairSession *session,
               guint          failures,
               Watch         *watch)
{
  watch->wrong_code = failures;
}

static void
state_cb (PuPairSession *session,
          GParamSpec    *pspec,
          Watch         *watch)
{
  watch->n_states++;
}

static PuPairSession *
watch (PuPairSession *session,
       Watch         *watch)
{
  g_assert_nonnull (session);
  g_signal_connect (session, "ready", G_CALLBACK (ready_cb), watch);
  g_signal_connect (session, "finished", G_CALLBACK (finished_cb), watch);
  g_signal_connect (session, "wrong-code", G_CALLBACK (wrong_code_cb), watch);
  g_signal_connect (session, "notify::state", G_CALLBACK (state_cb), watch);
  return session;
}

static void
fixture_setup (Fixture       *fx,
               gconstpointer  data)
{
  fx->dir = pu_test_make_tmpdir ();
  fx->relay = pu_test_relay_new (fx->dir);
  fx->home = pu_test_relay_add_device (fx->relay, "home");
  fx->laptop = pu_test_relay_add_device (fx->relay, "laptop");
}

static void
fixture_teardown (Fixture       *fx,
                  gconstpointer  data)
{
  g_clear_object (&fx->laptop);
  g_clear_object (&fx->home);
  pu_test_relay_free (fx->relay);
  pu_test_remove_tree (fx->dir);
  g_free (fx->dir);
}

/* Both sides ended well: each authorized and named the other. */
static void
assert_paired (Fixture       *fx,
               PuPairSession *invite,
               Watch         *invited,
               PuPairSession *join,
               Watch         *joined)
{
  const PuTrustEntry *entry;

  pu_test_run_until (&invited->finished);
  pu_test_run_until (&joined->finished);
  g_assert_no_error (invited->error);
  g_assert_no_error (joined->error);
  g_assert_cmpuint (invited->n_finished, ==, 1);
  g_assert_cmpuint (joined->n_finished, ==, 1);
  g_assert_cmpint (pu_pair_session_get_state (invite), ==, PU_PAIR_SESSION_DONE);
  g_assert_cmpint (pu_pair_session_get_state (join), ==, PU_PAIR_SESSION_DONE);
  g_assert_null (pu_pair_session_get_error (invite));

  g_assert_true (pu_peer_id_equal (pu_pair_session_get_peer (invite),
                                   pu_test_peer_of (fx->laptop)));
  g_assert_true (pu_peer_id_equal (pu_pair_session_get_peer (join), pu_test_peer_of (fx->home)));
  g_assert_cmpstr (pu_pair_session_get_name (invite), ==, "laptop");
  g_assert_cmpstr (pu_pair_session_get_name (join), ==, "home");
  /* The relay serves the laptop already. */
  g_assert_cmpint (pu_pair_session_get_sponsor_status (invite), ==, PU_RELAY_SPONSOR_OK);
  g_assert_cmpint (pu_pair_session_get_sponsor_status (join), ==, -1);

  entry = pu_trust_store_lookup (pu_profile_get_trust_store (fx->home),
                                 pu_test_peer_of (fx->laptop));
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->comment, ==, "laptop");
  entry = pu_trust_store_lookup (pu_profile_get_trust_store (fx->laptop),
                                 pu_test_peer_of (fx->home));
  g_assert_nonnull (entry);
  g_assert_cmpstr (entry->comment, ==, "home");
}

static void
test_full (Fixture       *fx,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuPairSession) invite = NULL;
  g_autoptr(PuPairSession) join = NULL;
  g_autoptr(PuInviteCode) parsed = NULL;
  const PuInviteCode *code;
  Watch invited = { 0 }, joined = { 0 };

  invite = watch (pu_pair_session_invite (fx->home, NULL, 60, FALSE, &error), &invited);
  g_assert_no_error (error);
  g_assert_true (pu_pair_session_is_inviter (invite));
  g_assert_cmpint (pu_pair_session_get_state (invite), ==, PU_PAIR_SESSION_CONNECTING);
  g_assert_null (pu_pair_session_get_invite_code (invite));
  g_assert_null (pu_pair_session_get_code (invite));
  pu_test_run_until (&invited.ready);
  g_assert_cmpint (pu_pair_session_get_state (invite), ==, PU_PAIR_SESSION_WAITING);

  /* The code to show: its text, its URI and the object agree. */
  code = pu_pair_session_get_invite_code (invite);
  g_assert_nonnull (code);
  g_assert_cmpint (code->kind, ==, PU_INVITE_CODE_FULL);
  g_assert_true (pu_peer_id_equal (&code->inviter, pu_test_peer_of (fx->home)));
  g_assert_true (g_str_has_prefix (pu_pair_session_get_uri (invite), "peerup:"));
  parsed = pu_invite_code_parse (pu_pair_session_get_uri (invite), &error);
  g_assert_no_error (error);
  g_assert_cmpmem (parsed->secret, parsed->secret_len, code->secret, code->secret_len);

  join = watch (pu_pair_session_join (fx->laptop, pu_pair_session_get_code (invite), NULL,
                                      NULL, &error), &joined);
  g_assert_no_error (error);
  g_assert_false (pu_pair_session_is_inviter (join));
  g_assert_null (pu_pair_session_get_invite_code (join));
  assert_paired (fx, invite, &invited, join, &joined);
  /* CONNECTING → WAITING → DONE; CONNECTING → PAIRING → DONE */
  g_assert_cmpuint (invited.n_states, ==, 2);
  g_assert_cmpuint (joined.n_states, ==, 2);
  g_assert_null (pu_pair_session_get_members (join, &joined.n_states));
  g_assert_cmpuint (joined.n_states, ==, 0);
  g_clear_error (&invited.error);
  g_clear_error (&joined.error);
}

static void
test_short (Fixture       *fx,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuPairSession) invite = NULL;
  g_autoptr(PuPairSession) join = NULL;
  g_autoptr(PuRelayAddr) relay = NULL;
  const PuInviteCode *code;
  const char *text;
  Watch invited = { 0 }, joined = { 0 };

  invite = watch (pu_pair_session_invite (fx->home, "laptop", 60, TRUE, &error), &invited);
  g_assert_no_error (error);
  pu_test_run_until (&invited.ready);
  code = pu_pair_session_get_invite_code (invite);
  g_assert_cmpint (code->kind, ==, PU_INVITE_CODE_SHORT);
  g_assert_cmpuint (code->nameplate, >=, 1);
  g_assert_null (pu_pair_session_get_uri (invite));
  text = pu_pair_session_get_code (invite);
  g_assert_true (g_ascii_isdigit (text[0]));

  /* Through a relay given by address alone: the pairing pins it. */
  relay = pu_relay_addr_parse (fx->relay->addr, NULL, &error);
  g_assert_no_error (error);
  relay->has_peer_id = FALSE;
  join = watch (pu_pair_session_join (fx->laptop, text, NULL, relay, &error), &joined);
  g_assert_no_error (error);
  g_assert_true (pu_relay_addr_equal (pu_pair_session_get_relay (join), relay));
  assert_paired (fx, invite, &invited, join, &joined);

  /* The number is used up. */
  g_clear_object (&join);
  memset (&joined, 0, sizeof joined);
  join = watch (pu_pair_session_join (fx->laptop, text, NULL, NULL, &error), &joined);
  g_assert_no_error (error);
  pu_test_run_until (&joined.finished);
  g_assert_error (joined.error, PU_ERROR, PU_ERROR_PAIRING);
  g_assert_nonnull (strstr (joined.error->message, "has no invite"));
  g_assert_cmpint (pu_pair_session_get_state (join), ==, PU_PAIR_SESSION_FAILED);
  g_clear_error (&invited.error);
  g_clear_error (&joined.error);
}

/* The relay invites: each holder of one of its group's codes joins and
 * meets the members before it. */
static void
test_group (Fixture       *fx,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) groups = g_ptr_array_new_with_free_func ((GDestroyNotify)
                                                                pu_relay_group_free);
  g_autoptr(PuRelayAddr) address = pu_relay_addr_parse (fx->relay->addr, NULL, NULL);
  g_autofree char *path = g_build_filename (fx->dir, "relay-groups.ini", NULL);
  g_autoptr(PuInviteCode) first = NULL;
  g_autoptr(PuInviteCode) second = NULL;
  g_autofree char *first_text = NULL;
  g_autofree char *second_text = NULL;
  guint8 tokens[2][PU_RELAY_GROUP_TOKEN_LEN];
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const PuPeerId *relay_id = pu_identity_get_peer_id (fx->relay->identity);
  const PuRelayMember *members;
  PuProfile *joiners[2];
  guint n = G_MAXUINT;

  first = pu_invite_code_new_full (address, relay_id, 0, now + 3600, NULL);
  second = pu_invite_code_new_full (address, relay_id, 0, now + 3600, NULL);
  memcpy (tokens[0], first->secret, PU_RELAY_GROUP_TOKEN_LEN);
  memcpy (tokens[1], second->secret, PU_RELAY_GROUP_TOKEN_LEN);
  first_text = pu_invite_code_to_string (first);
  second_text = pu_invite_code_to_string (second);
  g_ptr_array_add (groups, pu_relay_group_new (2, now + 3600, 0,
                                               (const guint8 (*)[PU_RELAY_GROUP_TOKEN_LEN])
                                               tokens));
  g_assert_true (pu_relay_groups_save (path, groups, &error));
  g_assert_no_error (error);
  pu_relay_server_set_groups_path (fx->relay->server, path);

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(PuPairSession) join = NULL;
      g_autofree char *name = g_strdup_printf ("p%u", i + 1);
      g_autofree char *config = g_build_filename (fx->dir, name, "config.ini", NULL);
      Watch joined = { 0 };

      /* New devices the relay does not know. */
      joiners[i] = pu_profile_init (config, name, NULL, NULL, &error);
      g_assert_no_error (error);
      join = watch (pu_pair_session_join (joiners[i], i == 0 ? first_text : second_text, NULL,
                                          NULL, &error), &joined);
      g_assert_no_error (error);
      pu_test_run_until (&joined.finished);
      g_assert_no_error (joined.error);
      g_assert_cmpint (pu_pair_session_get_state (join), ==, PU_PAIR_SESSION_DONE);
      g_assert_null (pu_pair_session_get_peer (join));
      g_assert_null (pu_pair_session_get_name (join));
      members = pu_pair_session_get_members (join, &n);
      g_assert_cmpuint (n, ==, i);
      if (i == 1)
        {
          g_assert_cmpstr (members[0].name, ==, "p1");
          g_assert_true (pu_peer_id_equal (&members[0].peer,
                                           pu_identity_get_peer_id (pu_profile_get_identity
                                                                      (joiners[0]))));
          g_assert_nonnull (pu_trust_store_lookup (pu_profile_get_trust_store (joiners[1]),
                                                   &members[0].peer));
        }
      /* The joiner keeps the relay. */
      g_assert_cmpuint (pu_config_get_relays (pu_profile_get_config (joiners[i]))->len, ==, 1);
    }

  /* A code works once. */
  {
    g_autoptr(PuPairSession) again = NULL;
    Watch joined = { 0 };

    again = watch (pu_pair_session_join (joiners[1], first_text, NULL, NULL, &error), &joined);
    g_assert_no_error (error);
    pu_test_run_until (&joined.finished);
    g_assert_error (joined.error, PU_ERROR, PU_ERROR_PAIRING);
    g_assert_cmpstr (joined.error->message, ==,
                     "Pairing failed; ask the relay's operator for a new code");
    g_clear_error (&joined.error);
  }
  g_object_unref (joiners[0]);
  g_object_unref (joiners[1]);
}

/* A wrong code fails the joiner and counts on the inviter, which keeps
 * waiting until it is cancelled. */
static void
test_wrong_code (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuPairSession) invite = NULL;
  g_autoptr(PuPairSession) join = NULL;
  g_autoptr(PuInviteCode) wrong = NULL;
  g_autofree char *text = NULL;
  guint failures = 0;
  Watch invited = { 0 }, joined = { 0 };

  invite = watch (pu_pair_session_invite (fx->home, NULL, 60, FALSE, &error), &invited);
  g_assert_no_error (error);
  pu_test_run_until (&invited.ready);
  wrong = pu_invite_code_copy (pu_pair_session_get_invite_code (invite));
  wrong->secret[0] ^= 1;
  text = pu_invite_code_to_string (wrong);

  join = watch (pu_pair_session_join (fx->laptop, text, NULL, NULL, &error), &joined);
  g_assert_no_error (error);
  pu_test_run_until (&joined.finished);
  g_assert_error (joined.error, PU_ERROR, PU_ERROR_PAIRING);
  g_assert_nonnull (strstr (joined.error->message, "The code did not match"));
  g_assert_cmpstr (pu_pair_session_get_error (join)->message, ==, joined.error->message);
  g_assert_null (pu_pair_session_get_peer (join));

  pu_test_run_until_count (&invited.wrong_code, 1);
  g_object_get (invite, "failures", &failures, NULL);
  g_assert_cmpuint (failures, ==, 1);
  g_assert_cmpuint (pu_pair_session_get_failures (invite), ==, 1);
  g_assert_false (invited.finished);
  g_assert_cmpint (pu_pair_session_get_state (invite), ==, PU_PAIR_SESSION_WAITING);

  pu_pair_session_cancel (invite);
  g_assert_error (invited.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpstr (invited.error->message, ==, "Pairing cancelled");
  g_assert_cmpint (pu_pair_session_get_state (invite), ==, PU_PAIR_SESSION_FAILED);
  /* Once only. */
  pu_pair_session_cancel (invite);
  g_assert_cmpuint (invited.n_finished, ==, 1);
  g_assert_null (pu_trust_store_lookup (pu_profile_get_trust_store (fx->home),
                                        pu_test_peer_of (fx->laptop)));
  g_clear_error (&invited.error);
  g_clear_error (&joined.error);
}

/* Cancelled before the relay answered, and codes refused before anything
 * starts. */
static void
test_cancel (Fixture       *fx,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuPairSession) invite = NULL;
  g_autoptr(PuPairSession) mine = NULL;
  g_autoptr(PuPairSession) refused = NULL;
  g_autoptr(PuProfile) alone = NULL;
  g_autofree char *path = g_build_filename (fx->dir, "alone", "config.ini", NULL);
  Watch invited = { 0 };

  invite = watch (pu_pair_session_invite (fx->home, NULL, 60, TRUE, &error), &invited);
  g_assert_no_error (error);
  pu_pair_session_cancel (invite);
  g_assert_true (invited.finished);
  g_assert_false (invited.ready);
  g_assert_error (invited.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (pu_pair_session_get_invite_code (invite));
  g_clear_error (&invited.error);

  /* Its own code. */
  g_clear_object (&invite);
  memset (&invited, 0, sizeof invited);
  invite = watch (pu_pair_session_invite (fx->home, NULL, 60, FALSE, &error), &invited);
  pu_test_run_until (&invited.ready);
  mine = pu_pair_session_join (fx->home, pu_pair_session_get_code (invite), NULL, NULL,
                               &error);
  g_assert_null (mine);
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  g_assert_cmpstr (error->message, ==,
                   "This code was made on this device; join it on the other device");
  g_clear_error (&error);

  /* A bad name, a bad TTL, no relay at all. */
  refused = pu_pair_session_join (fx->laptop, pu_pair_session_get_code (invite), "a b\n", NULL,
                                  &error);
  g_assert_null (refused);
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  refused = pu_pair_session_invite (fx->home, NULL, PU_PAIR_SESSION_MAX_TTL_SECONDS + 1,
                                    FALSE, &error);
  g_assert_null (refused);
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  alone = pu_profile_init (path, "alone", NULL, NULL, &error);
  g_assert_no_error (error);
  refused = pu_pair_session_join (alone, "7-purple-sausage", NULL, NULL, &error);
  g_assert_null (refused);
  g_assert_error (error, PU_ERROR, PU_ERROR_NOT_FOUND);
  g_clear_error (&error);
  refused = pu_pair_session_invite (alone, NULL, 60, TRUE, &error);
  g_assert_null (refused);
  g_assert_error (error, PU_ERROR, PU_ERROR_NOT_FOUND);
  g_clear_error (&error);
  pu_pair_session_cancel (invite);
  g_clear_error (&invited.error);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(name, func) \
  g_test_add ("/pair-session/" name, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("full", test_full);
  ADD ("short", test_short);
  ADD ("group", test_group);
  ADD ("wrong-code", test_wrong_code);
  ADD ("cancel", test_cancel);
#undef ADD

  return g_test_run ();
}
