/* pu-stun.h — STUN Binding (RFC 5389) as the relay answers it
 *
 * The relay tells each node the address its UDP packets arrive from
 * (XOR-MAPPED-ADDRESS), which ICE uses as a server-reflexive candidate. No
 * credentials: the answer is public information about the asker.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PU_STUN_HEADER_LEN 20
#define PU_STUN_TXID_LEN 12
/* Larger datagrams are not STUN we answer; they are dropped unread. */
#define PU_STUN_MAX_MESSAGE 1024

/* The answer to a Binding request from @from: a success response carrying
 * @from, or a 420 error naming comprehension-required attributes this
 * responder does not know. NULL (PU_ERROR_PARSE) for anything else, which the
 * caller drops without answering. */
GBytes             *pu_stun_answer                 (const guint8        *data,
                                                    gsize                len,
                                                    GInetSocketAddress  *from,
                                                    GError             **error);
/* A Binding request with a fresh random transaction ID, copied to @txid. */
GBytes             *pu_stun_binding_request_new    (guint8               txid[PU_STUN_TXID_LEN]);
/* The mapped address in a success response to the request @txid. */
GInetSocketAddress *pu_stun_parse_binding_response (const guint8        *data,
                                                    gsize                len,
                                                    const guint8         txid[PU_STUN_TXID_LEN],
                                                    GError             **error);

G_END_DECLS
