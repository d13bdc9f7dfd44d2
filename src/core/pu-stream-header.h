/* pu-stream-header.h — what a stream is for, and the acceptor's answer
 *
 * Every stream starts with a header from the side that opened it (kind +
 * service name) and the acceptor answers with a status before any data, so
 * the user always gets a clear reason. Both messages are framed the same way:
 *
 *   version (1 byte, = 1) | body length (2 bytes, big endian) | body
 *
 * header body: kind (1) | name length (1) | name (DNS label, may be empty
 *              unless the kind needs one)
 * status body: status (1) | message length (1) | message (UTF-8, no controls)
 *
 * Bytes after the known fields of a body are ignored, so a later version-1
 * sender may append fields. Decoding is incremental: callers feed what they
 * have and learn whether more bytes are needed or the input is malformed.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "pu-label.h"

G_BEGIN_DECLS

#define PU_STREAM_HEADER_VERSION 1
/* Largest body accepted; anything longer is refused before it is buffered. */
#define PU_STREAM_HEADER_MAX_BODY 512
#define PU_STREAM_HEADER_MAX_LEN (3 + PU_STREAM_HEADER_MAX_BODY)
#define PU_STREAM_STATUS_MESSAGE_MAX 200

typedef enum {
  PU_STREAM_KIND_PROXY = 1,   /* a TCP connection to the named service */
  PU_STREAM_KIND_PING,
  PU_STREAM_KIND_CONTROL,
  PU_STREAM_KIND_FILE,
} PuStreamKind;

typedef enum {
  PU_STREAM_STATUS_OK,
  PU_STREAM_STATUS_DENIED,
  PU_STREAM_STATUS_NO_SUCH_SERVICE,
  PU_STREAM_STATUS_UNREACHABLE,
} PuStreamStatus;

typedef enum {
  PU_STREAM_DECODE_OK,
  PU_STREAM_DECODE_NEED_MORE,
  PU_STREAM_DECODE_MALFORMED,
} PuStreamDecode;

typedef struct {
  PuStreamKind kind;
  char         service[PU_LABEL_MAX_LEN + 1];  /* "" when the kind has no service */
} PuStreamHeader;

typedef struct {
  PuStreamStatus status;
  char           message[PU_STREAM_STATUS_MESSAGE_MAX + 1];  /* may be "" */
} PuStreamReply;

/* PROXY needs a service name; the other kinds take an optional one. */
GBytes         *pu_stream_header_encode      (PuStreamKind          kind,
                                              const char           *service,
                                              GError              **error);
/* On OK, *consumed is the length of the message; the rest of @data is stream
 * payload. On NEED_MORE it is the length to read before trying again, so a
 * reader never takes payload bytes along. NEED_MORE and MALFORMED leave @out
 * untouched; MALFORMED sets
 * @error (PU_ERROR_PARSE, or PU_ERROR_VERSION for a newer version). */
PuStreamDecode  pu_stream_header_decode      (const guint8         *data,
                                              gsize                 len,
                                              PuStreamHeader       *out,
                                              gsize                *consumed,
                                              GError              **error);

/* @message may be NULL; it is refused if longer than
 * PU_STREAM_STATUS_MESSAGE_MAX bytes or not printable UTF-8. */
GBytes         *pu_stream_reply_encode       (PuStreamStatus        status,
                                              const char           *message,
                                              GError              **error);
PuStreamDecode  pu_stream_reply_decode       (const guint8         *data,
                                              gsize                 len,
                                              PuStreamReply        *out,
                                              gsize                *consumed,
                                              GError              **error);

const char     *pu_stream_kind_to_string     (PuStreamKind          kind);
const char     *pu_stream_status_to_string   (PuStreamStatus        status);

G_END_DECLS
