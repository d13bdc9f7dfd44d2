/* test-profile.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "pu-error.h"
#include "pu-label.h"
#include "pu-profile.h"
#include "pu-profile-private.h"
#include "pu-test-util.h"

typedef struct {
  char *dir;    /* a fresh directory; config.ini goes one level below it */
  char *config; /* dir/peerup/config.ini */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = pu_test_make_tmpdir ();
  f->config = g_build_filename (f->dir, "peerup", "config.ini", NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  pu_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->config);
}

static char *
beside (const char *config,
        const char *name)
{
  g_autofree char *dir = g_path_get_dirname (config);

  return g_build_filename (dir, name, NULL);
}

static guint
file_mode (const char *path)
{
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 07777;
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_file_get_contents (path, &data, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (data, len);
}

static void
test_profile_init_creates (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  g_autofree char *dir = g_path_get_dirname (f->config);
  g_autofree char *key = beside (f->config, "identity.key");
  g_autofree char *keys = beside (f->config, "authorized_keys");
  g_autoptr(GBytes) keys_data = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  gboolean created = FALSE;

  profile = pu_profile_init (f->config, NULL, NULL, &created, &error);
  g_assert_no_error (error);
  g_assert_true (created);

  g_assert_cmphex (file_mode (dir), ==, 0700);
  g_assert_cmphex (file_mode (key), ==, 0600);
  g_assert_cmphex (file_mode (keys), ==, 0600);
  g_assert_true (g_file_test (f->config, G_FILE_TEST_IS_REGULAR));
  keys_data = read_bytes (keys);
  g_assert_cmpuint (g_bytes_get_size (keys_data), ==, 0);

  g_assert_nonnull (pu_profile_get_config (profile));
  g_assert_nonnull (pu_profile_get_trust_store (profile));
  g_assert_true (g_str_has_prefix (
    pu_identity_get_peer_id_string (pu_profile_get_identity (profile)), "12D3KooW"));
  entries = pu_trust_store_list (pu_profile_get_trust_store (profile));
  g_assert_cmpuint (entries->len, ==, 0);
}

static void
test_profile_init_twice (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) first = NULL;
  g_autoptr(PuProfile) second = NULL;
  g_autoptr(PuProfile) opened = NULL;
  g_autofree char *key = beside (f->config, "identity.key");
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  gboolean created = FALSE;

  first = pu_profile_init (f->config, "laptop", NULL, &created, &error);
  g_assert_no_error (error);
  g_assert_true (created);
  before = read_bytes (key);

  second = pu_profile_init (f->config, "other", NULL, &created, &error);
  g_assert_no_error (error);
  g_assert_false (created);
  after = read_bytes (key);

  g_assert_true (g_bytes_equal (before, after));
  g_assert_cmpstr (pu_identity_get_peer_id_string (pu_profile_get_identity (first)), ==,
                   pu_identity_get_peer_id_string (pu_profile_get_identity (second)));
  /* A name is only given to a device that has none. */
  g_assert_cmpstr (pu_config_get_device_name (pu_profile_get_config (second)), ==, "laptop");

  opened = pu_profile_open (f->config, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pu_identity_get_peer_id_string (pu_profile_get_identity (opened)), ==,
                   pu_identity_get_peer_id_string (pu_profile_get_identity (first)));
}

static void
test_profile_init_relay (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  g_autoptr(PuConfig) config = NULL;
  const PuRelayAddr *relay;

  profile = pu_profile_init (f->config, NULL, "203.0.113.5:7777", NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&profile);
  /* The same relay again, in another form, is not added twice. */
  profile = pu_profile_init (f->config, NULL, "/ip4/203.0.113.5/tcp/7777", NULL, &error);
  g_assert_no_error (error);

  config = pu_config_load (f->config, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pu_config_get_relays (config)->len, ==, 1);
  relay = g_ptr_array_index (pu_config_get_relays (config), 0);
  g_assert_cmpstr (relay->host, ==, "203.0.113.5");
  g_assert_cmpuint (relay->port, ==, 7777);
}

static void
test_profile_init_refused (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  g_autofree char *key = beside (f->config, "identity.key");

  /* Bad options are refused before any file is written. */
  profile = pu_profile_init (f->config, NULL, "not a relay", NULL, &error);
  g_assert_null (profile);
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (g_file_test (key, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (f->config, G_FILE_TEST_EXISTS));

  profile = pu_profile_init (f->config, "Not_A_Label", NULL, NULL, &error);
  g_assert_null (profile);
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  g_assert_false (g_file_test (key, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (f->config, G_FILE_TEST_EXISTS));
}

static void
test_profile_init_keeps_dir_mode (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  g_autofree char *config = g_build_filename (f->dir, "config.ini", NULL);

  /* --config in an existing directory (a home, a working directory) leaves
   * that directory's mode alone. */
  g_assert_cmpint (g_chmod (f->dir, 0755), ==, 0);
  profile = pu_profile_init (config, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmphex (file_mode (f->dir), ==, 0755);
}

static void
test_profile_open_missing (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  g_autofree char *key = beside (f->config, "identity.key");

  profile = pu_profile_open (f->config, &error);
  g_assert_null (profile);
  g_assert_error (error, PU_ERROR, PU_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "peerup init"));
  g_clear_error (&error);

  /* A config without an identity is not set up either. */
  profile = pu_profile_init (f->config, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&profile);
  g_assert_cmpint (g_unlink (key), ==, 0);

  profile = pu_profile_open (f->config, &error);
  g_assert_null (profile);
  g_assert_error (error, PU_ERROR, PU_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "peerup init"));
  g_assert_nonnull (strstr (error->message, "identity.key"));
}

static void
test_profile_open_public_key_file (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  g_autofree char *key = beside (f->config, "identity.key");

  profile = pu_profile_init (f->config, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&profile);
  g_assert_cmpint (g_chmod (key, 0644), ==, 0);

  profile = pu_profile_open (f->config, &error);
  g_assert_null (profile);
  g_assert_error (error, PU_ERROR, PU_ERROR_PERMISSIONS);
  g_assert_nonnull (strstr (error->message, "chmod 600"));
  g_clear_error (&error);

  /* init loads the existing key too, and never replaces it. */
  profile = pu_profile_init (f->config, NULL, NULL, NULL, &error);
  g_assert_null (profile);
  g_assert_error (error, PU_ERROR, PU_ERROR_PERMISSIONS);
}

static void
test_profile_reload_config (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = pu_profile_init (f->config, "home", NULL, NULL, &error);
  g_autoptr(PuConfig) other = NULL;
  g_autoptr(PuConfig) before = NULL;
  PuConfig *after;

  g_assert_no_error (error);
  before = g_object_ref (pu_profile_get_config (profile));
  g_assert_null (pu_config_lookup_service (before, "ssh"));

  /* Another process (`peerup service add`) changes the file. */
  other = pu_config_load (f->config, &error);
  g_assert_no_error (error);
  g_assert_true (pu_config_add_service (other, "ssh", "127.0.0.1:22", &error));
  g_assert_true (pu_config_save (other, &error));
  g_assert_no_error (error);

  g_assert_true (pu_profile_reload_config (profile, &error));
  g_assert_no_error (error);
  after = pu_profile_get_config (profile);
  g_assert_true (after != before);
  g_assert_nonnull (pu_config_lookup_service (after, "ssh"));
  g_assert_cmpstr (pu_config_get_path (after), ==, f->config);
  /* The old object is still whole for whoever held it. */
  g_assert_null (pu_config_lookup_service (before, "ssh"));

  /* A broken edit leaves the current config in place. */
  g_assert_true (g_file_set_contents (f->config, "[peerup\nversion=1\n", -1, &error));
  g_assert_false (pu_profile_reload_config (profile, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_PARSE);
  g_assert_true (pu_profile_get_config (profile) == after);
  g_assert_nonnull (pu_config_lookup_service (after, "ssh"));
}

typedef struct {
  guint     count;
  PuConfig *previous;
} Changes;

static void
config_changed_cb (PuProfile *profile,
                   PuConfig  *previous,
                   Changes   *changes)
{
  changes->count++;
  g_set_object (&changes->previous, previous);
}

static void
kept_cb (const char     *domain,
         GLogLevelFlags  level,
         const char     *message,
         gpointer        data)
{
  guint *counter = data;

  if (strstr (message, "Keeping the previous settings") != NULL)
    (*counter)++;
}

/* Another process edits config.ini: the profile reads it again by itself and
 * says so, handing over the config it had. */
static void
test_profile_config_changed (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = pu_profile_init (f->config, "home", NULL, NULL, &error);
  g_autoptr(PuConfig) other = NULL;
  g_autoptr(PuConfig) first = NULL;
  Changes changes = { 0 };
  PuConfig *second;
  guint kept = 0;
  guint handler;

  g_assert_no_error (error);
  first = g_object_ref (pu_profile_get_config (profile));
  g_signal_connect (profile, "config-changed", G_CALLBACK (config_changed_cb), &changes);

  other = pu_config_load (f->config, &error);
  g_assert_no_error (error);
  g_assert_true (pu_config_add_service (other, "ssh", "127.0.0.1:22", &error));
  g_assert_true (pu_config_save (other, &error));
  g_assert_no_error (error);
  pu_test_run_until_count (&changes.count, 1);
  second = pu_profile_get_config (profile);
  g_assert_true (changes.previous == first);
  g_assert_true (second != first);
  g_assert_nonnull (pu_config_lookup_service (second, "ssh"));
  g_assert_null (pu_config_lookup_service (first, "ssh"));

  /* Reading the same settings again is no change. */
  g_assert_true (pu_profile_reload_config (profile, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changes.count, ==, 1);
  g_assert_true (pu_profile_get_config (profile) == second);

  /* A bad edit is reported and the settings in use stay. */
  handler = g_log_set_handler ("peerup-core", G_LOG_LEVEL_MESSAGE, kept_cb, &kept);
  g_assert_true (g_file_set_contents (f->config, "[peerup\nversion=1\n", -1, &error));
  pu_test_run_until_count (&kept, 1);
  g_log_remove_handler ("peerup-core", handler);
  g_assert_true (pu_profile_get_config (profile) == second);

  /* Fixed again: a second change, from the config in use. */
  g_assert_true (pu_config_remove_service (other, "ssh", &error));
  g_assert_true (pu_config_save (other, &error));
  g_assert_no_error (error);
  pu_test_run_until_count (&changes.count, 2);
  g_assert_true (changes.previous == second);
  g_assert_null (pu_config_lookup_service (pu_profile_get_config (profile), "ssh"));

  g_signal_handlers_disconnect_by_data (profile, &changes);
  g_clear_object (&changes.previous);
}

static void
test_profile_default_path (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  g_autoptr(PuProfile) opened = NULL;
  g_autofree char *expected = NULL;
  gboolean created = FALSE;

  /* main() pointed XDG_CONFIG_HOME at an empty directory. */
  expected = g_build_filename (g_get_user_config_dir (), "peerup", "config.ini", NULL);
  profile = pu_profile_init (NULL, NULL, NULL, &created, &error);
  g_assert_no_error (error);
  g_assert_true (created);
  g_assert_cmpstr (pu_config_get_path (pu_profile_get_config (profile)), ==, expected);
  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));

  opened = pu_profile_open (NULL, &error);
  g_assert_no_error (error);
}

static void
test_profile_device_name (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuProfile) profile = NULL;
  g_autofree char *name = NULL;
  g_autofree char *expected = pu_profile_label_from_hostname (g_get_host_name ());

  profile = pu_profile_init (f->config, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  name = pu_profile_dup_device_name (profile);
  g_assert_cmpstr (name, ==, expected);
  g_assert_true (pu_label_validate (name, "device name", &error));
  g_assert_no_error (error);
  g_clear_pointer (&name, g_free);

  g_assert_true (pu_config_set_device_name (pu_profile_get_config (profile), "desk", &error));
  g_assert_no_error (error);
  name = pu_profile_dup_device_name (profile);
  g_assert_cmpstr (name, ==, "desk");
}

static void
test_profile_label_from_hostname (void)
{
  static const struct {
    const char *host;
    const char *label;
  } cases[] = {
    { "laptop", "laptop" },
    { "Anna's MacBook.local", "anna-s-macbook" },
    { "desk.example.org", "desk" },
    { "--odd__name--", "odd-name" },
    { "caf\xc3\xa9", "caf" },
    { "", "device" },
    { "---", "device" },
    { ".local", "device" },
  };
  g_autofree char *long_host = g_strnfill (200, 'a');
  g_autofree char *label = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = pu_profile_label_from_hostname (cases[i].host);
      g_autoptr(GError) error = NULL;

      g_assert_cmpstr (got, ==, cases[i].label);
      g_assert_true (pu_label_validate (got, "device name", &error));
      g_assert_no_error (error);
    }

  label = pu_profile_label_from_hostname (long_host);
  g_assert_cmpuint (strlen (label), ==, PU_LABEL_MAX_LEN);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autofree char *xdg = g_dir_make_tmp ("pu-profile-xdg-XXXXXX", &error);
  int status;

  /* Before anything reads it: GLib caches the user directories. */
  g_assert_no_error (error);
  g_setenv ("XDG_CONFIG_HOME", xdg, TRUE);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/profile/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("init-creates", test_profile_init_creates);
  ADD ("init-twice", test_profile_init_twice);
  ADD ("init-relay", test_profile_init_relay);
  ADD ("init-refused", test_profile_init_refused);
  ADD ("init-keeps-dir-mode", test_profile_init_keeps_dir_mode);
  ADD ("open-missing", test_profile_open_missing);
  ADD ("open-public-key-file", test_profile_open_public_key_file);
  ADD ("device-name", test_profile_device_name);
  ADD ("reload-config", test_profile_reload_config);
  ADD ("config-changed", test_profile_config_changed);
#undef ADD
  g_test_add_func ("/profile/default-path", test_profile_default_path);
  g_test_add_func ("/profile/label-from-hostname", test_profile_label_from_hostname);

  status = g_test_run ();
  pu_test_remove_tree (xdg);
  return status;
}
