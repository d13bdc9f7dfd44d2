/* pu-stream.h — one bidirectional QUIC stream as a GIOStream
 *
 * The input and output streams are pollable, so the usual GIO machinery
 * (read_async/write_async, g_io_stream_splice_async, pollable sources) works
 * on the main loop. Everything runs on the thread owning the connection's
 * main context; the blocking read/write calls never block and report
 * G_IO_ERROR_WOULD_BLOCK instead.
 *
 * Closing the output sends FIN once the queued data is out; the peer's FIN is
 * end-of-file on the input. A stream reset by the peer, or a connection that
 * ends, fails reads (after the data already received) and writes with a
 * G_IO_ERROR. Writes pend while PU_STREAM_SEND_BUFFER_MAX bytes wait to be
 * sent, that is while the peer's flow-control window or congestion control
 * holds them back (bytes in flight are bounded by those); the receive window
 * grows only as the application reads.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PU_STREAM_SEND_BUFFER_MAX (2 * 1024 * 1024)

#define PU_TYPE_STREAM (pu_stream_get_type ())
G_DECLARE_FINAL_TYPE (PuStream, pu_stream, PU, STREAM, GIOStream)

gint64 pu_stream_get_id (PuStream *self);
/* Resets both directions at once: the peer's reads and writes fail. */
void   pu_stream_abort  (PuStream *self);

G_END_DECLS
