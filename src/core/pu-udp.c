/* pu-udp.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE  /* sendmmsg, recvmmsg */
#include "pu-udp.h"

#include <errno.h>
#include <linux/filter.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>
#include <unistd.h>

/* Messages per sendmmsg() and datagrams per GSO message (the kernel's
 * UDP_MAX_SEGMENTS). */
#define SEND_BATCH 64
#define GSO_SEGMENTS_MAX 64
#define RECV_BATCH_MAX 64
/* STUN's magic cookie (RFC 8489, 6), bytes 4-7 of every STUN message. QUIC's
 * fixed bit cannot tell the two apart: ngtcp2 0.12 always allows greasing it
 * (RFC 9287), and half of all connections clear it in every packet. */
#define STUN_MAGIC_COOKIE 0x2112A442
#define STUN_TYPE_BITS 0xC0

/* How many of @datagrams (at most @n) one message carries: with GSO, a run of
 * equal-size ones and at most one shorter one after it, which the kernel cuts
 * back into datagrams of the first one's size. */
static guint
gso_run (const PuDatagram *datagrams,
         guint             n,
         gboolean          gso)
{
  gsize size = datagrams[0].len, bytes = size;
  guint run = 1;

  if (!gso)
    return 1;
  while (run < MIN (n, GSO_SEGMENTS_MAX) && datagrams[run - 1].len == size &&
         datagrams[run].len <= size && bytes + datagrams[run].len <= PU_UDP_GSO_BYTES_MAX)
    bytes += datagrams[run++].len;
  return run;
}

guint
pu_udp_send (int                    fd,
             const struct sockaddr *addr,
             socklen_t              addr_len,
             const PuDatagram      *datagrams,
             guint                  n,
             gboolean              *gso)
{
  struct mmsghdr messages[SEND_BATCH];
  struct iovec vectors[SEND_BATCH];
  union {
    char           buf[CMSG_SPACE (sizeof (guint16))];
    struct cmsghdr align;
  } controls[SEND_BATCH];
  guint done = 0;

  g_return_val_if_fail (fd >= 0 && addr != NULL && gso != NULL, 0);
  g_return_val_if_fail (datagrams != NULL || n == 0, 0);

  while (done < n)
    {
      guint batch = MIN (n - done, SEND_BATCH), n_messages = 0;
      int sent;

      for (guint i = 0; i < batch; n_messages++)
        {
          guint run = gso_run (datagrams + done + i, batch - i, *gso);
          struct msghdr *msg = &messages[n_messages].msg_hdr;

          for (guint k = 0; k < run; k++)
            vectors[i + k] = (struct iovec) { (void *) datagrams[done + i + k].data,
                                              datagrams[done + i + k].len };
          *msg = (struct msghdr) { (void *) addr, addr_len, &vectors[i], run, NULL, 0, 0 };
          if (run > 1)
            {
              struct cmsghdr *cmsg;
              guint16 segment = datagrams[done + i].len;

              msg->msg_control = controls[n_messages].buf;
              msg->msg_controllen = sizeof controls[n_messages].buf;
              cmsg = CMSG_FIRSTHDR (msg);
              cmsg->cmsg_level = SOL_UDP;
              cmsg->cmsg_type = UDP_SEGMENT;
              cmsg->cmsg_len = CMSG_LEN (sizeof segment);
              memcpy (CMSG_DATA (cmsg), &segment, sizeof segment);
            }
          i += run;
        }
      sent = sendmmsg (fd, messages, n_messages, 0);
      if (sent < 0 && *gso && (errno == EIO || errno == EINVAL || errno == ENOPROTOOPT))
        {
          /* No segmentation on this route or device: one datagram at a time. */
          *gso = FALSE;
          continue;
        }
      if (sent <= 0)
        break;
      for (int k = 0; k < sent; k++)
        done += messages[k].msg_hdr.msg_iovlen;
      if ((guint) sent < n_messages)
        break;
    }
  return done;
}

gboolean
pu_udp_enable_gro (int fd)
{
  int on = 1;

  return setsockopt (fd, SOL_UDP, UDP_GRO, &on, sizeof on) == 0;
}

gsize
pu_udp_gro_segment (struct msghdr *msg,
                    gsize          len)
{
  for (struct cmsghdr *cmsg = CMSG_FIRSTHDR (msg); cmsg != NULL; cmsg = CMSG_NXTHDR (msg, cmsg))
    if (cmsg->cmsg_level == SOL_UDP && cmsg->cmsg_type == UDP_GRO)
      {
        int segment;

        memcpy (&segment, CMSG_DATA (cmsg), sizeof segment);
        return segment > 0 ? (gsize) segment : len;
      }
  return len;
}

/* Same address and port; sockaddrs from the kernel and from libnice may
 * differ in what else they fill in. */
static gboolean
same_address (const struct sockaddr *a,
              const struct sockaddr *b)
{
  if (a->sa_family != b->sa_family)
    return FALSE;
  if (a->sa_family == AF_INET)
    {
      const struct sockaddr_in *a4 = (const struct sockaddr_in *) a;
      const struct sockaddr_in *b4 = (const struct sockaddr_in *) b;

      return a4->sin_port == b4->sin_port && a4->sin_addr.s_addr == b4->sin_addr.s_addr;
    }
  if (a->sa_family == AF_INET6)
    {
      const struct sockaddr_in6 *a6 = (const struct sockaddr_in6 *) a;
      const struct sockaddr_in6 *b6 = (const struct sockaddr_in6 *) b;

      return a6->sin6_port == b6->sin6_port &&
             memcmp (&a6->sin6_addr, &b6->sin6_addr, sizeof a6->sin6_addr) == 0;
    }
  return FALSE;
}

guint
pu_udp_receive (int                    fd,
                const struct sockaddr *from,
                guint8                *bufs,
                gsize                  buf_size,
                guint                  n_bufs,
                PuDatagram            *datagrams,
                guint                  max_datagrams,
                guint                 *n_read)
{
  struct mmsghdr messages[RECV_BATCH_MAX];
  struct iovec vectors[RECV_BATCH_MAX];
  struct sockaddr_storage sources[RECV_BATCH_MAX];
  union {
    char           buf[PU_UDP_GRO_CONTROL_SIZE];
    struct cmsghdr align;
  } controls[RECV_BATCH_MAX];
  guint found = 0;
  int n;

  g_return_val_if_fail (fd >= 0 && bufs != NULL && datagrams != NULL, 0);

  n_bufs = MIN (n_bufs, RECV_BATCH_MAX);
  for (guint i = 0; i < n_bufs; i++)
    {
      vectors[i] = (struct iovec) { bufs + i * buf_size, buf_size };
      messages[i].msg_hdr = (struct msghdr) { &sources[i], sizeof sources[i], &vectors[i], 1,
                                              controls[i].buf, sizeof controls[i].buf, 0 };
    }
  n = recvmmsg (fd, messages, n_bufs, MSG_DONTWAIT, NULL);
  if (n_read != NULL)
    *n_read = MAX (n, 0);
  for (int i = 0; i < n; i++)
    {
      const guint8 *data = vectors[i].iov_base;
      gsize len = messages[i].msg_len;
      gsize segment = pu_udp_gro_segment (&messages[i].msg_hdr, len);

      if (from != NULL && !same_address (from, (struct sockaddr *) &sources[i]))
        continue;
      for (gsize off = 0; off < len && found < max_datagrams; off += segment)
        datagrams[found++] = (PuDatagram) { data + off, MIN (segment, len - off) };
    }
  return found;
}

static gboolean
set_int_option (int    fd,
                int    level,
                int    name,
                int    value,
                GError **error)
{
  if (setsockopt (fd, level, name, &value, sizeof value) == 0)
    return TRUE;
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
               "Could not set a UDP socket option: %s", g_strerror (errno));
  return FALSE;
}

GSocket *
pu_udp_open_steered (GSocket  *base,
                     GError  **error)
{
  /* The group's first socket (index 0) is @base, which was there first; the
   * new one joins as index 1. */
  struct sock_filter code[] = {
    /* Shorter than 8 bytes (a heartbeat): the load fails, which returns 0. */
    BPF_STMT (BPF_LD | BPF_W | BPF_ABS, 4),                       /* UDP payload, bytes 4-7 */
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, STUN_MAGIC_COOKIE, 0, 3),
    BPF_STMT (BPF_LD | BPF_B | BPF_ABS, 0),
    BPF_STMT (BPF_ALU | BPF_AND | BPF_K, STUN_TYPE_BITS),
    BPF_JUMP (BPF_JMP | BPF_JEQ | BPF_K, 0, 1, 0),
    BPF_STMT (BPF_RET | BPF_K, 1),                                /* QUIC: ours */
    BPF_STMT (BPF_RET | BPF_K, 0),                                /* STUN: @base */
  };
  struct sock_fprog program = { G_N_ELEMENTS (code), code };
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocket) socket = NULL;
  struct sockaddr_storage native;
  int base_fd = g_socket_get_fd (base), v6only = 0;
  socklen_t len = sizeof v6only;

  g_return_val_if_fail (G_IS_SOCKET (base), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  address = g_socket_get_local_address (base, error);
  if (address == NULL ||
      !g_socket_address_to_native (address, &native, sizeof native, error))
    return NULL;
  socket = g_socket_new (g_socket_get_family (base), G_SOCKET_TYPE_DATAGRAM,
                         G_SOCKET_PROTOCOL_UDP, error);
  if (socket == NULL)
    return NULL;
  g_socket_set_blocking (socket, FALSE);
  /* Both in one group: the same options, the same address. */
  if (g_socket_get_family (base) == G_SOCKET_FAMILY_IPV6 &&
      (getsockopt (base_fd, IPPROTO_IPV6, IPV6_V6ONLY, &v6only, &len) != 0 ||
       !set_int_option (g_socket_get_fd (socket), IPPROTO_IPV6, IPV6_V6ONLY, v6only, error)))
    return NULL;
  if (!set_int_option (base_fd, SOL_SOCKET, SO_REUSEPORT, 1, error) ||
      !set_int_option (g_socket_get_fd (socket), SOL_SOCKET, SO_REUSEPORT, 1, error))
    return NULL;
  /* Not g_socket_bind(), which sets SO_REUSEPORT its own way. */
  if (bind (g_socket_get_fd (socket), (struct sockaddr *) &native,
            g_socket_address_get_native_size (address)) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "Could not bind a second socket to the selected pair's: %s",
                   g_strerror (errno));
      return NULL;
    }
  if (setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_ATTACH_REUSEPORT_CBPF, &program,
                  sizeof program) != 0)
    {
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errno),
                   "Could not steer QUIC packets to their own socket: %s", g_strerror (errno));
      return NULL;
    }
  return g_steal_pointer (&socket);
}
