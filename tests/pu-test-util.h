/* pu-test-util.h — what many tests need: private temporary directories
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A new empty directory under the system's temporary directory. */
char *pu_test_make_tmpdir (void);
/* Removes @dir and everything below it (without following links). */
void  pu_test_remove_tree (const char *dir);

G_END_DECLS
