/* pu-test-util.h — what many tests need: private temporary directories,
 * running the main loop until something happened
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

/* Guards against hangs only (sanitizer builds are slow); nothing is timed. */
#define PU_TEST_GUARD_SECONDS 60

/* Iterates the default main context until *@done, failing after
 * PU_TEST_GUARD_SECONDS. */
void  pu_test_run_until   (gboolean   *done);

G_END_DECLS
