/* test-secret.c — identity keys in a real Secret Service: gnome-keyring on a
 * private session bus, with a login keyring unlocked by a password on stdin
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <libsecret/secret.h>
#include <string.h>

#include "pu-error.h"
#include "pu-profile.h"
#include "pu-secret.h"
#include "pu-test-util.h"

/* The schema as another program (secret-tool, Passwords and Keys) sees it. */
static const SecretSchema schema = {
  PU_SECRET_SCHEMA_NAME, SECRET_SCHEMA_NONE,
  { { "peer-id", SECRET_SCHEMA_ATTRIBUTE_STRING }, { NULL, 0 } },
  0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
};

/* Stopped but never freed: libsecret keeps the session bus connection, and
 * g_test_dbus_down() would wait for it to go away. */
static GTestDBus *test_bus;
static GSubprocess *keyring;
static char *home;

typedef struct {
  char *dir;
  char *config;
  char *key;
  char *marker;
} Fixture;

static void
fixture_set_up (Fixture       *fx,
                gconstpointer  data)
{
  fx->dir = pu_test_make_tmpdir ();
  fx->config = g_build_filename (fx->dir, "config.ini", NULL);
  fx->key = g_build_filename (fx->dir, "identity.key", NULL);
  fx->marker = g_build_filename (fx->dir, PU_PROFILE_KEYRING_MARKER, NULL);
}

static void
fixture_tear_down (Fixture       *fx,
                   gconstpointer  data)
{
  pu_test_remove_tree (fx->dir);
  g_free (fx->dir);
  g_free (fx->config);
  g_free (fx->key);
  g_free (fx->marker);
}

static void
test_store_load_clear (Fixture       *fx,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuIdentity) identity = pu_identity_generate ();
  g_autoptr(PuIdentity) loaded = NULL;
  g_autoptr(GBytes) original = pu_identity_to_bytes (identity);
  g_autoptr(GBytes) copy = NULL;
  g_autofree char *expected = NULL;

  g_assert_true (pu_secret_store_identity (identity, &error));
  g_assert_no_error (error);
  /* Storing again replaces the item. */
  g_assert_true (pu_secret_store_identity (identity, &error));
  g_assert_no_error (error);

  loaded = pu_secret_load_identity (pu_identity_get_peer_id (identity), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pu_identity_get_peer_id_string (loaded), ==,
                   pu_identity_get_peer_id_string (identity));
  copy = pu_identity_to_bytes (loaded);
  g_assert_true (g_bytes_equal (copy, original));

  /* The item, as Passwords and Keys or secret-tool would find it. */
  {
    const char *id = pu_identity_get_peer_id_string (identity);
    g_autofree char *secret = secret_password_lookup_sync (&schema, NULL, &error,
                                                           "peer-id", id, NULL);
    g_autofree char *encoded = g_base64_encode (g_bytes_get_data (original, NULL),
                                                g_bytes_get_size (original));

    g_assert_no_error (error);
    g_assert_cmpstr (secret, ==, encoded);
  }

  g_assert_true (pu_secret_clear_identity (pu_identity_get_peer_id (identity), &error));
  g_assert_no_error (error);
  g_clear_object (&loaded);
  loaded = pu_secret_load_identity (pu_identity_get_peer_id (identity), &error);
  g_assert_null (loaded);
  g_assert_error (error, PU_ERROR, PU_ERROR_NOT_FOUND);
  expected = g_strdup_printf ("The keyring has no identity key for %s; restore the keyring, or "
                              "move identity.keyring aside and run `peerup init` for a new "
                              "identity", pu_identity_get_peer_id_string (identity));
  g_assert_cmpstr (error->message, ==, expected);

  /* Clearing what is not there is no error. */
  g_clear_error (&error);
  g_assert_true (pu_secret_clear_identity (pu_identity_get_peer_id (identity), &error));
  g_assert_no_error (error);
}

static char *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);
  return contents;
}

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

/* Runs `peerup COMMAND [SUBCOMMAND] --config CONFIG`, on the same session
 * bus or, without @bus, with none at all (as over SSH); its stdout, exit
 * status and stderr. */
static char *
run_cli_full (Fixture     *fx,
              const char  *command,
              const char  *subcommand,
              gboolean     bus,
              int         *status,
              char       **err)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *runtime = g_build_filename (fx->dir, "run", NULL);
  char *out = NULL;
  const char *argv[] = { g_getenv ("PU_PEERUP_BIN"), command, subcommand, NULL, NULL, NULL };
  guint n = subcommand != NULL ? 3 : 2;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  if (!bus)
    {
      g_assert_cmpint (g_mkdir_with_parents (runtime, 0700), ==, 0);
      g_subprocess_launcher_unsetenv (launcher, "DBUS_SESSION_BUS_ADDRESS");
      g_subprocess_launcher_unsetenv (launcher, "DISPLAY");
      g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime, TRUE);
    }
  argv[n] = "--config";
  argv[n + 1] = fx->config;
  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, err, &error);
  g_assert_no_error (error);
  *status = g_subprocess_get_exit_status (proc);
  return out;
}

/* The same on the session bus, which must succeed. */
static char *
run_cli (Fixture    *fx,
         const char *command,
         const char *subcommand)
{
  g_autofree char *err = NULL;
  char *out;
  int status;

  out = run_cli_full (fx, command, subcommand, TRUE, &status, &err);
  g_assert_cmpstr (err, ==, "");
  g_assert_cmpint (status, ==, 0);
  return out;
}

static void
test_profile_migration (Fixture       *fx,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  g_autoptr(PuProfile) reopened = NULL;
  g_autoptr(PuIdentity) gone = NULL;
  g_autofree char *id = NULL;
  g_autofree char *original = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *line = NULL;
  g_autofree char *whoami = NULL;
  g_autofree char *restored = NULL;
  gboolean created = FALSE;
  gsize original_len;

  profile = pu_profile_init (fx->config, "desk", NULL, &created, &error);
  g_assert_no_error (error);
  g_assert_true (created);
  g_assert_cmpint (pu_profile_get_identity_store (profile), ==, PU_IDENTITY_STORE_FILE);
  id = g_strdup (pu_identity_get_peer_id_string (pu_profile_get_identity (profile)));
  g_file_get_contents (fx->key, &original, &original_len, &error);
  g_assert_no_error (error);

  /* Into the keyring: identity.key is gone, identity.keyring names the key. */
  g_assert_true (pu_profile_move_identity_to_keyring (profile, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pu_profile_get_identity_store (profile), ==, PU_IDENTITY_STORE_KEYRING);
  g_assert_false (g_file_test (fx->key, G_FILE_TEST_EXISTS));
  marker = read_file (fx->marker);
  line = g_strdup_printf ("%s\n", id);
  g_assert_cmpstr (marker, ==, line);
  g_assert_cmpuint (file_mode (fx->marker), ==, 0600);
  /* Moving again changes nothing. */
  g_assert_true (pu_profile_move_identity_to_keyring (profile, &error));
  g_assert_no_error (error);

  /* Every face of the same user finds it: a profile opened anew, `peerup
   * init` (which never makes a new identity here), the CLI. */
  reopened = pu_profile_open (fx->config, &error);
  g_assert_no_error (error);
  g_assert_cmpint (pu_profile_get_identity_store (reopened), ==, PU_IDENTITY_STORE_KEYRING);
  g_assert_cmpstr (pu_identity_get_peer_id_string (pu_profile_get_identity (reopened)), ==, id);
  g_clear_object (&reopened);
  reopened = pu_profile_init (fx->config, NULL, NULL, &created, &error);
  g_assert_no_error (error);
  g_assert_false (created);
  g_assert_cmpstr (pu_identity_get_peer_id_string (pu_profile_get_identity (reopened)), ==, id);
  g_assert_false (g_file_test (fx->key, G_FILE_TEST_EXISTS));
  whoami = run_cli (fx, "whoami", NULL);
  g_assert_cmpstr (g_strstrip (whoami), ==, id);

  /* Back to a file: the same 68 bytes, 0600; the keyring forgets the key. */
  g_assert_true (pu_profile_move_identity_to_file (reopened, &error));
  g_assert_no_error (error);
  g_assert_cmpint (pu_profile_get_identity_store (reopened), ==, PU_IDENTITY_STORE_FILE);
  g_assert_false (g_file_test (fx->marker, G_FILE_TEST_EXISTS));
  g_file_get_contents (fx->key, &restored, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (restored, 68, original, original_len);
  g_assert_cmpuint (file_mode (fx->key), ==, 0600);
  gone = pu_secret_load_identity (pu_identity_get_peer_id (pu_profile_get_identity (profile)),
                                  &error);
  g_assert_null (gone);
  g_assert_error (error, PU_ERROR, PU_ERROR_NOT_FOUND);
}

/* The same moves with `peerup identity`. */
static void
test_cli (Fixture       *fx,
          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  g_autofree char *out = NULL;
  g_autofree char *expected = NULL;

  profile = pu_profile_init (fx->config, "desk", NULL, NULL, &error);
  g_assert_no_error (error);

  out = run_cli (fx, "identity", "where");
  expected = g_strdup_printf ("In identity.key beside %s\n", fx->config);
  g_assert_cmpstr (out, ==, expected);
  g_free (out);
  out = run_cli (fx, "identity", "to-keyring");
  g_assert_cmpstr (out, ==, "The private key is now in the desktop keyring\n");
  g_assert_false (g_file_test (fx->key, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (fx->marker, G_FILE_TEST_IS_REGULAR));
  g_free (out);
  out = run_cli (fx, "identity", "where");
  g_assert_cmpstr (out, ==, "In the desktop keyring (Secret Service)\n");
  g_free (out);
  out = run_cli (fx, "identity", "export-file");
  g_free (expected);
  expected = g_strdup_printf ("The private key is now in %s\n", fx->key);
  g_assert_cmpstr (out, ==, expected);
  g_assert_false (g_file_test (fx->marker, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (file_mode (fx->key), ==, 0600);
}

/* Without a session bus (over SSH, a system service) the key cannot move to
 * the keyring, and a key kept there is reported with what to do. */
static void
test_no_keyring (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  profile = pu_profile_init (fx->config, "desk", NULL, NULL, &error);
  g_assert_no_error (error);

  out = run_cli_full (fx, "identity", "to-keyring", FALSE, &status, &err);
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpstr (err, ==, "peerup: No desktop keyring answers on the session bus; the key "
                   "stays in identity.key\n");
  g_assert_true (g_file_test (fx->key, G_FILE_TEST_IS_REGULAR));
  g_assert_false (g_file_test (fx->marker, G_FILE_TEST_EXISTS));

  g_assert_true (pu_profile_move_identity_to_keyring (profile, &error));
  g_assert_no_error (error);
  g_free (out);
  g_free (err);
  out = run_cli_full (fx, "whoami", NULL, FALSE, &status, &err);
  g_assert_cmpint (status, ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_assert_true (g_str_has_prefix (err, "peerup: The keyring did not answer: "));
  g_assert_true (g_str_has_suffix (err, "(unlock it by logging in to the desktop; to use the "
                                   "key without one, run `peerup identity export-file` "
                                   "there)\n"));

  g_assert_true (pu_profile_move_identity_to_file (profile, &error));
  g_assert_no_error (error);
}

static void
test_bad_marker (Fixture       *fx,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  g_autoptr(PuIdentity) other = pu_identity_generate ();
  g_autofree char *expected = NULL;
  g_autofree char *line = NULL;

  profile = pu_profile_init (fx->config, "desk", NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&profile);
  g_assert_cmpint (g_unlink (fx->key), ==, 0);

  /* Not a peer ID. */
  g_assert_true (g_file_set_contents (fx->marker, "not a peer id\n", -1, &error));
  profile = pu_profile_open (fx->config, &error);
  g_assert_null (profile);
  g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
  expected = g_strdup_printf ("%s should hold this device's peer ID: ", fx->marker);
  g_assert_true (g_str_has_prefix (error->message, expected));
  g_clear_error (&error);

  /* A peer ID the keyring has no key for. */
  line = g_strdup_printf ("%s\n", pu_identity_get_peer_id_string (other));
  g_assert_true (g_file_set_contents (fx->marker, line, -1, &error));
  profile = pu_profile_open (fx->config, &error);
  g_assert_null (profile);
  g_assert_error (error, PU_ERROR, PU_ERROR_NOT_FOUND);
  g_assert_true (strstr (error->message, pu_identity_get_peer_id_string (other)) != NULL);
  g_clear_error (&error);

  /* Too long to be a peer ID: refused without being read. */
  g_assert_true (g_file_set_contents (fx->marker, "12D3KooW12D3KooW12D3KooW12D3KooW12D3KooW"
                                      "12D3KooW12D3KooW12D3KooW12D3KooW12D3KooW12D3KooW"
                                      "12D3KooW12D3KooW12D3KooW12D3KooW12D3KooW12D3KooW", -1,
                                      &error));
  profile = pu_profile_open (fx->config, &error);
  g_assert_null (profile);
  g_assert_error (error, PU_ERROR, PU_ERROR_TOO_LARGE);
}

static gboolean
start_keyring (void)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  static const char password[] = "test-password";
  GOutputStream *input;
  g_autofree char *data_home = g_build_filename (home, "data", NULL);
  g_autofree char *runtime = g_build_filename (home, "run", NULL);
  gint64 deadline;

  /* The keyring files and sockets stay in the test's directory. */
  g_assert_cmpint (g_mkdir (runtime, 0700), ==, 0);
  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_subprocess_launcher_setenv (launcher, "HOME", home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", data_home, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime, TRUE);
  /* gnome-keyring warns when an item is replaced: not fatal there. */
  g_subprocess_launcher_unsetenv (launcher, "G_DEBUG");
  keyring = g_subprocess_launcher_spawn (launcher, &error, "gnome-keyring-daemon",
                                         "--foreground", "--unlock", "--components=secrets",
                                         NULL);
  g_assert_no_error (error);
  /* The login keyring's password, then end of input. */
  input = g_subprocess_get_stdin_pipe (keyring);
  g_output_stream_write_all (input, password, strlen (password), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_close (input, NULL, &error);
  g_assert_no_error (error);

  /* Guards against a hang only. */
  deadline = g_get_monotonic_time () + PU_TEST_GUARD_SECONDS * G_USEC_PER_SEC;
  while (!pu_secret_is_available ())
    {
      if (g_get_monotonic_time () > deadline)
        return FALSE;
      g_usleep (G_USEC_PER_SEC / 20);
    }
  return TRUE;
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *daemon = g_find_program_in_path ("dbus-daemon");
  g_autofree char *gnome_keyring = g_find_program_in_path ("gnome-keyring-daemon");
  int status;

  g_test_init (&argc, &argv, NULL);

  if (daemon == NULL || gnome_keyring == NULL)
    {
      g_test_skip ("dbus-daemon and gnome-keyring-daemon are needed for a real Secret Service");
      return g_test_run ();
    }

  home = pu_test_make_tmpdir ();
  test_bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (test_bus);
  if (!start_keyring ())
    g_error ("gnome-keyring-daemon did not offer an unlocked login keyring");

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/secret/store-load-clear", test_store_load_clear);
  ADD ("/secret/profile-migration", test_profile_migration);
  ADD ("/secret/cli", test_cli);
  ADD ("/secret/no-keyring", test_no_keyring);
  ADD ("/secret/bad-marker", test_bad_marker);
#undef ADD

  status = g_test_run ();

  g_subprocess_force_exit (keyring);
  g_subprocess_wait (keyring, NULL, NULL);
  g_clear_object (&keyring);
  g_test_dbus_stop (test_bus);
  pu_test_remove_tree (home);
  g_free (home);
  return status;
}
