/* pu-relay-frame.h — the messages a node and a relay exchange
 *
 * Each frame is one WebSocket binary message: a version byte, a type byte and
 * a fixed layout per type (integers big-endian, peer IDs as their 32-byte
 * Ed25519 public keys):
 *
 *   CHALLENGE  relay → node   nonce[32] relay-key[32]
 *   AUTH       node → relay   peer-key[32] instance[8] flags[1] signature[64]
 *   WELCOME    relay → node   (empty)
 *   ERROR      relay → node   code[2] length[1] UTF-8 message[length]
 *   PACKET     both ways      peer-key[32] instance[8] payload[…]
 *   SIGNAL     both ways      peer-key[32] instance[8] payload[…]
 *   PING/PONG  both ways      cookie[8]
 *   PACKETS    both ways      peer-key[32] instance[8] { length[2] datagram[length] }…
 *   SPONSOR    node → relay   joiner-key[32] timestamp[8] signature[64]
 *   SPONSORED  relay → node   joiner-key[32] status[1]
 *   CLAIM      node → relay   ttl[4]
 *   OPEN       node → relay   nameplate[2]
 *   NAMEPLATE  relay → node   nameplate[2] status[1] peer-key[32] instance[8]
 *   GROUP_JOIN node → relay   token[16] name-length[1] name[…]
 *   MEMBERS    relay → node   status[1] count[1] (peer-key[32] name-length[1] name[…])…
 *   ABSENT     relay → node   peer-key[32] instance[8]
 *   TURN       relay → node   port[2] (length[1] text[length]) × 3: host, username, password
 *
 * In PACKET, PACKETS and SIGNAL the peer and instance name the other end: the
 * destination when a node sends, the source when the relay delivers. The
 * signature in AUTH covers pu_relay_frame_auth_transcript(). AUTH flags:
 * 0x01 serving, 0x02 pairing (an unknown device asks for a pairing-only
 * session). SPONSOR asks the relay to authorize a device that just paired
 * with the sender; its signature covers pu_relay_frame_sponsor_transcript()
 * and the relay answers SPONSORED with a PuRelaySponsorStatus.
 *
 * Nameplates bring the two sides of a short invite code together: the
 * inviter CLAIMs a number for ttl seconds, the joiner OPENs it and learns the
 * inviter's peer and instance; both answers are NAMEPLATE frames (status 0:
 * found, with the inviter; 1: unavailable).
 *
 * A relay pairing group's code is a full invite code whose inviter is the
 * relay itself and whose secret is a token: the joiner presents it in
 * GROUP_JOIN with the name it goes by; the relay answers MEMBERS (status 0:
 * joined, with the group's other members; 1: pairing failed), and sends
 * each member the others again whenever it connects (status 2).
 *
 * PACKETS carries one or more consecutive datagrams (none empty) for the same
 * peer. It goes only where it is understood: a node asks for it with the
 * PU_RELAY_FEATURES_HEADER request header of the WebSocket upgrade, a relay
 * that knows it says so in the same response header, and a node sends
 * PACKETS only to such a relay. The relay passes the datagrams on as they
 * are, as one PACKETS to a node that asked for it, one PACKET each to others.
 *
 * ABSENT says that a SIGNAL (or PACKET) the node sent has nobody to go to:
 * no session of that peer (and instance, unless 0) is on the relay, or the
 * sender may not reach it. A node asks for it with the same header
 * (PU_RELAY_FEATURE_ABSENT), so that one waiting for an answer that cannot
 * come stops at once; the relay sends at most one per
 * PU_RELAY_ABSENT_INTERVAL_MS to a session.
 *
 * TURN hands an authorized node credentials for the relay operator's TURN
 * server (an IP literal; coturn's shared-secret scheme), for ICE relay
 * candidates. It goes to nodes that ask with PU_RELAY_FEATURE_TURN, after
 * WELCOME and again before the credentials expire.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "pu-identity.h"
#include "pu-websocket.h"

G_BEGIN_DECLS

#define PU_RELAY_FRAME_VERSION 1
/* The relay's WebSocket endpoint. */
#define PU_RELAY_WEBSOCKET_PATH "/v1/relay"
/* Upgrade request and response header listing optional features. */
#define PU_RELAY_FEATURES_HEADER "Peerup-Relay-Features"
#define PU_RELAY_FEATURE_BATCH "batch"
#define PU_RELAY_FEATURE_ABSENT "absent"
#define PU_RELAY_FEATURE_TURN "turn"
#define PU_RELAY_ABSENT_INTERVAL_MS 100
/* Each text of a TURN frame. */
#define PU_RELAY_TURN_TEXT_MAX 127
/* Largest frame either side sends or accepts; QUIC datagrams and signaling
 * messages fit with room to spare. */
#define PU_RELAY_FRAME_MAX (16 * 1024)
#define PU_RELAY_NONCE_LEN 32
#define PU_RELAY_ERROR_MESSAGE_MAX 200
/* Nodes ping the relay this often; a side that hears nothing from the other
 * for PU_RELAY_DEAD_SECONDS drops the connection. */
#define PU_RELAY_KEEPALIVE_SECONDS 15
#define PU_RELAY_DEAD_SECONDS (3 * PU_RELAY_KEEPALIVE_SECONDS)
/* version + type + peer key + instance, before a PACKET or SIGNAL payload */
#define PU_RELAY_FRAME_ADDR_LEN (2 + PU_PUBKEY_LEN + 8)
#define PU_RELAY_PAYLOAD_MAX (PU_RELAY_FRAME_MAX - PU_RELAY_FRAME_ADDR_LEN)
/* What each datagram in a PACKETS payload costs besides itself. */
#define PU_RELAY_BATCH_ENTRY_HEAD 2
/* "peerup relay auth v1" + nonce + relay key + instance + flags */
#define PU_RELAY_AUTH_TRANSCRIPT_LEN (20 + PU_RELAY_NONCE_LEN + PU_PUBKEY_LEN + 8 + 1)
/* "peerup relay sponsor v1" + relay key + joiner key + timestamp */
#define PU_RELAY_SPONSOR_TRANSCRIPT_LEN (23 + 2 * PU_PUBKEY_LEN + 8)
#define PU_RELAY_GROUP_TOKEN_LEN 16
/* Members of one relay pairing group; names are labels (pu-label.h). */
#define PU_RELAY_GROUP_MAX 32
#define PU_RELAY_MEMBER_NAME_MAX 63

/* The status of a MEMBERS frame. */
typedef enum {
  PU_RELAY_MEMBERS_JOINED,
  PU_RELAY_MEMBERS_FAILED,
  PU_RELAY_MEMBERS_INTRODUCED,
} PuRelayMembersStatus;
/* How far a SPONSOR's timestamp may be from the relay's clock. */
#define PU_RELAY_SPONSOR_WINDOW_SECONDS 300

typedef enum {
  PU_RELAY_FRAME_CHALLENGE = 1,
  PU_RELAY_FRAME_AUTH,
  PU_RELAY_FRAME_WELCOME,
  PU_RELAY_FRAME_ERROR,
  PU_RELAY_FRAME_PACKET,
  PU_RELAY_FRAME_SIGNAL,
  PU_RELAY_FRAME_PING,
  PU_RELAY_FRAME_PONG,
  PU_RELAY_FRAME_PACKETS,
  PU_RELAY_FRAME_SPONSOR,
  PU_RELAY_FRAME_SPONSORED,
  PU_RELAY_FRAME_CLAIM,
  PU_RELAY_FRAME_OPEN,
  PU_RELAY_FRAME_NAMEPLATE,
  PU_RELAY_FRAME_GROUP_JOIN,
  PU_RELAY_FRAME_MEMBERS,
  PU_RELAY_FRAME_ABSENT,
  PU_RELAY_FRAME_TURN,
} PuRelayFrameType;

/* Codes of ERROR frames; the relay closes the connection after sending one. */
typedef enum {
  PU_RELAY_ERROR_PROTOCOL = 1,  /* malformed or unexpected frame */
  PU_RELAY_ERROR_AUTH_FAILED,   /* bad signature or wrong relay key */
  PU_RELAY_ERROR_NOT_AUTHORIZED,/* valid identity, not in the relay's authorized_keys */
  PU_RELAY_ERROR_FULL,          /* the relay has its maximum of peers */
  PU_RELAY_ERROR_TIMEOUT,       /* no AUTH in time */
  PU_RELAY_ERROR_LIMIT,         /* session byte or duration limit reached */
  PU_RELAY_ERROR_PAIRING,       /* a pairing-only session sent what it may not */
} PuRelayErrorCode;

/* The relay's answer to SPONSOR. */
typedef enum {
  PU_RELAY_SPONSOR_OK,          /* the device is authorized (or already was) */
  PU_RELAY_SPONSOR_DENIED,      /* the relay's policy does not let the sender invite */
  PU_RELAY_SPONSOR_INVALID,     /* bad signature or a timestamp out of the window */
} PuRelaySponsorStatus;

typedef struct {
  PuPeerId peer;
  char     name[PU_RELAY_MEMBER_NAME_MAX + 1];  /* a label */
} PuRelayMember;

/* A TURN server (an IP literal) and credentials for it; printable, not
 * empty. */
typedef struct {
  guint16  port;
  char     host[PU_RELAY_TURN_TEXT_MAX + 1];
  char     username[PU_RELAY_TURN_TEXT_MAX + 1];
  char     password[PU_RELAY_TURN_TEXT_MAX + 1];
} PuRelayTurn;

typedef struct {
  PuRelayFrameType type;
  /* CHALLENGE: the relay; AUTH: the node; PACKET/SIGNAL/ABSENT: the other end;
   * SPONSOR/SPONSORED: the joiner */
  PuPeerId         peer;
  /* AUTH: the node's process (never 0); PACKET/SIGNAL: the other end's, 0 = any;
   * ABSENT: as the node named it */
  guint64          instance;
  guint8           nonce[PU_RELAY_NONCE_LEN];
  gboolean         serving;
  gboolean         pairing;
  /* AUTH, SPONSOR */
  guint8           signature[PU_SIGNATURE_LEN];
  /* SPONSOR: Unix seconds; SPONSORED: a PuRelaySponsorStatus; NAMEPLATE: 0
   * found, 1 unavailable */
  gint64           timestamp;
  guint8           status;
  /* CLAIM: seconds; OPEN/NAMEPLATE: the number (NAMEPLATE also peer and
   * instance) */
  guint32          ttl;
  guint16          nameplate;
  /* GROUP_JOIN: the token and the joiner's name (in members[0].name) */
  guint8           token[PU_RELAY_GROUP_TOKEN_LEN];
  guint16          error_code;
  char             message[PU_RELAY_ERROR_MESSAGE_MAX + 1];
  guint64          cookie;
  /* PACKET/PACKETS/SIGNAL: borrowed from the decoded buffer, or the caller's when encoding */
  const guint8    *payload;
  gsize            payload_len;
  /* MEMBERS (status as above) and TURN. Last: decoding leaves their room
   * alone unless the frame fills it, as every packet goes through it. */
  guint            n_members;
  PuRelayMember    members[PU_RELAY_GROUP_MAX];
  PuRelayTurn      turn;
} PuRelayFrame;

/* Total and bounded: anything but a well-formed frame of a known type is
 * PU_ERROR_PARSE (PU_ERROR_VERSION for another protocol version). */
gboolean  pu_relay_frame_decode          (const guint8        *data,
                                          gsize                len,
                                          PuRelayFrame        *out,
                                          GError             **error);
/* PU_ERROR_TOO_LARGE when the frame would exceed PU_RELAY_FRAME_MAX;
 * an ERROR message is cut to PU_RELAY_ERROR_MESSAGE_MAX on a UTF-8 boundary. */
GBytes   *pu_relay_frame_encode          (const PuRelayFrame  *frame,
                                          GError             **error);
/* Sends @frame as one binary message. With @may_drop the frame is dropped
 * (FALSE, PU_ERROR_FAILED) while the socket's send buffer is full, so nothing
 * queues in memory behind a slow reader; control frames pass @may_drop FALSE. */
gboolean  pu_relay_frame_send            (PuWebsocket             *ws,
                                          const PuRelayFrame      *frame,
                                          gboolean                 may_drop,
                                          GError                 **error);
/* Appends @datagram (1 to G_MAXUINT16 bytes) to the PACKETS payload at @buf,
 * which holds @used bytes; returns the new length. The caller checks that
 * PU_RELAY_BATCH_ENTRY_HEAD + @len more bytes fit. */
gsize     pu_relay_frame_batch_append    (guint8              *buf,
                                          gsize                used,
                                          const guint8        *datagram,
                                          gsize                len);
/* Steps through the payload of a decoded PACKETS frame: the next datagram
 * in @datagram and @len, FALSE after the last. Start with @offset 0. */
gboolean  pu_relay_frame_batch_next      (const PuRelayFrame  *frame,
                                          gsize               *offset,
                                          const guint8       **datagram,
                                          gsize               *len);
/* What a node signs in AUTH, binding the answer to this relay and challenge. */
void      pu_relay_frame_auth_transcript (const guint8         nonce[PU_RELAY_NONCE_LEN],
                                          const PuPeerId      *relay,
                                          guint64              instance,
                                          gboolean             serving,
                                          gboolean             pairing,
                                          guint8               out[PU_RELAY_AUTH_TRANSCRIPT_LEN]);
/* What an inviter signs in SPONSOR, binding the request to this relay, the
 * joiner and the time. */
void      pu_relay_frame_sponsor_transcript (const PuPeerId *relay,
                                             const PuPeerId *joiner,
                                             gint64          timestamp,
                                             guint8          out[PU_RELAY_SPONSOR_TRANSCRIPT_LEN]);

G_END_DECLS
