/* fuzz-replay.c — runs a fuzz target over its seed corpus without libFuzzer
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static int
replay_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *data = NULL;
  gsize len;

  if (!g_file_get_contents (path, &data, &len, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  LLVMFuzzerTestOneInput ((const uint8_t *) data, len);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  guint count = 0;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
      const char *name;

      if (dir == NULL)
        {
          if (replay_file (argv[i]) != 0)
            return 1;
          count++;
          continue;
        }
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (argv[i], name, NULL);

          if (replay_file (path) != 0)
            return 1;
          count++;
        }
    }

  if (count == 0)
    {
      g_printerr ("no corpus files given\n");
      return 1;
    }
  printf ("replayed %u inputs\n", count);
  return 0;
}
