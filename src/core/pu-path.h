/* pu-path.h — a way to carry QUIC datagrams to one peer
 *
 * A connection sends on its current path and accepts datagrams from any of
 * its paths: first the relay, later a direct ICE pair, switched without
 * closing the connection. Whoever owns a path hands what it receives to the
 * connection with pu_connection_receive().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  PU_PATH_KIND_RELAYED,
  PU_PATH_KIND_DIRECT,
} PuPathKind;

typedef struct {
  const guint8 *data;
  gsize         len;
} PuDatagram;

#define PU_TYPE_PATH (pu_path_get_type ())
G_DECLARE_INTERFACE (PuPath, pu_path, PU, PATH, GObject)

struct _PuPathInterface
{
  GTypeInterface parent_iface;

  /* Never blocks and never queues without bound: a congested path drops, and
   * QUIC's loss recovery takes care of it. Returns FALSE once the path is
   * closed for good. */
  gboolean   (*send)                  (PuPath           *self,
                                       const PuDatagram *datagrams,
                                       guint             n_datagrams);
  PuPathKind (*get_kind)              (PuPath           *self);
  /* Largest datagram this path carries whole. */
  gsize      (*get_max_datagram_size) (PuPath           *self);
  /* "relay 203.0.113.5:7777", "direct srflx→host IPv4 198.51.100.7:40122" */
  char      *(*describe)              (PuPath           *self);
};

gboolean   pu_path_send                  (PuPath           *self,
                                          const PuDatagram *datagrams,
                                          guint             n_datagrams);
PuPathKind pu_path_get_kind              (PuPath           *self);
gsize      pu_path_get_max_datagram_size (PuPath           *self);
char      *pu_path_describe              (PuPath           *self);
const char *pu_path_kind_to_string       (PuPathKind        kind);

G_END_DECLS
