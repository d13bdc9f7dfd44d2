/* test-cli.c — the real `peerup` binary, run as a user would
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
/* posix_openpt() and friends */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pu-config.h"
#include "pu-identity.h"
#include "pu-sas.h"
#include "pu-test-util.h"

typedef struct {
  char *dir;     /* everything of one test lives here */
  char *xdg;     /* XDG_CONFIG_HOME for the binary */
  char *config;  /* dir/device/config.ini, passed with --config */
  char *keys;    /* authorized_keys beside it */
  char *key;     /* identity.key beside it */
  int status;
  char *out;
  char *err;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = pu_test_make_tmpdir ();
  f->xdg = g_build_filename (f->dir, "xdg", NULL);
  f->config = g_build_filename (f->dir, "device", "config.ini", NULL);
  f->keys = g_build_filename (f->dir, "device", "authorized_keys", NULL);
  f->key = g_build_filename (f->dir, "device", "identity.key", NULL);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  pu_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->xdg);
  g_free (f->config);
  g_free (f->keys);
  g_free (f->key);
  g_free (f->out);
  g_free (f->err);
}

/* Runs peerup with @argv (NULL-terminated, without the program), keeping its
 * exit status and output in @f. */
static void
run_argv (Fixture           *f,
          const char * const *argv)
{
  g_autoptr(GSubprocess) proc = pu_test_spawn_peerup (f->xdg, argv);
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&f->out, g_free);
  g_clear_pointer (&f->err, g_free);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &f->out, &f->err, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  f->status = g_subprocess_get_exit_status (proc);
}

static void
run_valist (Fixture    *f,
            gboolean    with_config,
            const char *first,
            va_list     ap)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (argv, (char *) arg);
  /* After the positional arguments: options may come anywhere. */
  if (with_config)
    {
      g_ptr_array_add (argv, (char *) "--config");
      g_ptr_array_add (argv, f->config);
    }
  g_ptr_array_add (argv, NULL);
  run_argv (f, (const char * const *) argv->pdata);
}

/* peerup ARGS… --config <the test's config.ini> */
G_GNUC_NULL_TERMINATED static void
cli (Fixture    *f,
     const char *first,
     ...)
{
  va_list ap;

  va_start (ap, first);
  run_valist (f, TRUE, first, ap);
  va_end (ap);
}

/* peerup ARGS…, with only XDG_CONFIG_HOME to find the device */
G_GNUC_NULL_TERMINATED static void
cli_plain (Fixture    *f,
           const char *first,
           ...)
{
  va_list ap;

  va_start (ap, first);
  run_valist (f, FALSE, first, ap);
  va_end (ap);
}

static void
assert_ok (Fixture *f)
{
  if (f->status != 0)
    g_error ("peerup failed (%d): %s%s", f->status, f->out, f->err);
  g_assert_cmpstr (f->err, ==, "");
}

/* Exit @status with exactly one "peerup: …" line on stderr containing @needle. */
static void
assert_fails (Fixture    *f,
              int         status,
              const char *needle)
{
  g_auto(GStrv) lines = NULL;

  g_assert_cmpint (f->status, ==, status);
  g_assert_true (g_str_has_prefix (f->err, "peerup: "));
  lines = g_strsplit (f->err, "\n", -1);
  if (status == 1)
    {
      g_assert_cmpuint (g_strv_length (lines), ==, 2);
    }
  else
    {
      g_assert_cmpuint (g_strv_length (lines), ==, 3);
      g_assert_true (g_str_has_prefix (lines[1], "Try 'peerup "));
      g_assert_true (g_str_has_suffix (lines[1], " --help'."));
    }
  if (strstr (f->err, needle) == NULL)
    g_error ("“%s” not in stderr: %s", needle, f->err);
}

static void
assert_contains (const char *haystack,
                 const char *needle)
{
  if (strstr (haystack, needle) == NULL)
    g_error ("“%s” not in: %s", needle, haystack);
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

static void
write_file (const char *path,
            const char *contents,
            int         mode)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents_full (path, contents, -1, G_FILE_SET_CONTENTS_CONSISTENT, mode, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (path, mode), ==, 0);
}

static JsonNode *
parse_json (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);
  return json_node_copy (json_parser_get_root (parser));
}

static char *
new_peer_id (void)
{
  g_autoptr(PuIdentity) identity = pu_identity_generate ();

  return g_strdup (pu_identity_get_peer_id_string (identity));
}

/* Sets the device up and returns its peer ID. */
static char *
init_device (Fixture *f)
{
  g_autoptr(JsonNode) node = NULL;

  cli (f, "init", "--non-interactive", "--name", "desk", NULL);
  assert_ok (f);
  cli (f, "whoami", "--json", NULL);
  assert_ok (f);
  node = parse_json (f->out);
  return g_strdup (json_object_get_string_member (json_node_get_object (node), "peer_id"));
}

static void
test_cli_version (Fixture       *f,
                  gconstpointer  data)
{
  cli_plain (f, "--version", NULL);
  assert_ok (f);
  g_assert_true (g_regex_match_simple ("^peerup 0\\.1\\.0 \\(commit ([0-9a-f]{7,40}|unknown), "
                                       "built [0-9]{4}-[0-9]{2}-[0-9]{2}\\)\n$",
                                       f->out, 0, 0));
}

static void
test_cli_help (Fixture       *f,
               gconstpointer  data)
{
  static const char *const groups[] = { "init", "whoami", "status", "auth", "service",
                                        "relay", "name", "config" };

  cli_plain (f, "--help", NULL);
  assert_ok (f);
  for (gsize i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      g_autofree char *line = g_strdup_printf ("\n  %s ", groups[i]);

      assert_contains (f->out, line);
    }

  cli_plain (f, "auth", "--help", NULL);
  assert_ok (f);
  assert_contains (f->out, "  add ");
  assert_contains (f->out, "  validate ");

  cli_plain (f, "auth", "add", "--help", NULL);
  assert_ok (f);
  assert_contains (f->out, "peerup auth add");
  assert_contains (f->out, "--comment");
  assert_contains (f->out, "--expires");
  assert_contains (f->out, "--config");

  cli_plain (f, "help", "service", "add", NULL);
  assert_ok (f);
  assert_contains (f->out, "--allow");
}

static void
test_cli_usage_errors (Fixture       *f,
                       gconstpointer  data)
{
  static const char *const no_args[] = { NULL };

  run_argv (f, no_args);
  g_assert_cmpint (f->status, ==, 2);
  assert_contains (f->err, "Commands:");

  cli_plain (f, "frobnicate", NULL);
  assert_fails (f, 2, "frobnicate");
  assert_contains (f->err, "Try 'peerup --help'.");

  cli_plain (f, "--frobnicate", NULL);
  assert_fails (f, 2, "--frobnicate");

  cli (f, "auth", "frobnicate", NULL);
  assert_fails (f, 2, "auth frobnicate");
  assert_contains (f->err, "Try 'peerup auth --help'.");

  cli_plain (f, "auth", NULL);
  g_assert_cmpint (f->status, ==, 2);
  assert_contains (f->err, "Commands:");

  cli (f, "auth", "add", NULL);
  assert_fails (f, 2, "Missing argument");
  assert_contains (f->err, "Try 'peerup auth add --help'.");

  cli (f, "whoami", "extra", NULL);
  assert_fails (f, 2, "extra");
  assert_contains (f->err, "Try 'peerup whoami --help'.");

  cli (f, "whoami", "--bogus", NULL);
  assert_fails (f, 2, "--bogus");

  cli_plain (f, "whoami", "--config", NULL);
  assert_fails (f, 2, "--config");

  cli (f, "service", "add", "ssh", NULL);
  assert_fails (f, 2, "Missing argument");
}

static void
test_cli_init_twice (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *first_out = NULL;
  g_autofree char *key_before = NULL;
  g_autofree char *key_after = NULL;
  g_autofree char *peer_line = NULL;
  g_autofree char *peer_id = NULL;
  g_autofree char *dir = g_path_get_dirname (f->config);
  GStatBuf st;

  cli (f, "init", "--name", "desk", NULL);
  assert_ok (f);
  assert_contains (f->out, "Initialized");
  assert_contains (f->out, "Device name: desk\n");
  /* Not a terminal: no QR code. */
  g_assert_null (strstr (f->out, "\u2588"));
  first_out = g_steal_pointer (&f->out);
  key_before = read_file (f->key);

  g_assert_cmpint (g_stat (f->key, &st), ==, 0);
  g_assert_cmphex (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (f->keys, &st), ==, 0);
  g_assert_cmphex (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (st.st_size, ==, 0);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmphex (st.st_mode & 0777, ==, 0700);

  cli (f, "whoami", NULL);
  assert_ok (f);
  g_assert_true (g_str_has_prefix (f->out, "12D3KooW"));
  peer_id = g_strchomp (g_steal_pointer (&f->out));
  peer_line = g_strdup_printf ("Peer ID: %s\n", peer_id);
  assert_contains (first_out, peer_line);

  cli (f, "init", "--non-interactive", NULL);
  assert_ok (f);
  assert_contains (f->out, "Already initialized");
  assert_contains (f->out, peer_line);
  key_after = read_file (f->key);
  g_assert_cmpmem (key_before, 68, key_after, 68);

  cli (f, "whoami", NULL);
  assert_ok (f);
  g_assert_cmpstr (g_strchomp (f->out), ==, peer_id);
}

/* peerup ARGS… --config … with stdout on a terminal; returns what it printed. */
static char *
run_on_terminal (Fixture    *f,
                 const char *arg1,
                 const char *arg2)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) out = g_string_new (NULL);
  const char *bin = g_getenv ("PU_PEERUP_BIN");
  int master = posix_openpt (O_RDWR | O_NOCTTY | O_CLOEXEC);
  int slave;

  g_assert_cmpint (master, >=, 0);
  g_assert_cmpint (grantpt (master), ==, 0);
  g_assert_cmpint (unlockpt (master), ==, 0);
  slave = open (ptsname (master), O_RDWR | O_NOCTTY | O_CLOEXEC);
  g_assert_cmpint (slave, >=, 0);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", f->xdg, TRUE);
  g_subprocess_launcher_take_stdout_fd (launcher, slave);
  proc = g_subprocess_launcher_spawn (launcher, &error, bin, arg1, arg2,
                                      "--config", f->config, NULL);
  g_assert_no_error (error);
  /* Our copy of the terminal's slave side goes with the launcher, so reading
   * ends (EIO) when the child is done with it. */
  g_clear_object (&launcher);

  for (;;)
    {
      char buf[4096];
      ssize_t n = read (master, buf, sizeof buf);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      g_string_append_len (out, buf, n);
    }
  close (master);

  g_subprocess_wait_check (proc, NULL, &error);
  g_assert_no_error (error);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static void
test_cli_init_terminal (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *shown = run_on_terminal (f, "init", "--name=desk");
  g_autofree char *quiet = NULL;

  /* On a terminal, init draws the peer ID as a QR code... */
  assert_contains (shown, "Peer ID: 12D3KooW");
  assert_contains (shown, "\033[97;40m\u2588\u2588\u2588\u2588");
  /* ...unless told not to. */
  quiet = run_on_terminal (f, "init", "--non-interactive");
  assert_contains (quiet, "Already initialized");
  g_assert_null (strstr (quiet, "\u2588"));
}

static void
test_cli_default_config (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->xdg, "peerup", "config.ini", NULL);
  g_autofree char *key = g_build_filename (f->xdg, "peerup", "identity.key", NULL);

  cli_plain (f, "whoami", NULL);
  assert_fails (f, 1, "peerup init");

  cli_plain (f, "init", "--non-interactive", NULL);
  assert_ok (f);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (g_file_test (key, G_FILE_TEST_IS_REGULAR));

  cli_plain (f, "status", NULL);
  assert_ok (f);
  assert_contains (f->out, path);
}

static void
test_cli_whoami_json (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  cli (f, "whoami", NULL);
  assert_fails (f, 1, "peerup init --config");

  cli (f, "init", "--non-interactive", "--name", "desk", NULL);
  assert_ok (f);
  cli (f, "whoami", "--json", NULL);
  assert_ok (f);
  node = parse_json (f->out);
  object = json_node_get_object (node);
  g_assert_true (g_str_has_prefix (json_object_get_string_member (object, "peer_id"),
                                   "12D3KooW"));
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "desk");
}

static void
test_cli_auth (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *self_id = init_device (f);
  g_autofree char *peer = new_peer_id ();
  g_autofree char *other = new_peer_id ();
  g_autofree char *keys = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *array;
  JsonObject *entry;

  cli (f, "auth", "list", NULL);
  assert_ok (f);
  assert_contains (f->out, "No authorized peers");

  /* Options after the positional argument. */
  cli (f, "auth", "add", peer, "--comment", "Anna's laptop", "--expires", "7d", NULL);
  assert_ok (f);
  assert_contains (f->out, peer);
  assert_contains (f->out, "expires");
  keys = read_file (f->keys);
  assert_contains (keys, peer);
  assert_contains (keys, "expires=");
  assert_contains (keys, "# Anna's laptop");
  g_clear_pointer (&keys, g_free);

  cli (f, "auth", "add", "--comment", "no expiry", other, NULL);
  assert_ok (f);

  cli (f, "auth", "list", NULL);
  assert_ok (f);
  assert_contains (f->out, peer);
  assert_contains (f->out, other);
  assert_contains (f->out, "# no expiry");

  cli (f, "auth", "list", "--json", NULL);
  assert_ok (f);
  node = parse_json (f->out);
  array = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (array), ==, 2);
  entry = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "peer_id"), ==, peer);
  g_assert_cmpstr (json_object_get_string_member (entry, "comment"), ==, "Anna's laptop");
  g_assert_false (json_object_get_boolean_member (entry, "expired"));
  g_assert_true (g_str_has_suffix (json_object_get_string_member (entry, "expires"), "Z"));
  g_assert_true (json_object_get_null_member (entry, "verified"));
  entry = json_array_get_object_element (array, 1);
  g_assert_true (json_object_get_null_member (entry, "expires"));

  cli (f, "auth", "add", peer, NULL);
  assert_fails (f, 1, peer);

  cli (f, "auth", "add", "12D3KooWnotapeer", NULL);
  assert_fails (f, 1, "12D3KooWnotapeer");

  cli (f, "auth", "add", "nobody", NULL);
  assert_fails (f, 1, "nobody");

  cli (f, "auth", "add", self_id, NULL);
  assert_fails (f, 1, "own peer ID");

  cli (f, "auth", "remove", peer, NULL);
  assert_ok (f);
  keys = read_file (f->keys);
  g_assert_null (strstr (keys, peer));
  assert_contains (keys, other);
  g_clear_pointer (&keys, g_free);

  cli (f, "auth", "remove", peer, NULL);
  assert_fails (f, 1, peer);

  /* A time in the past is refused; nothing is written. */
  cli (f, "auth", "add", peer, "--expires", "2001-02-03T04:05:06Z", NULL);
  assert_fails (f, 1, "2001-02-03T04:05:06Z");
  cli (f, "auth", "add", peer, "--expires", "soon", NULL);
  assert_fails (f, 1, "--expires");
  keys = read_file (f->keys);
  g_assert_null (strstr (keys, peer));
}

static void
test_cli_auth_expired (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *peer = new_peer_id ();
  g_autofree char *line = g_strdup_printf ("%s expires=2001-02-03T04:05:06Z # old\n", peer);
  g_autoptr(JsonNode) node = NULL;
  JsonObject *entry;

  g_free (init_device (f));

  write_file (f->keys, line, 0600);
  cli (f, "auth", "list", NULL);
  assert_ok (f);
  assert_contains (f->out, "expired 2001-02-03T04:05:06Z");

  cli (f, "auth", "list", "--json", NULL);
  assert_ok (f);
  node = parse_json (f->out);
  entry = json_array_get_object_element (json_node_get_array (node), 0);
  g_assert_true (json_object_get_boolean_member (entry, "expired"));
  g_assert_cmpstr (json_object_get_string_member (entry, "expires"), ==,
                   "2001-02-03T04:05:06Z");
}

static void
test_cli_auth_validate (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *peer = new_peer_id ();
  g_autofree char *path = g_build_filename (f->dir, "keys", NULL);
  g_autofree char *contents = g_strdup_printf ("# my peers\n"
                                               "%s # fine\n"
                                               "not-a-peer-id\n"
                                               "\n"
                                               "%s expires=yesterday\n"
                                               "\033[2Jx\n",
                                               peer, peer);
  g_auto(GStrv) lines = NULL;
  g_autofree char *valid = g_strdup_printf ("%s\n", peer);

  write_file (path, contents, 0600);
  cli (f, "auth", "validate", path, NULL);
  g_assert_cmpint (f->status, ==, 1);
  lines = g_strsplit (f->err, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 4);
  g_assert_true (g_str_has_prefix (lines[0], "peerup: "));
  assert_contains (lines[0], "line 3");
  g_assert_true (g_str_has_prefix (lines[1], "peerup: "));
  assert_contains (lines[1], "line 5");
  /* A hostile line cannot drive the terminal. */
  assert_contains (lines[2], "line 6");
  g_assert_null (strchr (f->err, '\033'));

  write_file (path, valid, 0600);
  cli (f, "auth", "validate", path, NULL);
  assert_ok (f);
  assert_contains (f->out, "valid");

  /* Without FILE: the device's own authorized_keys. */
  g_free (init_device (f));
  cli (f, "auth", "validate", NULL);
  assert_ok (f);
  assert_contains (f->out, f->keys);

  cli (f, "auth", "validate", "/nonexistent/keys", NULL);
  assert_fails (f, 1, "/nonexistent/keys");
}

static JsonObject *
find_service (JsonNode   *node,
              const char *name)
{
  JsonArray *array = json_node_get_array (node);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);

      if (g_str_equal (json_object_get_string_member (object, "name"), name))
        return object;
    }
  return NULL;
}

static gboolean
service_enabled (Fixture    *f,
                 const char *name)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *service;

  cli (f, "service", "list", "--json", NULL);
  assert_ok (f);
  node = parse_json (f->out);
  service = find_service (node, name);
  g_assert_nonnull (service);
  return json_object_get_boolean_member (service, "enabled");
}

static void
test_cli_service (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *self_id = init_device (f);
  g_autofree char *peer = new_peer_id ();
  g_autofree char *config = NULL;
  g_autofree char *before = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *service;
  JsonArray *allowed;

  cli (f, "service", "list", NULL);
  assert_ok (f);
  assert_contains (f->out, "No services");

  cli (f, "service", "add", "ssh", "127.0.0.1:22", NULL);
  assert_ok (f);
  config = read_file (f->config);
  assert_contains (config, "[service ssh]");
  assert_contains (config, "127.0.0.1:22");
  g_assert_true (service_enabled (f, "ssh"));

  cli (f, "service", "disable", "ssh", NULL);
  assert_ok (f);
  g_assert_false (service_enabled (f, "ssh"));
  cli (f, "service", "enable", "ssh", NULL);
  assert_ok (f);
  g_assert_true (service_enabled (f, "ssh"));

  cli (f, "service", "add", "ssh", "127.0.0.1:2222", NULL);
  assert_fails (f, 1, "ssh");
  cli (f, "service", "add", "Bad_Name", "127.0.0.1:22", NULL);
  assert_fails (f, 1, "Bad_Name");
  cli (f, "service", "add", "web", "127.0.0.1", NULL);
  assert_fails (f, 1, "127.0.0.1");
  cli (f, "service", "add", "web", "127.0.0.1:99999", NULL);
  assert_fails (f, 1, "99999");
  cli (f, "service", "enable", "nothing", NULL);
  assert_fails (f, 1, "nothing");

  /* An unknown peer in --allow leaves the config as it was. */
  before = read_file (f->config);
  cli (f, "service", "add", "web", "[::1]:8080", "--allow", "ghost", NULL);
  assert_fails (f, 1, "ghost");
  g_clear_pointer (&config, g_free);
  config = read_file (f->config);
  g_assert_cmpstr (config, ==, before);

  cli (f, "name", "set", "anna", peer, NULL);
  assert_ok (f);
  cli (f, "service", "add", "web", "[::1]:8080", "--allow", "anna", "--allow", self_id, NULL);
  assert_ok (f);
  cli (f, "service", "list", "--json", NULL);
  assert_ok (f);
  node = parse_json (f->out);
  service = find_service (node, "web");
  g_assert_nonnull (service);
  g_assert_cmpstr (json_object_get_string_member (service, "address"), ==, "[::1]:8080");
  allowed = json_object_get_array_member (service, "allowed");
  g_assert_cmpuint (json_array_get_length (allowed), ==, 2);
  g_assert_cmpstr (json_array_get_string_element (allowed, 0), ==, "anna");

  cli (f, "service", "list", NULL);
  assert_ok (f);
  assert_contains (f->out, "ssh  127.0.0.1:22  enabled");
  assert_contains (f->out, "anna");

  cli (f, "service", "remove", "ssh", NULL);
  assert_ok (f);
  g_clear_pointer (&config, g_free);
  config = read_file (f->config);
  g_assert_null (strstr (config, "[service ssh]"));
  cli (f, "service", "remove", "ssh", NULL);
  assert_fails (f, 1, "ssh");
}

static void
test_cli_relay (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *relay_id = new_peer_id ();
  g_autofree char *multiaddr = g_strdup_printf ("/ip4/198.51.100.7/tcp/7000/p2p/%s", relay_id);
  g_autofree char *config = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonArray *array;
  JsonObject *relay;

  g_free (init_device (f));

  cli (f, "relay", "list", NULL);
  assert_ok (f);
  assert_contains (f->out, "No relays");

  cli (f, "relay", "add", "203.0.113.5", "--peer-id", relay_id, NULL);
  assert_ok (f);
  assert_contains (f->out, "203.0.113.5:7777");
  cli (f, "relay", "add", multiaddr, NULL);
  assert_ok (f);
  cli (f, "relay", "add", "192.0.2.1:7777", NULL);
  assert_ok (f);
  assert_contains (f->out, "--peer-id");

  config = read_file (f->config);
  assert_contains (config, "[relay 203.0.113.5:7777]");

  cli (f, "relay", "list", "--json", NULL);
  assert_ok (f);
  node = parse_json (f->out);
  array = json_node_get_array (node);
  g_assert_cmpuint (json_array_get_length (array), ==, 3);
  relay = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (relay, "address"), ==, "203.0.113.5:7777");
  g_assert_cmpstr (json_object_get_string_member (relay, "peer_id"), ==, relay_id);
  relay = json_array_get_object_element (array, 2);
  g_assert_true (json_object_get_null_member (relay, "peer_id"));

  cli (f, "relay", "add", "not an address", NULL);
  assert_fails (f, 1, "not an address");
  cli (f, "relay", "add", "203.0.113.5:7777", NULL);
  assert_fails (f, 1, "203.0.113.5");
  cli (f, "relay", "add", "relay.example.org:7777", NULL);
  g_assert_cmpint (f->status, ==, 1);

  cli (f, "relay", "remove", "203.0.113.5:7777", NULL);
  assert_ok (f);
  cli (f, "relay", "remove", relay_id, NULL);
  assert_ok (f);
  cli (f, "relay", "remove", "203.0.113.5:7777", NULL);
  assert_fails (f, 1, "203.0.113.5");

  cli (f, "relay", "list", NULL);
  assert_ok (f);
  g_assert_null (strstr (f->out, "203.0.113.5"));
  g_assert_null (strstr (f->out, "198.51.100.7"));
  assert_contains (f->out, "192.0.2.1:7777");
}

static void
test_cli_names (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *peer = new_peer_id ();
  g_autofree char *keys = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *entry;

  g_free (init_device (f));

  cli (f, "name", "set", "home", peer, NULL);
  assert_ok (f);
  cli (f, "name", "list", NULL);
  assert_ok (f);
  assert_contains (f->out, "home");
  assert_contains (f->out, peer);

  cli (f, "name", "list", "--json", NULL);
  assert_ok (f);
  node = parse_json (f->out);
  entry = json_array_get_object_element (json_node_get_array (node), 0);
  g_assert_cmpstr (json_object_get_string_member (entry, "name"), ==, "home");
  g_assert_cmpstr (json_object_get_string_member (entry, "peer_id"), ==, peer);

  /* Every command that takes a peer takes a name. */
  cli (f, "auth", "add", "home", NULL);
  assert_ok (f);
  assert_contains (f->out, "(home)");
  keys = read_file (f->keys);
  assert_contains (keys, peer);

  cli (f, "auth", "list", NULL);
  assert_ok (f);
  assert_contains (f->out, "(home)");

  /* "--" ends the options. */
  cli_plain (f, "name", "set", "--config", f->config, "--", "work", peer, NULL);
  assert_ok (f);
  cli (f, "name", "remove", "work", NULL);
  assert_ok (f);

  cli (f, "name", "set", "Not_A_Name", peer, NULL);
  assert_fails (f, 1, "Not_A_Name");
  cli (f, "name", "set", "work", "12D3KooWbroken", NULL);
  assert_fails (f, 1, "12D3KooWbroken");

  cli (f, "auth", "remove", "home", NULL);
  assert_ok (f);
  cli (f, "name", "remove", "home", NULL);
  assert_ok (f);
  cli (f, "name", "remove", "home", NULL);
  assert_fails (f, 1, "home");
  cli (f, "auth", "add", "home", NULL);
  assert_fails (f, 1, "home");
}

static void
test_cli_status (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *self_id = init_device (f);
  g_autofree char *peer = new_peer_id ();
  g_autofree char *relay_id = new_peer_id ();
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  JsonObject *item;
  JsonArray *array;

  cli (f, "status", NULL);
  assert_ok (f);
  assert_contains (f->out, self_id);
  assert_contains (f->out, "none");
  assert_contains (f->out, "\nNode:     not running\n");

  cli (f, "relay", "add", "203.0.113.5:7777", "--peer-id", relay_id, NULL);
  assert_ok (f);
  cli (f, "name", "set", "home", peer, NULL);
  assert_ok (f);
  cli (f, "auth", "add", "home", "--comment", "the server", "--expires", "2w", NULL);
  assert_ok (f);
  cli (f, "service", "add", "ssh", "127.0.0.1:22", "--allow", "home", NULL);
  assert_ok (f);
  cli (f, "service", "disable", "ssh", NULL);
  assert_ok (f);

  cli (f, "status", "--json", NULL);
  assert_ok (f);
  node = parse_json (f->out);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "version"), ==, "0.1.0");
  g_assert_cmpstr (json_object_get_string_member (object, "peer_id"), ==, self_id);
  g_assert_cmpstr (json_object_get_string_member (object, "name"), ==, "desk");
  g_assert_cmpstr (json_object_get_string_member (object, "config"), ==, f->config);

  array = json_object_get_array_member (object, "relays");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  item = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (item, "peer_id"), ==, relay_id);

  array = json_object_get_array_member (object, "authorized_peers");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  item = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (item, "peer_id"), ==, peer);
  g_assert_cmpstr (json_object_get_string_member (item, "name"), ==, "home");
  g_assert_cmpstr (json_object_get_string_member (item, "comment"), ==, "the server");
  g_assert_true (json_object_get_null_member (item, "verified"));
  g_assert_false (json_object_get_null_member (item, "expires"));

  array = json_object_get_array_member (object, "services");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  item = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (item, "name"), ==, "ssh");
  g_assert_false (json_object_get_boolean_member (item, "enabled"));
  g_assert_cmpstr (json_array_get_string_element (
                     json_object_get_array_member (item, "allowed"), 0), ==, "home");

  array = json_object_get_array_member (object, "names");
  g_assert_cmpuint (json_array_get_length (array), ==, 1);
  item = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (item, "name"), ==, "home");

  item = json_object_get_object_member (object, "node");
  g_assert_false (json_object_get_boolean_member (item, "running"));
  g_assert_false (json_object_has_member (item, "error"));

  cli (f, "status", NULL);
  assert_ok (f);
  assert_contains (f->out, "desk");
  assert_contains (f->out, "203.0.113.5:7777");
  assert_contains (f->out, "(home)");
  assert_contains (f->out, "# the server");
  assert_contains (f->out, "ssh  127.0.0.1:22  disabled");
}

static void
test_cli_config (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *bad = g_build_filename (f->dir, "bad.ini", NULL);
  g_autoptr(PuConfig) config = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_line = g_strdup_printf ("# %s\n", f->config);

  g_free (init_device (f));

  cli (f, "config", "validate", NULL);
  assert_ok (f);
  assert_contains (f->out, f->config);
  cli (f, "config", "validate", f->config, NULL);
  assert_ok (f);

  write_file (bad, "[peerup]\nversion=1\n[service Bad_Name]\naddress=127.0.0.1:22\n", 0600);
  cli (f, "config", "validate", bad, NULL);
  assert_fails (f, 1, "Bad_Name");
  write_file (bad, "this is not an ini file\n", 0600);
  cli (f, "config", "validate", bad, NULL);
  assert_fails (f, 1, bad);
  write_file (bad, "[peerup]\nversion=99\n", 0600);
  cli (f, "config", "validate", bad, NULL);
  assert_fails (f, 1, "upgrade");

  cli (f, "config", "show", NULL);
  assert_ok (f);
  g_assert_true (g_str_has_prefix (f->out, first_line));
  assert_contains (f->out, "[peerup]");
  assert_contains (f->out, "name=desk");

  /* Nothing archived yet. */
  cli (f, "config", "archives", NULL);
  assert_ok (f);
  assert_contains (f->out, "No archived");
  cli (f, "config", "rollback", NULL);
  assert_fails (f, 1, f->config);

  /* What a node does when it starts well. */
  cli (f, "relay", "add", "203.0.113.5:7777", NULL);
  assert_ok (f);
  config = pu_config_load (f->config, &error);
  g_assert_no_error (error);
  g_assert_true (pu_config_archive (config, &error));
  g_assert_no_error (error);

  cli (f, "relay", "remove", "203.0.113.5:7777", NULL);
  assert_ok (f);
  cli (f, "config", "archives", NULL);
  assert_ok (f);
  g_assert_cmpuint (strlen (f->out), >, 0);
  g_assert_null (strstr (f->out, "No archived"));

  cli (f, "config", "rollback", NULL);
  assert_ok (f);
  assert_contains (f->out, "Restored");
  cli (f, "relay", "list", NULL);
  assert_ok (f);
  assert_contains (f->out, "203.0.113.5:7777");

  cli (f, "config", "rollback", "no-such-archive", NULL);
  assert_fails (f, 1, "no-such-archive");
}

static void
test_cli_key_mode (Fixture       *f,
                   gconstpointer  data)
{
  g_free (init_device (f));

  g_assert_cmpint (g_chmod (f->key, 0644), ==, 0);
  cli (f, "whoami", NULL);
  assert_fails (f, 1, "chmod 600");
  cli (f, "auth", "list", NULL);
  assert_fails (f, 1, "chmod 600");
  cli (f, "init", "--non-interactive", NULL);
  assert_fails (f, 1, "chmod 600");
}

static void
test_cli_future_config (Fixture       *f,
                        gconstpointer  data)
{
  g_free (init_device (f));

  write_file (f->config, "[peerup]\nversion=2\n", 0600);
  cli (f, "whoami", NULL);
  assert_fails (f, 1, "please upgrade");
  cli (f, "status", NULL);
  assert_fails (f, 1, "please upgrade");
}

/* verify: the same emoji as computed in-process; --json writes nothing;
 * --yes writes verified= and the peer stops showing as [UNVERIFIED]. */
static void
test_cli_verify (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *self_text = init_device (f);
  g_autofree char *peer_text = new_peer_id ();
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *digits = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;
  JsonArray *emoji;
  JsonArray *names;
  PuPeerId self, peer;
  PuSas sas;

  g_assert_true (pu_peer_id_parse (self_text, &self, NULL));
  g_assert_true (pu_peer_id_parse (peer_text, &peer, NULL));
  pu_sas_compute (&peer, &self, &sas);
  digits = pu_sas_format_number (&sas);

  cli (f, "verify", peer_text, "--yes", NULL);
  assert_fails (f, 1, "auth add");

  cli (f, "auth", "add", peer_text, NULL);
  assert_ok (f);
  cli (f, "name", "set", "laptop", peer_text, NULL);
  assert_ok (f);
  cli (f, "auth", "list", NULL);
  assert_ok (f);
  assert_contains (f->out, "(laptop)  [UNVERIFIED]");
  cli (f, "status", NULL);
  assert_ok (f);
  assert_contains (f->out, "(laptop)  [UNVERIFIED]");
  before = read_file (f->keys);

  cli (f, "verify", "laptop", "--json", NULL);
  assert_ok (f);
  node = parse_json (f->out);
  object = json_node_get_object (node);
  emoji = json_object_get_array_member (object, "emoji");
  names = json_object_get_array_member (object, "names");
  g_assert_cmpuint (json_array_get_length (emoji), ==, PU_SAS_N_EMOJI);
  g_assert_cmpuint (json_array_get_length (names), ==, PU_SAS_N_EMOJI);
  for (guint i = 0; i < PU_SAS_N_EMOJI; i++)
    {
      g_assert_cmpstr (json_array_get_string_element (emoji, i), ==,
                       pu_sas_emoji (sas.emoji[i]));
      g_assert_cmpstr (json_array_get_string_element (names, i), ==,
                       pu_sas_emoji_name (sas.emoji[i]));
    }
  g_assert_cmpstr (json_object_get_string_member (object, "digits"), ==, digits);
  g_assert_false (json_object_get_boolean_member (object, "verified"));
  after = read_file (f->keys);
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&after, g_free);

  /* Not a terminal and no --yes: shown, nothing written. */
  cli (f, "verify", "laptop", NULL);
  assert_fails (f, 1, "--yes");
  assert_contains (f->out, digits);
  assert_contains (f->out, pu_sas_emoji (sas.emoji[0]));
  after = read_file (f->keys);
  g_assert_cmpstr (after, ==, before);
  g_clear_pointer (&after, g_free);

  cli (f, "verify", "laptop", "--yes", NULL);
  assert_ok (f);
  assert_contains (f->out, digits);
  assert_contains (f->out, "is verified");
  after = read_file (f->keys);
  assert_contains (after, sas.verified);
  g_assert_true (g_str_has_prefix (after, peer_text));

  cli (f, "auth", "list", NULL);
  assert_ok (f);
  assert_contains (f->out, "(laptop)  verified");
  g_assert_null (strstr (f->out, "UNVERIFIED"));

  cli (f, "verify", "laptop", "--yes", NULL);
  assert_ok (f);
  assert_contains (f->out, "already verified");

  cli (f, "verify", self_text, NULL);
  assert_fails (f, 1, "own peer ID");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/cli/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("version", test_cli_version);
  ADD ("help", test_cli_help);
  ADD ("usage-errors", test_cli_usage_errors);
  ADD ("init-twice", test_cli_init_twice);
  ADD ("init-terminal", test_cli_init_terminal);
  ADD ("default-config", test_cli_default_config);
  ADD ("whoami-json", test_cli_whoami_json);
  ADD ("auth", test_cli_auth);
  ADD ("auth-expired", test_cli_auth_expired);
  ADD ("auth-validate", test_cli_auth_validate);
  ADD ("service", test_cli_service);
  ADD ("relay", test_cli_relay);
  ADD ("names", test_cli_names);
  ADD ("status", test_cli_status);
  ADD ("config", test_cli_config);
  ADD ("key-mode", test_cli_key_mode);
  ADD ("future-config", test_cli_future_config);
  ADD ("verify", test_cli_verify);
#undef ADD

  return g_test_run ();
}
