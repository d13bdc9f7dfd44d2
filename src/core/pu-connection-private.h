/* pu-connection-private.h — what PuStream asks of its connection
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "pu-connection.h"

G_BEGIN_DECLS

/* The application consumed (or discarded) @len received bytes: grow the
 * connection window, and the stream's when @stream_window. */
void _pu_connection_stream_consumed (PuConnection *self,
                                     PuStream     *stream,
                                     gsize         len,
                                     gboolean      stream_window);
/* @stream has data or a FIN to send. */
void _pu_connection_stream_ready    (PuConnection *self,
                                     PuStream     *stream);
/* STOP_SENDING and/or RESET_STREAM with PU_STREAM_ERROR_ABORTED. */
void _pu_connection_stream_shutdown (PuConnection *self,
                                     PuStream     *stream,
                                     gboolean      read,
                                     gboolean      write);

G_END_DECLS
