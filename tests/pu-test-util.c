/* pu-test-util.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-test-util.h"

#include <glib/gstdio.h>

char *
pu_test_make_tmpdir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("pu-test-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

void
pu_test_remove_tree (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        pu_test_remove_tree (path);
      else
        g_unlink (path);
    }
  g_rmdir (dir);
}

GSubprocess *
pu_test_spawn_peerup (const char         *xdg,
                      const char * const *argv)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) full = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *parent = g_path_get_dirname (xdg);
  g_autofree char *runtime = g_build_filename (parent, "run", NULL);
  const char *bin = g_getenv ("PU_PEERUP_BIN");
  GSubprocess *proc;

  g_assert_nonnull (bin);
  g_ptr_array_add (full, (char *) bin);
  for (guint i = 0; argv[i] != NULL; i++)
    g_ptr_array_add (full, (char *) argv[i]);
  g_ptr_array_add (full, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE
                                        | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", xdg, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_RUNTIME_DIR", runtime, TRUE);
  /* A daemon started here never takes a name on the tester's session bus. */
  g_subprocess_launcher_unsetenv (launcher, "DBUS_SESSION_BUS_ADDRESS");
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) full->pdata, &error);
  g_assert_no_error (error);
  return proc;
}

static gboolean
guard_tick (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

typedef gboolean (*Check) (gconstpointer data);

static void
run_until_true (Check         check,
                gconstpointer data)
{
  gint64 deadline = g_get_monotonic_time () + PU_TEST_GUARD_SECONDS * G_USEC_PER_SEC;
  guint tick = g_timeout_add (100, guard_tick, NULL);

  while (!check (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (tick);
}

static gboolean
is_done (gconstpointer data)
{
  return *(const gboolean *) data;
}

void
pu_test_run_until (gboolean *done)
{
  run_until_true (is_done, done);
}

typedef struct {
  const guint *counter;
  guint        target;
} Count;

static gboolean
count_reached (gconstpointer data)
{
  const Count *count = data;

  return *count->counter >= count->target;
}

void
pu_test_run_until_count (guint *counter,
                         guint  target)
{
  Count count = { counter, target };

  run_until_true (count_reached, &count);
}
