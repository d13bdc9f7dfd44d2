/* test-file.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "pu-error.h"
#include "pu-file.h"
#include "pu-test-util.h"

static void
test_atomic_write (void)
{
  g_autofree char *dir = pu_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "f", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GDir) d = NULL;
  struct stat st;
  gsize len;

  g_assert_true (pu_file_write_atomic (path, "first", 5, 0600, &error));
  g_assert_no_error (error);
  g_assert_true (pu_file_write_atomic (path, "second", 6, 0600, &error));
  g_assert_true (pu_file_read_bounded (path, 100, &data, &len, &error));
  g_assert_cmpstr (data, ==, "second");
  g_assert_cmpuint (len, ==, 6);

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);

  /* No temporary file is left behind. */
  d = g_dir_open (dir, 0, NULL);
  g_assert_cmpstr (g_dir_read_name (d), ==, "f");
  g_assert_null (g_dir_read_name (d));

  pu_test_remove_tree (dir);
}

static void
test_write_fails_cleanly (void)
{
  g_autoptr(GError) error = NULL;

  g_assert_false (pu_file_write_atomic ("/nonexistent-dir/f", "x", 1, 0600, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_IO);
}

static void
test_read_bounded (void)
{
  g_autofree char *dir = pu_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "f", NULL);
  g_autoptr(GError) error = NULL;
  char *data = NULL;

  g_assert_true (g_file_set_contents (path, "0123456789", -1, NULL));
  g_assert_false (pu_file_read_bounded (path, 9, &data, NULL, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_TOO_LARGE);
  g_assert_null (data);
  g_clear_error (&error);

  g_assert_false (pu_file_read_bounded (dir, 100, &data, NULL, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_IO);
  g_clear_error (&error);

  g_unlink (path);
  g_assert_false (pu_file_read_bounded (path, 100, &data, NULL, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_NOT_FOUND);

  pu_test_remove_tree (dir);
}

static void
test_check_private (void)
{
  g_autofree char *dir = pu_test_make_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "key", NULL);
  g_autofree char *fix = g_strdup_printf ("chmod 600 %s", path);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (path, "x", 1, NULL));
  g_assert_cmpint (g_chmod (path, 0600), ==, 0);
  g_assert_true (pu_file_check_private (path, &error));

  g_assert_cmpint (g_chmod (path, 0644), ==, 0);
  g_assert_false (pu_file_check_private (path, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_PERMISSIONS);
  g_assert_nonnull (strstr (error->message, fix));
  g_clear_error (&error);

  g_assert_cmpint (g_chmod (path, 0620), ==, 0);
  g_assert_false (pu_file_check_private (path, &error));
  g_assert_error (error, PU_ERROR, PU_ERROR_PERMISSIONS);

  pu_test_remove_tree (dir);
}

static void
test_ensure_private_dir (void)
{
  g_autofree char *dir = pu_test_make_tmpdir ();
  g_autofree char *sub = g_build_filename (dir, "a", "b", NULL);
  g_autoptr(GError) error = NULL;
  struct stat st;

  g_assert_true (pu_dir_ensure_private (sub, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (sub, &st), ==, 0);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0700);

  pu_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/file/atomic-write", test_atomic_write);
  g_test_add_func ("/file/write-fails-cleanly", test_write_fails_cleanly);
  g_test_add_func ("/file/read-bounded", test_read_bounded);
  g_test_add_func ("/file/check-private", test_check_private);
  g_test_add_func ("/file/ensure-private-dir", test_ensure_private_dir);

  return g_test_run ();
}
