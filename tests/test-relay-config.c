/* test-relay-config.c — relay.ini limits
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "pu-error.h"
#include "pu-file.h"
#include "pu-relay-config.h"

/* Field by field: padding bytes are never compared. */
static void
assert_limits_equal (const PuRelayLimits *a,
                     const PuRelayLimits *b)
{
  g_assert_cmpuint (a->max_peers, ==, b->max_peers);
  g_assert_cmpuint (a->peer_queue_bytes, ==, b->peer_queue_bytes);
  g_assert_cmpuint (a->session_bytes, ==, b->session_bytes);
  g_assert_cmpuint (a->session_seconds, ==, b->session_seconds);
  g_assert_cmpuint (a->auth_timeout_seconds, ==, b->auth_timeout_seconds);
  g_assert_cmpint (a->health_public, ==, b->health_public);
  g_assert_cmpuint (a->pairing_max, ==, b->pairing_max);
  g_assert_cmpuint (a->pairing_seconds, ==, b->pairing_seconds);
  g_assert_cmpuint (a->pairing_per_ip, ==, b->pairing_per_ip);
  g_assert_cmpint (a->invite_admin_only, ==, b->invite_admin_only);
  g_assert_cmpmem (a->turn_host, sizeof a->turn_host, b->turn_host, sizeof b->turn_host);
  g_assert_cmpuint (a->turn_port, ==, b->turn_port);
  g_assert_cmpmem (a->turn_secret, sizeof a->turn_secret, b->turn_secret,
                   sizeof b->turn_secret);
}

static void
test_relay_config_defaults (void)
{
  g_autoptr(GError) error = NULL;
  PuRelayLimits limits, defaults;

  pu_relay_limits_init_default (&defaults);
  memset (&limits, 0xff, sizeof limits);
  g_assert_true (pu_relay_limits_load_from_data (&limits, "relay.ini", "", 0, &error));
  g_assert_no_error (error);
  assert_limits_equal (&limits, &defaults);

  memset (&limits, 0xff, sizeof limits);
  g_assert_true (pu_relay_limits_load_from_data (&limits, "relay.ini", "# nothing\n[limits]\n",
                                                 19, &error));
  g_assert_no_error (error);
  assert_limits_equal (&limits, &defaults);
}

static void
test_relay_config_values (void)
{
  static const char data[] =
    "# my relay\n"
    "[limits]\n"
    "max-peers=10\n"
    "peer-queue-bytes = 65536\n"
    "session-bytes=0\n"
    "session-seconds=3600\n"
    "auth-timeout-seconds=5\n"
    "health-public=true\n"
    "pairing-max=0\n"
    "pairing-seconds=60\n"
    "pairing-per-ip=3\n"
    "[policy]\n"
    "invite=admin\n"
    "[turn]\n"
    "url=turn:[2001:db8::3]:3479\n"
    "secret=s3cret\n";
  g_autoptr(GError) error = NULL;
  PuRelayLimits limits;

  g_assert_true (pu_relay_limits_load_from_data (&limits, "relay.ini", data, strlen (data),
                                                 &error));
  g_assert_no_error (error);
  g_assert_cmpuint (limits.max_peers, ==, 10);
  g_assert_cmpuint (limits.peer_queue_bytes, ==, 65536);
  g_assert_cmpuint (limits.session_bytes, ==, 0);
  g_assert_cmpuint (limits.session_seconds, ==, 3600);
  g_assert_cmpuint (limits.auth_timeout_seconds, ==, 5);
  g_assert_true (limits.health_public);
  g_assert_cmpuint (limits.pairing_max, ==, 0);
  g_assert_cmpuint (limits.pairing_seconds, ==, 60);
  g_assert_cmpuint (limits.pairing_per_ip, ==, 3);
  g_assert_true (limits.invite_admin_only);
  g_assert_cmpstr (limits.turn_host, ==, "2001:db8::3");
  g_assert_cmpuint (limits.turn_port, ==, 3479);
  g_assert_cmpstr (limits.turn_secret, ==, "s3cret");
}

static void
test_relay_config_bad (void)
{
  static const struct { const char *data; int code; const char *reason; } bad[] = {
    { "[limits]\nmax-peers=0\n", PU_ERROR_PARSE, "max-peers must be a whole number from 1" },
    { "[limits]\nmax-peers=-1\n", PU_ERROR_PARSE, "max-peers must be a whole number" },
    { "[limits]\nmax-peers=ten\n", PU_ERROR_PARSE, "max-peers must be a whole number" },
    { "[limits]\nmax-peers=\n", PU_ERROR_PARSE, "max-peers must be a whole number" },
    { "[limits]\nmax-peers=99999999999999999999999\n", PU_ERROR_PARSE, "max-peers" },
    { "[limits]\npeer-queue-bytes=100\n", PU_ERROR_PARSE, "peer-queue-bytes" },
    { "[limits]\nauth-timeout-seconds=0\n", PU_ERROR_PARSE, "auth-timeout-seconds" },
    { "[limits]\nsession-seconds=1.5\n", PU_ERROR_PARSE, "session-seconds" },
    { "[limits]\nhealth-public=yes\n", PU_ERROR_PARSE, "health-public must be true or false" },
    { "[limits]\nmax-peer=5\n", PU_ERROR_PARSE, "unknown key max-peer in [limits]" },
    { "[limit]\nmax-peers=5\n", PU_ERROR_PARSE, "unknown group [limit]" },
    { "[policy]\ninvite=everyone\n", PU_ERROR_PARSE, "invite must be members or admin" },
    { "[policy]\nmax-peers=5\n", PU_ERROR_PARSE, "unknown key max-peers in [policy]" },
    { "[limits]\npairing-seconds=5\n", PU_ERROR_PARSE, "pairing-seconds" },
    { "[limits]\npairing-per-ip=0\n", PU_ERROR_PARSE, "pairing-per-ip" },
    { "max-peers=5\n", PU_ERROR_PARSE, "not a valid key file" },
    { "[limits\n", PU_ERROR_PARSE, "not a valid key file" },
    { "[turn]\nurl=turn:203.0.113.3\n", PU_ERROR_PARSE, "[turn] needs both url and secret" },
    { "[turn]\nsecret=x\n", PU_ERROR_PARSE, "[turn] needs both url and secret" },
    { "[turn]\nurl=turn:turn.example.org\nsecret=x\n", PU_ERROR_PARSE,
      "write turn:IP[:PORT]" },
    { "[turn]\nurl=turns:203.0.113.3\nsecret=x\n", PU_ERROR_PARSE, "write turn:IP[:PORT]" },
    { "[turn]\nurl=turn:203.0.113.3:0\nsecret=x\n", PU_ERROR_PARSE, "write turn:IP[:PORT]" },
    { "[turn]\nurl=turn:203.0.113.3\nsecret=\n", PU_ERROR_PARSE, "static-auth-secret" },
    { "[turn]\nport=3478\n", PU_ERROR_PARSE, "unknown key port in [turn]" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      PuRelayLimits limits, before;

      g_test_message ("%s", bad[i].data);
      memset (&limits, 0x5a, sizeof limits);
      before = limits;
      g_assert_false (pu_relay_limits_load_from_data (&limits, "relay.ini", bad[i].data,
                                                      strlen (bad[i].data), &error));
      g_assert_error (error, PU_ERROR, bad[i].code);
      if (strstr (error->message, bad[i].reason) == NULL)
        g_error ("“%s” not in “%s”", bad[i].reason, error->message);
      g_assert_true (g_str_has_prefix (error->message, "relay.ini"));
      g_assert_null (strchr (error->message, '\n'));
      assert_limits_equal (&limits, &before);
    }
}

static void
test_relay_config_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("pu-relay-config-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "relay.ini", NULL);
  g_autofree char *big = g_malloc (PU_RELAY_CONFIG_FILE_MAX + 2);
  PuRelayLimits limits;

  g_assert_no_error (error);

  /* Missing: the defaults. */
  g_assert_true (pu_relay_limits_load (&limits, path, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (limits.max_peers, ==, PU_RELAY_DEFAULT_MAX_PEERS);

  g_assert_true (pu_file_write_atomic (path, "[limits]\nmax-peers=3\n", 22, 0600, &error));
  g_assert_true (pu_relay_limits_load (&limits, path, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (limits.max_peers, ==, 3);

  /* Too large: refused before reading. */
  memset (big, '#', PU_RELAY_CONFIG_FILE_MAX + 1);
  big[PU_RELAY_CONFIG_FILE_MAX + 1] = '\0';
  g_assert_true (pu_file_write_atomic (path, big, PU_RELAY_CONFIG_FILE_MAX + 1, 0600, &error));
  g_assert_false (pu_relay_limits_load (&limits, path, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_false (pu_relay_limits_load_from_data (&limits, path, big,
                                                  PU_RELAY_CONFIG_FILE_MAX + 1, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_TOO_LARGE);

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/relay-config/defaults", test_relay_config_defaults);
  g_test_add_func ("/relay-config/values", test_relay_config_values);
  g_test_add_func ("/relay-config/bad", test_relay_config_bad);
  g_test_add_func ("/relay-config/file", test_relay_config_file);

  return g_test_run ();
}
