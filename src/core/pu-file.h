/* pu-file.h — bounded reads and atomic, private writes
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Writes @len bytes to a temporary file beside @path, fsyncs it, sets @mode
 * and renames it over @path, then fsyncs the directory: readers see the old
 * file or the new one, never a part. */
gboolean pu_file_write_atomic (const char  *path,
                               const void  *data,
                               gsize        len,
                               guint        mode,
                               GError     **error);

/* Reads a regular file of at most @max_len bytes (NUL-terminated copy in
 * @contents). Larger files fail with PU_ERROR_TOO_LARGE before being read. */
gboolean pu_file_read_bounded (const char  *path,
                               gsize        max_len,
                               char       **contents,
                               gsize       *len,
                               GError     **error);

/* Fails with PU_ERROR_PERMISSIONS, naming the exact chmod fix, when @path can
 * be read or written by group or others. */
gboolean pu_file_check_private (const char  *path,
                                GError     **error);

/* Creates @path and its parents if missing; @path itself gets mode 0700. */
gboolean pu_dir_ensure_private (const char  *path,
                                GError     **error);

G_END_DECLS
