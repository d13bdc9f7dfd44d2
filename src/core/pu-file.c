/* pu-file.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-file.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pu-error.h"

static gboolean
set_errno_error (GError     **error,
                 int          saved_errno,
                 const char  *what,
                 const char  *path)
{
  g_set_error (error, PU_ERROR, PU_ERROR_IO, "%s %s: %s",
               what, path, g_strerror (saved_errno));
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
    return set_errno_error (error, errno, "Could not create a temporary file for", path);

  if (fchmod (fd, mode) != 0 || !write_all (fd, data, len) || fsync (fd) != 0)
    {
      saved = errno;
      close (fd);
      g_unlink (tmp);
      return set_errno_error (error, saved, "Could not write", path);
    }

  if (close (fd) != 0)
    {
      saved = errno;
      g_unlink (tmp);
      return set_errno_error (error, saved, "Could not write", path);
    }

  if (g_rename (tmp, path) != 0)
    {
      saved = errno;
      g_unlink (tmp);
      return set_errno_error (error, saved, "Could not replace", path);
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
                   "Could not open %s: %s", path, g_strerror (saved));
      return FALSE;
    }

  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, PU_ERROR, PU_ERROR_IO, "%s is not a regular file", path);
      return FALSE;
    }

  if ((guint64) st.st_size > max_len)
    {
      close (fd);
      g_set_error (error, PU_ERROR, PU_ERROR_TOO_LARGE,
                   "%s is too large (%" G_GUINT64_FORMAT " bytes, at most %" G_GSIZE_FORMAT ")",
                   path, (guint64) st.st_size, max_len);
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
          return set_errno_error (error, saved, "Could not read", path);
        }
      if (n == 0)
        break;
      used += (gsize) n;
      if (used > max_len)
        {
          close (fd);
          g_set_error (error, PU_ERROR, PU_ERROR_TOO_LARGE,
                       "%s is too large (at most %" G_GSIZE_FORMAT " bytes)", path, max_len);
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
                   "Could not open %s: %s", path, g_strerror (saved));
      return FALSE;
    }

  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_PERMISSIONS,
                   "%s is accessible by other users (mode %04o); fix it with: chmod 600 %s",
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
    return set_errno_error (error, errno, "Could not create directory", path);

  if (g_chmod (path, 0700) != 0)
    return set_errno_error (error, errno, "Could not set permissions of", path);

  return TRUE;
}
