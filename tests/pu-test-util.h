/* pu-test-util.h — what many tests need: private temporary directories, the
 * real `peerup` binary, running the main loop until something happened
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* A new empty directory under the system's temporary directory. */
char *pu_test_make_tmpdir (void);
/* Removes @dir and everything below it (without following links). */
void  pu_test_remove_tree (const char *dir);

/* Starts the `peerup` binary meson passes in PU_PEERUP_BIN with @argv
 * (without the program), XDG_CONFIG_HOME=@xdg, XDG_RUNTIME_DIR=run beside
 * @xdg (control sockets stay in the test's directory) and no session bus;
 * stdout and stderr are pipes. */
GSubprocess *pu_test_spawn_peerup (const char         *xdg,
                                   const char * const *argv);

/* Guards against hangs only (sanitizer builds are slow); nothing is timed. */
#define PU_TEST_GUARD_SECONDS 60

/* Iterates the default main context until *@done, failing after
 * PU_TEST_GUARD_SECONDS. */
void         pu_test_run_until    (gboolean           *done);
/* The same until *@counter reaches @target. */
void         pu_test_run_until_count (guint           *counter,
                                      guint            target);

G_END_DECLS
