/* pu-udp.h — UDP datagrams in batches, with the kernel's segmentation offload
 *
 * Sending: runs of equal-size datagrams go in one message with UDP_SEGMENT
 * (GSO), which the kernel cuts into datagrams as late as it can (on the wire,
 * or never on loopback and veth when the receiver reads with UDP_GRO), and up
 * to a batch of messages in one sendmmsg(). Receiving: recvmmsg(), with
 * UDP_GRO joined datagrams split again.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <sys/socket.h>

#include "pu-path.h"

G_BEGIN_DECLS

/* Largest UDP payload a GSO message carries, over IPv4 and IPv6 alike. */
#define PU_UDP_GSO_BYTES_MAX 65507
/* What one received message holds when the socket reads with UDP_GRO. */
#define PU_UDP_GRO_BYTES_MAX 65536

/* Sends @datagrams (in order) to @addr on the non-blocking socket @fd, with
 * GSO while *@gso. A kernel or device that refuses GSO clears *@gso and the
 * rest goes one datagram per message. Returns how many datagrams left: fewer
 * than @n when the socket buffer is full, or on an error (in errno). */
guint    pu_udp_send         (int                    fd,
                              const struct sockaddr *addr,
                              socklen_t              addr_len,
                              const PuDatagram      *datagrams,
                              guint                  n,
                              gboolean              *gso);

/* Turns UDP_GRO on for @fd; FALSE if the kernel cannot. */
gboolean pu_udp_enable_gro   (int                    fd);

/* The size of each datagram in @msg, a received message @len bytes long:
 * @len unless UDP_GRO joined several (all that size but the last). */
gsize    pu_udp_gro_segment  (struct msghdr         *msg,
                              gsize                  len);

/* Room for the control message pu_udp_gro_segment() reads. */
#define PU_UDP_GRO_CONTROL_SIZE CMSG_SPACE (sizeof (int))

/* Received datagrams: up to @n_bufs messages of @buf_size bytes each read
 * into @bufs by one recvmmsg(), cut into datagrams (UDP_GRO joins several),
 * those from elsewhere than @from (when not NULL) dropped. @datagrams has
 * room for @max_datagrams and points into @bufs. Returns how many datagrams
 * it kept; *@n_read (when not NULL) is how many messages it read, 0 when
 * nothing waited. */
guint    pu_udp_receive      (int                    fd,
                              const struct sockaddr *from,
                              guint8                *bufs,
                              gsize                  buf_size,
                              guint                  n_bufs,
                              PuDatagram            *datagrams,
                              guint                  max_datagrams,
                              guint                 *n_read);

/* A second socket on @base's address and port that receives the QUIC
 * packets arriving there, while @base keeps STUN (its magic cookie tells)
 * and datagrams shorter than 8 bytes, for whoever reads @base: both in one
 * SO_REUSEPORT group that a socket filter steers. Non-blocking. NULL with
 * @error where the system cannot. */
GSocket *pu_udp_open_steered (GSocket               *base,
                              GError               **error);

G_END_DECLS
