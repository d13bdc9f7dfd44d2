/* pu-test-path.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-test-path.h"

/* A path never queues without bound: beyond this it drops, like a network. */
#define MAX_QUEUED 8192
#define MAX_DELIVER_PER_DISPATCH 512

struct _PuTestPath
{
  GObject       parent_instance;

  PuTestPath   *peer;       /* weak */
  PuConnection *receiver;   /* weak */
  GQueue        queue;      /* GBytes in flight towards the peer's receiver */
  guint         idle_id;
  guint         loss;
  guint         reorder;
  GRand        *rand;
  guint64       sent;
};

static void pu_test_path_iface_init (PuPathInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (PuTestPath, pu_test_path, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PU_TYPE_PATH, pu_test_path_iface_init))

static gboolean
deliver (gpointer user_data)
{
  PuTestPath *self = user_data;

  for (guint i = 0; i < MAX_DELIVER_PER_DISPATCH && self->queue.length > 0; i++)
    {
      g_autoptr(GBytes) bytes = g_queue_pop_head (&self->queue);
      PuConnection *receiver = self->peer != NULL ? self->peer->receiver : NULL;
      gsize len;
      const guint8 *data = g_bytes_get_data (bytes, &len);

      if (receiver != NULL)
        pu_connection_receive_datagram (receiver, data, len);
    }

  if (self->queue.length > 0)
    return G_SOURCE_CONTINUE;

  self->idle_id = 0;
  return G_SOURCE_REMOVE;
}

static gboolean
pu_test_path_send (PuPath           *path,
                   const PuDatagram *datagrams,
                   guint             n_datagrams)
{
  PuTestPath *self = PU_TEST_PATH (path);

  for (guint i = 0; i < n_datagrams; i++)
    {
      GBytes *bytes;

      self->sent++;
      if (self->loss > 0 && (guint) g_rand_int_range (self->rand, 0, 100) < self->loss)
        continue;
      if (self->queue.length >= MAX_QUEUED)
        continue;

      bytes = g_bytes_new (datagrams[i].data, datagrams[i].len);
      if (self->reorder > 0 && self->queue.length > 0 &&
          (guint) g_rand_int_range (self->rand, 0, 100) < self->reorder)
        g_queue_insert_before (&self->queue, self->queue.tail, bytes);
      else
        g_queue_push_tail (&self->queue, bytes);
    }

  if (self->idle_id == 0 && self->queue.length > 0)
    self->idle_id = g_idle_add_full (G_PRIORITY_DEFAULT, deliver, self, NULL);
  return TRUE;
}

static PuPathKind
pu_test_path_get_kind (PuPath *path)
{
  return PU_PATH_KIND_DIRECT;
}

static gsize
pu_test_path_get_max_datagram_size (PuPath *path)
{
  return 1452;
}

static char *
pu_test_path_describe (PuPath *path)
{
  return g_strdup_printf ("test %p", (void *) path);
}

static void
pu_test_path_iface_init (PuPathInterface *iface)
{
  iface->send = pu_test_path_send;
  iface->get_kind = pu_test_path_get_kind;
  iface->get_max_datagram_size = pu_test_path_get_max_datagram_size;
  iface->describe = pu_test_path_describe;
}

static void
pu_test_path_finalize (GObject *object)
{
  PuTestPath *self = PU_TEST_PATH (object);

  g_clear_handle_id (&self->idle_id, g_source_remove);
  g_queue_clear_full (&self->queue, (GDestroyNotify) g_bytes_unref);
  g_clear_weak_pointer (&self->peer);
  g_clear_weak_pointer (&self->receiver);
  g_rand_free (self->rand);

  G_OBJECT_CLASS (pu_test_path_parent_class)->finalize (object);
}

static void
pu_test_path_class_init (PuTestPathClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = pu_test_path_finalize;
}

static void
pu_test_path_init (PuTestPath *self)
{
  /* Fixed seed: a failing run can be replayed. */
  self->rand = g_rand_new_with_seed (42);
}

void
pu_test_path_new_pair (PuTestPath **a,
                       PuTestPath **b)
{
  *a = g_object_new (PU_TYPE_TEST_PATH, NULL);
  *b = g_object_new (PU_TYPE_TEST_PATH, NULL);
  g_set_weak_pointer (&(*a)->peer, *b);
  g_set_weak_pointer (&(*b)->peer, *a);
}

void
pu_test_path_set_receiver (PuTestPath   *self,
                           PuConnection *connection)
{
  g_set_weak_pointer (&self->receiver, connection);
}

void
pu_test_path_set_loss (PuTestPath *self,
                       guint       percent)
{
  self->loss = MIN (percent, 100);
}

void
pu_test_path_set_reorder (PuTestPath *self,
                          guint       percent)
{
  self->reorder = MIN (percent, 100);
}

guint64
pu_test_path_get_sent (PuTestPath *self)
{
  return self->sent;
}
