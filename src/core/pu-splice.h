/* pu-splice.h — join two byte streams both ways, half-close included
 *
 * Used for every proxied TCP connection: a peer's stream and a local socket.
 * Unlike g_io_stream_splice_async(), an end-of-stream in one direction is
 * passed on as a half-close (QUIC FIN or TCP shutdown) while the other
 * direction keeps flowing.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Completes when both directions have ended or one has failed; then both
 * streams are closed (a failed PuStream is reset, so the peer sees the
 * failure). */
void     pu_splice_async  (GIOStream            *a,
                           GIOStream            *b,
                           GCancellable         *cancellable,
                           GAsyncReadyCallback   callback,
                           gpointer              user_data);
/* @a_to_b and @b_to_a (nullable): bytes carried each way. */
gboolean pu_splice_finish (GAsyncResult         *result,
                           guint64              *a_to_b,
                           guint64              *b_to_a,
                           GError              **error);

G_END_DECLS
