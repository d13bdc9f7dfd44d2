/* pu-websocket.h — the message phase of a WebSocket connection (RFC 6455)
 *
 * The relay link is a WebSocket so that it passes wherever HTTPS does.
 * libsoup does the HTTP upgrade; this object then carries binary messages
 * over the upgraded stream with large reads, one copy per message each way
 * and masking a word at a time, and it never queues more than one message
 * behind a full socket for messages that may be dropped.
 *
 * Pings are answered; fragmented messages are put back together up to the
 * maximum message size. A protocol violation, an oversized message, text
 * that is not UTF-8 or the end of the stream closes the connection.
 *
 * Signals:
 *   ::message (GBytes *message)  a whole binary message
 *   ::text    (GBytes *message)  a whole text message (valid UTF-8, not
 *                                NUL-terminated), for protocols that have no
 *                                use for text to refuse in their own words
 *   ::closed  ()                 once, from the main loop (never from inside
 *                                a call), when the stream has been closed:
 *                                after the closing handshake, a protocol
 *                                error or the peer going away
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum {
  PU_WEBSOCKET_CLIENT,  /* masks what it sends */
  PU_WEBSOCKET_SERVER,
} PuWebsocketRole;

typedef enum {
  PU_WEBSOCKET_OPEN,
  PU_WEBSOCKET_CLOSING,  /* close sent or received, waiting for the other half */
  PU_WEBSOCKET_CLOSED,
} PuWebsocketState;

/* Status codes of close frames (RFC 6455 section 7.4.1). */
#define PU_WEBSOCKET_CLOSE_NORMAL 1000
#define PU_WEBSOCKET_CLOSE_GOING_AWAY 1001
#define PU_WEBSOCKET_CLOSE_PROTOCOL_ERROR 1002
#define PU_WEBSOCKET_CLOSE_NO_STATUS 1005
#define PU_WEBSOCKET_CLOSE_BAD_DATA 1007
#define PU_WEBSOCKET_CLOSE_POLICY_VIOLATION 1008
#define PU_WEBSOCKET_CLOSE_TOO_BIG 1009

/* Largest header: 2 bytes, a 64-bit length and a mask. */
#define PU_WEBSOCKET_HEADER_MAX 14

typedef struct {
  gboolean fin;
  guint8   opcode;
  gboolean masked;
  guint8   mask[4];
  guint64  payload_len;
  gsize    header_len;
} PuWebsocketFrame;

/* Parses the header of the frame starting at @data, as received by @role (a
 * server takes only masked frames, a client only unmasked ones). Returns 1
 * with @frame filled in, 0 while @len holds no whole header, -1 with @error
 * (PU_ERROR_TOO_LARGE for a payload over @max_payload, else PU_ERROR_PARSE)
 * for anything RFC 6455 forbids or that needs an extension. */
int               pu_websocket_frame_parse    (const guint8        *data,
                                               gsize                len,
                                               PuWebsocketRole      role,
                                               guint64              max_payload,
                                               PuWebsocketFrame    *frame,
                                               GError             **error);
/* XORs @data with the repeated 4-byte @mask: masks and unmasks alike. */
void              pu_websocket_mask           (guint8              *data,
                                               gsize                len,
                                               const guint8         mask[4]);

#define PU_TYPE_WEBSOCKET (pu_websocket_get_type ())
G_DECLARE_FINAL_TYPE (PuWebsocket, pu_websocket, PU, WEBSOCKET, GObject)

/* Takes over @stream, just upgraded; @received are bytes of the WebSocket
 * already read past the HTTP response. Works in the thread-default main
 * context of the caller. */
PuWebsocket      *pu_websocket_new            (GIOStream           *stream,
                                               PuWebsocketRole      role,
                                               gsize                max_message,
                                               const guint8        *received,
                                               gsize                received_len);
/* Sends one binary message: @head followed by @payload (either may be
 * empty). With @may_drop, FALSE (PU_ERROR_FAILED) while an earlier message
 * still waits for room in the socket: the socket's buffer is the queue.
 * FALSE too once closing. */
gboolean          pu_websocket_send           (PuWebsocket         *self,
                                               const guint8        *head,
                                               gsize                head_len,
                                               const guint8        *payload,
                                               gsize                payload_len,
                                               gboolean             may_drop,
                                               GError             **error);
/* Starts the closing handshake with @code and @reason (cut to fit); the
 * stream closes when the peer answers, or after a few seconds. */
void              pu_websocket_close          (PuWebsocket         *self,
                                               gushort              code,
                                               const char          *reason);
PuWebsocketState  pu_websocket_get_state      (PuWebsocket         *self);
/* The code of the peer's close frame, 0 when none came. */
gushort           pu_websocket_get_close_code (PuWebsocket         *self);

G_END_DECLS
