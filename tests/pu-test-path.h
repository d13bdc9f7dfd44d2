/* pu-test-path.h — two in-process path ends that deliver to each other
 *
 * Whatever one end sends reaches the connection attached to the other end
 * from an idle callback, so both connections run on one main loop. Loss and
 * reordering can be switched on to exercise recovery.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "pu-connection.h"
#include "pu-path.h"

G_BEGIN_DECLS

#define PU_TYPE_TEST_PATH (pu_test_path_get_type ())
G_DECLARE_FINAL_TYPE (PuTestPath, pu_test_path, PU, TEST_PATH, GObject)

/* The two ends of one path. */
void     pu_test_path_new_pair        (PuTestPath   **a,
                                       PuTestPath   **b);
/* Datagrams sent on this end's peer go to @connection (not owned). */
void     pu_test_path_set_receiver    (PuTestPath    *self,
                                       PuConnection  *connection);
/* Drops @percent of what this end sends (100: a dead path). */
void     pu_test_path_set_loss        (PuTestPath    *self,
                                       guint          percent);
/* Swaps @percent of adjacent datagrams this end sends. */
void     pu_test_path_set_reorder     (PuTestPath    *self,
                                       guint          percent);
guint64  pu_test_path_get_sent        (PuTestPath    *self);

G_END_DECLS
