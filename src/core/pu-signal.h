/* pu-signal.h — ICE signaling between two peers, carried in relay SIGNAL frames
 *
 * Once a QUIC connection is up through a relay, both ends look for a direct
 * path with ICE and exchange what ICE needs in SIGNAL frames of that relay,
 * one message per frame. The format is binary, integers big-endian:
 *
 *   version (1, = 1) | type (1) | session (8) | generation (4) | body
 *
 *   CREDENTIALS        ufrag-length (1) | ufrag | pwd-length (1) | pwd
 *                      (ICE characters: letters, digits, '+', '/')
 *   CANDIDATES         count (1, 1..PU_SIGNAL_MAX_CANDIDATES), then for each:
 *                      length (1) | SDP attribute "candidate:…" (printable ASCII)
 *   END_OF_CANDIDATES  (empty) the sender gathered all it will
 *   RESTART            (empty) please start a new generation
 *
 * @session names the QUIC connection the message belongs to: the dialer
 * draws it at random for each connection, so messages of an older
 * connection, or of another process of the same identity, never reach the
 * wrong ICE agent (the relay frame's instance tells processes apart too).
 * @generation counts ICE attempts within a session: the controlling side
 * (the dialer) opens one with CREDENTIALS, the controlled side answers with
 * its own, and either side drops what belongs to an older generation.
 *
 * Bounded: a message is at most PU_SIGNAL_MAX_LEN bytes, every field has a
 * length checked before it is read. Bytes after the known fields of a body
 * are ignored, so a later version-1 sender may append fields; another
 * version is refused with PU_ERROR_VERSION and a message that asks to
 * upgrade.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PU_SIGNAL_VERSION 1
#define PU_SIGNAL_HEADER_LEN (2 + 8 + 4)
/* RFC 8445 allows 4..256 and 22..256 characters; ICE agents use far less. */
#define PU_SIGNAL_UFRAG_MIN 4
#define PU_SIGNAL_UFRAG_MAX 64
#define PU_SIGNAL_PWD_MIN 22
#define PU_SIGNAL_PWD_MAX 128
#define PU_SIGNAL_CANDIDATE_MAX 255
#define PU_SIGNAL_MAX_CANDIDATES 8
#define PU_SIGNAL_MAX_LEN \
  (PU_SIGNAL_HEADER_LEN + 1 + PU_SIGNAL_MAX_CANDIDATES * (1 + PU_SIGNAL_CANDIDATE_MAX))

typedef enum {
  PU_SIGNAL_CREDENTIALS = 1,
  PU_SIGNAL_CANDIDATES,
  PU_SIGNAL_END_OF_CANDIDATES,
  PU_SIGNAL_RESTART,
} PuSignalType;

typedef struct {
  PuSignalType type;
  guint64      session;
  guint32      generation;
  /* CREDENTIALS */
  char         ufrag[PU_SIGNAL_UFRAG_MAX + 1];
  char         pwd[PU_SIGNAL_PWD_MAX + 1];
  /* CANDIDATES */
  guint        n_candidates;
  char         candidates[PU_SIGNAL_MAX_CANDIDATES][PU_SIGNAL_CANDIDATE_MAX + 1];
} PuSignal;

/* A message of @type with no body fields set. */
void        pu_signal_init         (PuSignal      *msg,
                                    PuSignalType   type,
                                    guint64        session,
                                    guint32        generation);
/* Adds one "candidate:…" line (an "a=" in front is dropped); FALSE when the
 * message is full or the line is not a valid candidate attribute. */
gboolean    pu_signal_add_candidate (PuSignal     *msg,
                                     const char   *sdp);
/* PU_ERROR_INVALID_ARGUMENT for a field out of bounds. */
GBytes     *pu_signal_encode       (const PuSignal  *msg,
                                    GError         **error);
/* Total and bounded: PU_ERROR_TOO_LARGE over PU_SIGNAL_MAX_LEN,
 * PU_ERROR_VERSION for another version, PU_ERROR_PARSE for anything else
 * that is not a well-formed message of a known type. */
gboolean    pu_signal_decode       (const guint8  *data,
                                    gsize          len,
                                    PuSignal      *out,
                                    GError       **error);
const char *pu_signal_type_to_string (PuSignalType type);

G_END_DECLS
