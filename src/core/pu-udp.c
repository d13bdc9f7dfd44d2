/* pu-udp.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE  /* sendmmsg */
#include "pu-udp.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <string.h>

/* Messages per sendmmsg() and datagrams per GSO message (the kernel's
 * UDP_MAX_SEGMENTS). */
#define SEND_BATCH 64
#define GSO_SEGMENTS_MAX 64

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
