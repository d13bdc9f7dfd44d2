/* pu-test-util.h — what many tests need: private temporary directories and
 * the real `peerup` binary
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
 * (without the program) and XDG_CONFIG_HOME=@xdg; stdout and stderr are
 * pipes. */
GSubprocess *pu_test_spawn_peerup (const char         *xdg,
                                   const char * const *argv);

G_END_DECLS
