/* pu-file.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-file.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pu-error.h"

/* @format names the failed step and has one %s for the path. */
static gboolean G_GNUC_PRINTF (3, 4)
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *format,
                 ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, PU_ERROR, PU_ERROR_IO, "%s: %s", what, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
write_all (int          fd,
           const void  *data,
           gsize        len)
{
  const guint8 *p = data;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

gboolean
pu_file_write_atomic (const char  *path,
                      const void  *data,
                      gsize        len,
                      guint        mode,
                      GError     **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *tmp = NULL;
  int fd;
  int saved;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  dir = g_path_get_dirname (path);
  tmp = g_strdup_printf ("%s.tmp-XXXXXX", path);

  /* g_mkstemp_full creates the file with @mode already, so a secret is never
   * briefly readable by others. */
  fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, (int) mode);
  if (fd < 0)
    return set_errno_error (error, errno, _("Could not create a temporary file for %s"), path);

  if (fchmod (fd, mode) != 0 || !write_all (fd, data, len) || fsync (fd) != 0)
    {
      saved = errno;
      close (fd);
      g_unlink (tmp);
      return set_errno_error (error, saved, _("Could not write %s"), path);
    }

  if (close (fd) != 0)
    {
      saved = errno;
      g_unlink (tmp);
      return set_errno_error (error, saved, _("Could not write %s"), path);
    }

  if (g_rename (tmp, path) != 0)
    {
      saved = errno;
      g_unlink (tmp);
      return set_errno_error (error, saved, _("Could not replace %s"), path);
    }

  /* Make the rename itself durable. */
  fd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0)
    {
      fsync (fd);
      close (fd);
    }

  return TRUE;
}

gboolean
pu_file_read_bounded (const char  *path,
                      gsize        max_len,
                      char       **contents,
                      gsize       *len,
                      GError     **error)
{
  g_autofree char *buf = NULL;
  struct stat st;
  gsize used = 0;
  int fd;

  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (contents != NULL, FALSE);

  fd = open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    {
      int saved = errno;

      g_set_error (error, PU_ERROR, saved == ENOENT ? PU_ERROR_NOT_FOUND : PU_ERROR_IO,
                   _("Could not open %s: %s"), path, g_strerror (saved));
      return FALSE;
    }

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, PU_ERROR, PU_ERROR_IO, _("%s is not a regular file"), path);
      return FALSE;
    }

  if ((guint64) st.st_size > max_len)
    {
      close (fd);
      g_set_error (error, PU_ERROR, PU_ERROR_TOO_LARGE,
                   _("%s is too large (%llu bytes, at most %zu)"),
                   path, (unsigned long long) st.st_size, max_len);
      return FALSE;
    }

  /* The size can change under us; never read past the bound. */
  buf = g_malloc (max_len + 1);
  for (;;)
    {
      ssize_t n = read (fd, buf + used, max_len + 1 - used);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          close (fd);
          return set_errno_error (error, saved, _("Could not read %s"), path);
        }
      if (n == 0)
        break;
      used += (gsize) n;
      if (used > max_len)
        {
          close (fd);
          g_set_error (error, PU_ERROR, PU_ERROR_TOO_LARGE,
                       _("%s is too large (at most %zu bytes)"), path, max_len);
          return FALSE;
        }
    }
  close (fd);

  buf[used] = '\0';
  *contents = g_steal_pointer (&buf);
  if (len != NULL)
    *len = used;
  return TRUE;
}

gboolean
pu_file_check_private (const char  *path,
                       GError     **error)
{
  struct stat st;

  g_return_val_if_fail (path != NULL, FALSE);

  if (g_stat (path, &st) != 0)
    {
      int saved = errno;

      g_set_error (error, PU_ERROR, saved == ENOENT ? PU_ERROR_NOT_FOUND : PU_ERROR_IO,
                   _("Could not open %s: %s"), path, g_strerror (saved));
      return FALSE;
    }

  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_PERMISSIONS,
                   _("%s is accessible by other users (mode %04o); fix it with: chmod 600 %s"),
                   path, (guint) (st.st_mode & 07777), path);
      return FALSE;
    }

  return TRUE;
}

gboolean
pu_dir_ensure_private (const char  *path,
                       GError     **error)
{
  g_return_val_if_fail (path != NULL, FALSE);

  if (g_mkdir_with_parents (path, 0700) != 0)
    return set_errno_error (error, errno, _("Could not create directory %s"), path);

  if (g_chmod (path, 0700) != 0)
    return set_errno_error (error, errno, _("Could not set permissions of %s"), path);

  return TRUE;
}
