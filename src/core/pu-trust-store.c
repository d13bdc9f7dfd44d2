/* pu-trust-store.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-trust-store.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pu-error.h"
#include "pu-file.h"

/* One line of the file as read, so that whatever we do not understand is
 * written back unchanged. */
typedef struct {
  char         *raw;    /* without its '\n', NUL-terminated; may hold NUL bytes */
  gsize         len;
  PuTrustEntry *entry;  /* the parsed entry, or NULL */
} Line;

/* The file's lines and, per peer, the first line that names it: only that
 * line counts, so a later duplicate can never widen what the first says. */
typedef struct {
  GPtrArray  *lines;    /* of Line */
  GHashTable *by_peer;  /* PuPeerId* (inside the entry) → Line* */
} Model;

struct _PuTrustStore
{
  GObject parent_instance;

  char *path;
  Model *model;
  GBytes *data;  /* the file contents @model was made from */
  GFileMonitor *monitor;
};

G_DEFINE_FINAL_TYPE (PuTrustStore, pu_trust_store, G_TYPE_OBJECT)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
line_free (gpointer data)
{
  Line *line = data;

  g_free (line->raw);
  pu_trust_entry_free (line->entry);
  g_free (line);
}

static guint
peer_hash (gconstpointer key)
{
  return pu_peer_id_hash (key);
}

static gboolean
peer_equal (gconstpointer a,
            gconstpointer b)
{
  return pu_peer_id_equal (a, b);
}

static void
model_free (Model *model)
{
  g_hash_table_unref (model->by_peer);
  g_ptr_array_unref (model->lines);
  g_free (model);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Model, model_free)

static void
add_problem (GPtrArray *problems,
             guint      number,
             char      *reason)
{
  if (problems != NULL)
    g_ptr_array_add (problems, g_strdup_printf (_("line %u: %s"), number, reason));
  g_free (reason);
}

/* Splits @data into lines and parses each; @problems (may be NULL) gets one
 * "line N: reason" per line that authorizes nobody although it is not blank. */
static Model *
model_parse (const char *data,
             gsize       len,
             GPtrArray  *problems)
{
  Model *model = g_new0 (Model, 1);
  gsize pos = 0;

  model->lines = g_ptr_array_new_with_free_func (line_free);
  model->by_peer = g_hash_table_new (peer_hash, peer_equal);

  while (pos < len)
    {
      const char *nl = memchr (data + pos, '\n', len - pos);
      gsize stop = nl != NULL ? (gsize) (nl - data) : len;
      guint number = model->lines->len + 1;
      g_autoptr(GError) error = NULL;
      Line *line = g_new0 (Line, 1);
      Line *first;

      line->len = stop - pos;
      line->raw = g_malloc (line->len + 1);
      memcpy (line->raw, data + pos, line->len);
      line->raw[line->len] = '\0';
      g_ptr_array_add (model->lines, line);
      pos = stop + 1;

      if (memchr (line->raw, '\0', line->len) != NULL)
        {
          add_problem (problems, number, g_strdup (_("the line contains a NUL byte")));
          continue;
        }

      line->entry = pu_trust_entry_parse (line->raw, &error);
      if (error != NULL)
        {
          add_problem (problems, number, g_strdup (error->message));
          continue;
        }
      if (line->entry == NULL)
        continue;

      first = g_hash_table_lookup (model->by_peer, &line->entry->peer_id);
      if (first != NULL)
        {
          guint first_number = 0;

          g_ptr_array_find (model->lines, first, &first_number);
          add_problem (problems, number,
                       g_strdup_printf (_("this peer is already listed on line %u; only that "
                                          "line counts"), first_number + 1));
          continue;
        }
      g_hash_table_insert (model->by_peer, &line->entry->peer_id, line);
    }

  return model;
}

static GBytes *
model_serialize (Model   *model,
                 GError **error)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < model->lines->len; i++)
    {
      Line *line = g_ptr_array_index (model->lines, i);

      g_string_append_len (out, line->raw, (gssize) line->len);
      g_string_append_c (out, '\n');
    }

  if (out->len > PU_TRUST_FILE_MAX)
    {
      g_string_free (out, TRUE);
      g_set_error (error, PU_ERROR, PU_ERROR_TOO_LARGE,
                   _("The authorized peers file would grow over %d bytes; remove peers you "
                     "no longer use first"), PU_TRUST_FILE_MAX);
      return NULL;
    }
  return g_string_free_to_bytes (out);
}

static Line *
model_lookup (Model          *model,
              const PuPeerId *peer)
{
  return g_hash_table_lookup (model->by_peer, peer);
}

/* A missing file is an empty one; anything else must be private and small. */
static GBytes *
read_file (const char  *path,
           GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  char *contents = NULL;
  gsize len = 0;

  if (!pu_file_check_private (path, &local_error)
      || !pu_file_read_bounded (path, PU_TRUST_FILE_MAX, &contents, &len, &local_error))
    {
      if (g_error_matches (local_error, PU_ERROR, PU_ERROR_NOT_FOUND))
        return g_bytes_new (NULL, 0);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_bytes_new_take (contents, len);
}

/* Takes @model and @data as the current state; emits ::changed if @data is new. */
static void
store_install (PuTrustStore *self,
               Model        *model,
               GBytes       *data)
{
  gboolean same = self->data != NULL && g_bytes_equal (self->data, data);

  g_clear_pointer (&self->model, model_free);
  self->model = model;
  g_clear_pointer (&self->data, g_bytes_unref);
  self->data = g_bytes_ref (data);

  if (!same)
    g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

gboolean
pu_trust_store_reload (PuTrustStore  *self,
                       GError       **error)
{
  g_autoptr(GPtrArray) problems = NULL;
  g_autoptr(GBytes) data = NULL;
  const char *bytes;
  gsize len;

  g_return_val_if_fail (PU_IS_TRUST_STORE (self), FALSE);

  data = read_file (self->path, error);
  if (data == NULL)
    return FALSE;
  if (self->data != NULL && g_bytes_equal (self->data, data))
    return TRUE;

  problems = g_ptr_array_new_with_free_func (g_free);
  bytes = g_bytes_get_data (data, &len);
  store_install (self, model_parse (bytes, len, problems), data);

  /* Said once per new content, not on every lookup. */
  for (guint i = 0; i < problems->len; i++)
    g_message (_("Ignoring a line of %s: %s"),
               self->path, (const char *) g_ptr_array_index (problems, i));
  return TRUE;
}

static void
on_file_changed (GFileMonitor      *monitor,
                 GFile             *file,
                 GFile             *other_file,
                 GFileMonitorEvent  event,
                 gpointer           user_data)
{
  PuTrustStore *self = user_data;
  g_autoptr(GError) error = NULL;

  /* A writer in progress sends CHANGED many times, then CHANGES_DONE_HINT. */
  if (event == G_FILE_MONITOR_EVENT_CHANGED)
    return;

  if (!pu_trust_store_reload (self, &error))
    g_message (_("Keeping the previous authorized peers: %s"), error->message);
}

static void
pu_trust_store_dispose (GObject *object)
{
  PuTrustStore *self = PU_TRUST_STORE (object);

  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->monitor, self);
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }

  G_OBJECT_CLASS (pu_trust_store_parent_class)->dispose (object);
}

static void
pu_trust_store_finalize (GObject *object)
{
  PuTrustStore *self = PU_TRUST_STORE (object);

  g_clear_pointer (&self->model, model_free);
  g_clear_pointer (&self->data, g_bytes_unref);
  g_free (self->path);

  G_OBJECT_CLASS (pu_trust_store_parent_class)->finalize (object);
}

static void
pu_trust_store_class_init (PuTrustStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = pu_trust_store_dispose;
  object_class->finalize = pu_trust_store_finalize;

  /**
   * PuTrustStore::changed:
   *
   * The set of authorized peers may have changed: the file was edited, by
   * this store or by someone else.
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
pu_trust_store_init (PuTrustStore *self)
{
}

PuTrustStore *
pu_trust_store_new (const char  *path,
                    GError     **error)
{
  g_autoptr(PuTrustStore) self = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GFile) file = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  self = g_object_new (PU_TYPE_TRUST_STORE, NULL);
  self->path = g_strdup (path);

  /* Watching starts before the first read, so no change falls in between. A
   * file monitor watches the directory too: a rename over the file (how every
   * atomic writer replaces it) is seen. */
  file = g_file_new_for_path (path);
  self->monitor = g_file_monitor_file (file, G_FILE_MONITOR_NONE, NULL, &local_error);
  if (self->monitor == NULL)
    g_message (_("Changes to %s will only be seen after a restart: %s"),
               path, local_error->message);
  else
    g_signal_connect (self->monitor, "changed", G_CALLBACK (on_file_changed), self);

  if (!pu_trust_store_reload (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
pu_trust_store_get_path (PuTrustStore *self)
{
  g_return_val_if_fail (PU_IS_TRUST_STORE (self), NULL);

  return self->path;
}

const PuTrustEntry *
pu_trust_store_lookup (PuTrustStore   *self,
                       const PuPeerId *peer)
{
  Line *line;

  g_return_val_if_fail (PU_IS_TRUST_STORE (self), NULL);
  g_return_val_if_fail (peer != NULL, NULL);

  line = model_lookup (self->model, peer);
  return line != NULL ? line->entry : NULL;
}

gboolean
pu_trust_store_is_authorized (PuTrustStore   *self,
                              const PuPeerId *peer,
                              gint64          now)
{
  const PuTrustEntry *entry;

  g_return_val_if_fail (PU_IS_TRUST_STORE (self), FALSE);
  g_return_val_if_fail (peer != NULL, FALSE);

  entry = pu_trust_store_lookup (self, peer);
  return entry != NULL && !pu_trust_entry_is_expired (entry, now);
}

GPtrArray *
pu_trust_store_list (PuTrustStore *self)
{
  GPtrArray *entries;

  g_return_val_if_fail (PU_IS_TRUST_STORE (self), NULL);

  entries = g_ptr_array_new ();
  for (guint i = 0; i < self->model->lines->len; i++)
    {
      Line *line = g_ptr_array_index (self->model->lines, i);

      if (line->entry != NULL && model_lookup (self->model, &line->entry->peer_id) == line)
        g_ptr_array_add (entries, line->entry);
    }
  return entries;
}

/* Every change starts from the file as it is now, not as it was last seen. */
static Model *
change_begin (PuTrustStore  *self,
              GError       **error)
{
  g_autoptr(GBytes) data = read_file (self->path, error);
  const char *bytes;
  gsize len;

  if (data == NULL)
    return NULL;
  bytes = g_bytes_get_data (data, &len);
  return model_parse (bytes, len, NULL);
}

/* Writes @model (taken) to the file and makes it the current state. */
static gboolean
change_commit (PuTrustStore  *self,
               Model         *model,
               GError       **error)
{
  g_autoptr(Model) owned = model;
  g_autoptr(GBytes) data = model_serialize (model, error);
  const char *bytes;
  gsize len;

  if (data == NULL)
    return FALSE;
  bytes = g_bytes_get_data (data, &len);
  if (!pu_file_write_atomic (self->path, bytes, len, 0600, error))
    return FALSE;

  store_install (self, g_steal_pointer (&owned), data);
  return TRUE;
}

static gboolean
not_found (GError         **error,
           const PuPeerId  *peer)
{
  g_autofree char *id = pu_peer_id_to_string (peer);

  g_set_error (error, PU_ERROR, PU_ERROR_NOT_FOUND,
               _("%s is not an authorized peer; see `peerup auth list`"), id);
  return FALSE;
}

gboolean
pu_trust_store_add (PuTrustStore    *self,
                    const PuPeerId  *peer,
                    const char      *comment,
                    gint64           expires,
                    GError         **error)
{
  g_autoptr(Model) model = NULL;
  Line *line;

  g_return_val_if_fail (PU_IS_TRUST_STORE (self), FALSE);
  g_return_val_if_fail (peer != NULL, FALSE);
  g_return_val_if_fail (expires >= 0, FALSE);

  model = change_begin (self, error);
  if (model == NULL)
    return FALSE;

  if (model_lookup (model, peer) != NULL)
    {
      g_autofree char *id = pu_peer_id_to_string (peer);

      g_set_error (error, PU_ERROR, PU_ERROR_EXISTS,
                   _("%s is already authorized; remove it first with `peerup auth remove %s`"),
                   id, id);
      return FALSE;
    }

  line = g_new0 (Line, 1);
  line->entry = pu_trust_entry_new (peer);
  line->entry->expires = expires;
  line->entry->comment = pu_trust_comment_sanitize (comment);
  line->raw = pu_trust_entry_to_line (line->entry);
  line->len = strlen (line->raw);
  g_ptr_array_add (model->lines, line);
  g_hash_table_insert (model->by_peer, &line->entry->peer_id, line);

  return change_commit (self, g_steal_pointer (&model), error);
}

gboolean
pu_trust_store_remove (PuTrustStore    *self,
                       const PuPeerId  *peer,
                       GError         **error)
{
  g_autoptr(Model) model = NULL;

  g_return_val_if_fail (PU_IS_TRUST_STORE (self), FALSE);
  g_return_val_if_fail (peer != NULL, FALSE);

  model = change_begin (self, error);
  if (model == NULL)
    return FALSE;

  if (!g_hash_table_remove (model->by_peer, peer))
    return not_found (error, peer);

  /* Duplicates go too, or the next one would take the removed line's place. */
  for (guint i = model->lines->len; i > 0; i--)
    {
      Line *line = g_ptr_array_index (model->lines, i - 1);

      if (line->entry != NULL && pu_peer_id_equal (&line->entry->peer_id, peer))
        g_ptr_array_remove_index (model->lines, i - 1);
    }

  return change_commit (self, g_steal_pointer (&model), error);
}

gboolean
pu_trust_store_set_verified (PuTrustStore    *self,
                             const PuPeerId  *peer,
                             const char      *verified,
                             GError         **error)
{
  g_autoptr(PuTrustEntry) check = NULL;
  g_autoptr(Model) model = NULL;
  g_autofree char *raw = NULL;
  Line *line;

  g_return_val_if_fail (PU_IS_TRUST_STORE (self), FALSE);
  g_return_val_if_fail (peer != NULL, FALSE);

  if (verified != NULL && !pu_trust_verified_is_valid (verified))
    {
      g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                   _("Invalid verification “%s”: expected sha256: and 8 lowercase hex digits"),
                   verified);
      return FALSE;
    }

  model = change_begin (self, error);
  if (model == NULL)
    return FALSE;

  line = model_lookup (model, peer);
  if (line == NULL)
    return not_found (error, peer);

  g_free (line->entry->verified);
  line->entry->verified = g_strdup (verified);
  raw = pu_trust_entry_to_line (line->entry);
  /* The longer line must still be one this store can read back. */
  check = pu_trust_entry_parse (raw, error);
  if (check == NULL)
    return FALSE;

  g_free (line->raw);
  line->len = strlen (raw);
  line->raw = g_steal_pointer (&raw);

  return change_commit (self, g_steal_pointer (&model), error);
}

GPtrArray *
pu_trust_store_validate_data (const char *data,
                              gsize       len)
{
  GPtrArray *problems = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (data != NULL || len == 0, problems);

  if (len > PU_TRUST_FILE_MAX)
    {
      g_ptr_array_add (problems, g_strdup_printf (_("the file is larger than %d bytes"),
                                                  PU_TRUST_FILE_MAX));
      return problems;
    }

  model_free (model_parse (data, len, problems));
  return problems;
}
