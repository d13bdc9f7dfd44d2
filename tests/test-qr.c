/* test-qr.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>

#include "pu-error.h"
#include "pu-qr.h"

#define PEER_ID "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"
#define SCALE 4

/* The rendered text back as modules: TRUE = dark. Checks the shape on the way. */
static GPtrArray *
text_to_rows (const char *rendered,
              guint      *width)
{
  g_auto(GStrv) lines = g_strsplit (rendered, "\n", -1);
  GPtrArray *rows = g_ptr_array_new_with_free_func (g_free);
  guint n_lines = g_strv_length (lines);

  /* Ends with a newline, so the last piece is empty. */
  g_assert_cmpuint (n_lines, >, 1);
  g_assert_cmpstr (lines[n_lines - 1], ==, "");
  *width = 0;

  for (guint i = 0; i + 1 < n_lines; i++)
    {
      const char *p = lines[i];
      gboolean *top;
      gboolean *bottom;
      guint x = 0;

      g_assert_true (g_str_has_prefix (p, "\033[97;40m"));
      g_assert_true (g_str_has_suffix (p, "\033[0m"));
      p += strlen ("\033[97;40m");

      top = g_new0 (gboolean, strlen (p));
      bottom = g_new0 (gboolean, strlen (p));
      while (*p != '\033')
        {
          gunichar c = g_utf8_get_char (p);

          switch (c)
            {
            case ' ':
              top[x] = bottom[x] = TRUE;
              break;
            case 0x2580: /* upper half light */
              bottom[x] = TRUE;
              break;
            case 0x2584: /* lower half light */
              top[x] = TRUE;
              break;
            case 0x2588:
              break;
            default:
              g_assert_not_reached ();
            }
          x++;
          p = g_utf8_next_char (p);
        }

      if (*width == 0)
        *width = x;
      g_assert_cmpuint (x, ==, *width);
      g_ptr_array_add (rows, top);
      g_ptr_array_add (rows, bottom);
    }
  return rows;
}

static void
test_qr_shape (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = pu_qr_render_terminal (PEER_ID, &error);
  g_autoptr(GPtrArray) rows = NULL;
  guint width;
  guint dark = 0;

  g_assert_no_error (error);
  rows = text_to_rows (text, &width);

  /* Modules plus a 4-module quiet zone on each side; a QR is 21 + 4v wide. */
  g_assert_cmpuint ((width - 8 - 21) % 4, ==, 0);
  g_assert_cmpuint (rows->len, ==, width + 1);
  for (guint y = 0; y < rows->len; y++)
    {
      const gboolean *row = rows->pdata[y];

      for (guint x = 0; x < width; x++)
        {
          gboolean quiet = x < 4 || y < 4 || x >= width - 4 || y >= width - 4;

          if (quiet)
            g_assert_false (row[x]);
          dark += row[x];
        }
    }
  /* The top-left finder pattern: a dark 7x7 ring. */
  for (guint i = 0; i < 7; i++)
    {
      g_assert_true (((gboolean *) rows->pdata[4])[4 + i]);
      g_assert_true (((gboolean *) rows->pdata[4 + i])[4]);
    }
  g_assert_cmpuint (dark, >, 0);
}

static char *
decode_with_zbar (const char *rendered)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GString) pbm = g_string_new (NULL);
  g_autoptr(GSubprocess) proc = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  guint width;

  rows = text_to_rows (rendered, &width);
  g_string_append_printf (pbm, "P1\n%u %u\n", width * SCALE, rows->len * SCALE);
  for (guint y = 0; y < rows->len * SCALE; y++)
    {
      const gboolean *row = rows->pdata[y / SCALE];

      for (guint x = 0; x < width * SCALE; x++)
        g_string_append_c (pbm, row[x / SCALE] ? '1' : '0');
      g_string_append_c (pbm, '\n');
    }

  dir = g_dir_make_tmp ("pu-qr-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "code.pbm", NULL);
  g_file_set_contents (path, pbm->str, (gssize) pbm->len, &error);
  g_assert_no_error (error);

  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE,
                           &error, "zbarimg", "--quiet", "--raw", path, NULL);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (proc));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);

  g_assert_cmpint (g_unlink (path), ==, 0);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
  return g_strchomp (g_steal_pointer (&out));
}

static void
check_round_trip (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *rendered = NULL;
  g_autofree char *decoded = NULL;
  g_autofree char *zbarimg = g_find_program_in_path ("zbarimg");

  if (zbarimg == NULL)
    {
      g_test_skip ("zbarimg (zbar-tools) is not installed; cannot decode the QR code");
      return;
    }

  rendered = pu_qr_render_terminal (text, &error);
  g_assert_no_error (error);
  decoded = decode_with_zbar (rendered);
  g_assert_cmpstr (decoded, ==, text);
}

static void
test_qr_decode_peer_id (void)
{
  check_round_trip (PEER_ID);
}

static void
test_qr_decode_long (void)
{
  /* A pairing URI's shape: mostly upper-case base32 in dash groups. */
  g_autoptr(GString) uri = g_string_new ("peerup:");

  for (guint i = 0; i < 30; i++)
    g_string_append (uri, i == 0 ? "AB3D" : "-QW7Z");
  check_round_trip (uri->str);
}

static void
test_qr_bad_input (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *huge = g_strnfill (4096, 'a');
  char *rendered;

  rendered = pu_qr_render_terminal ("", &error);
  g_assert_null (rendered);
  g_assert_error (error, PU_ERROR, PU_ERROR_TOO_LARGE);
  g_clear_error (&error);

  rendered = pu_qr_render_terminal (huge, &error);
  g_assert_null (rendered);
  g_assert_error (error, PU_ERROR, PU_ERROR_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "4096"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/qr/shape", test_qr_shape);
  g_test_add_func ("/qr/decode-peer-id", test_qr_decode_peer_id);
  g_test_add_func ("/qr/decode-long", test_qr_decode_long);
  g_test_add_func ("/qr/bad-input", test_qr_bad_input);

  return g_test_run ();
}
