/* pu-stream-private.h — what PuConnection and the stream halves use
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <ngtcp2/ngtcp2.h>

#include "pu-connection.h"
#include "pu-stream.h"

G_BEGIN_DECLS

/* Application error codes in RESET_STREAM / STOP_SENDING. */
#define PU_STREAM_ERROR_ABORTED 0x1

PuStream *_pu_stream_new           (PuConnection  *connection,
                                    gint64         id);

/* From the connection. */
void      _pu_stream_deliver       (PuStream      *self,
                                    const guint8  *data,
                                    gsize          len,
                                    gboolean       fin);
void      _pu_stream_acked         (PuStream      *self,
                                    gsize          len);
gsize     _pu_stream_peek_unsent   (PuStream      *self,
                                    ngtcp2_vec    *vecs,
                                    gsize          max_vecs,
                                    gboolean      *fin);
void      _pu_stream_sent          (PuStream      *self,
                                    gsize          len,
                                    gboolean       fin);
gboolean  _pu_stream_has_unsent    (PuStream      *self);
void      _pu_stream_fail_read     (PuStream      *self,
                                    const GError  *error);
void      _pu_stream_fail_write    (PuStream      *self,
                                    const GError  *error);
/* QUIC has forgotten the stream: no more stream-level calls. */
void      _pu_stream_quic_closed   (PuStream      *self);
/* The connection is gone. */
void      _pu_stream_detach        (PuStream      *self,
                                    const GError  *error);
/* The link PuConnection keeps the stream in its send queue with. */
GList    *_pu_stream_get_send_link (PuStream      *self);

/* From the input and output halves. */
gssize    _pu_stream_read          (PuStream      *self,
                                    void          *buffer,
                                    gsize          count,
                                    GError       **error);
gssize    _pu_stream_write         (PuStream      *self,
                                    const void    *buffer,
                                    gsize          count,
                                    GError       **error);
gboolean  _pu_stream_is_readable   (PuStream      *self);
gboolean  _pu_stream_is_writable   (PuStream      *self);
void      _pu_stream_close_read    (PuStream      *self);
void      _pu_stream_close_write   (PuStream      *self);
GSource  *_pu_stream_create_source (PuStream      *self,
                                    GObject       *pollable,
                                    gboolean       for_output,
                                    GCancellable  *cancellable);

GInputStream  *_pu_stream_input_new  (PuStream *stream);
GOutputStream *_pu_stream_output_new (PuStream *stream);

G_END_DECLS
