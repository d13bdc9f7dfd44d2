/* pu-profile.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-profile.h"
#include "pu-profile-private.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "pu-error.h"
#include "pu-file.h"
#include "pu-label.h"
#include "pu-secret.h"

/* Editors and `peerup` write in several steps; reload once they settle. */
#define RELOAD_DELAY_MS 200

struct _PuProfile
{
  GObject parent_instance;

  PuConfig *config;
  PuIdentity *identity;
  PuIdentityStore identity_store;
  PuTrustStore *trust_store;

  GFileMonitor *monitor;
  GSource *reload_source;
  char *seen_data;  /* config.ini as it was when last read or written here */
};

enum {
  SIGNAL_CONFIG_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];
static gpointer pu_profile_parent_class;

static void
pu_profile_dispose (GObject *object)
{
  PuProfile *self = PU_PROFILE (object);

  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->monitor, self);
      g_file_monitor_cancel (self->monitor);
      g_clear_object (&self->monitor);
    }
  if (self->reload_source != NULL)
    {
      g_source_destroy (self->reload_source);
      g_clear_pointer (&self->reload_source, g_source_unref);
    }

  G_OBJECT_CLASS (pu_profile_parent_class)->dispose (object);
}

static void
pu_profile_finalize (GObject *object)
{
  PuProfile *self = PU_PROFILE (object);

  g_clear_object (&self->config);
  g_clear_object (&self->identity);
  g_clear_object (&self->trust_store);
  g_free (self->seen_data);

  G_OBJECT_CLASS (pu_profile_parent_class)->finalize (object);
}

static void
pu_profile_class_init (PuProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  pu_profile_parent_class = g_type_class_peek_parent (klass);
  object_class->dispose = pu_profile_dispose;
  object_class->finalize = pu_profile_finalize;

  /**
   * PuProfile::config-changed:
   * @previous: the config in use before
   *
   * config.ini was read again and says something new: pu_profile_get_config()
   * returns the new object from now on.
   */
  signals[SIGNAL_CONFIG_CHANGED] =
    g_signal_new ("config-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, PU_TYPE_CONFIG);
}

/* Registered by hand: pu_profile_init() is the public set-up function, so the
 * instance initializer cannot take the name G_DEFINE_TYPE would give it. */
GType
pu_profile_get_type (void)
{
  static gsize type_id = 0;

  if (g_once_init_enter (&type_id))
    {
      GType type = g_type_register_static_simple (G_TYPE_OBJECT,
                                                  g_intern_static_string ("PuProfile"),
                                                  sizeof (PuProfileClass),
                                                  (GClassInitFunc) (void (*) (void))
                                                  pu_profile_class_init,
                                                  sizeof (PuProfile), NULL, G_TYPE_FLAG_FINAL);

      g_once_init_leave (&type_id, type);
    }
  return type_id;
}

/* lstat, so that a dangling symlink counts as present and is never replaced. */
static gboolean
path_exists (const char  *path,
             gboolean    *exists,
             GError     **error)
{
  GStatBuf st;
  int saved;

  if (g_lstat (path, &st) == 0)
    {
      *exists = TRUE;
      return TRUE;
    }
  saved = errno;
  if (saved == ENOENT)
    {
      *exists = FALSE;
      return TRUE;
    }
  g_set_error (error, PU_ERROR, PU_ERROR_IO, _("Could not check %s: %s"),
               path, g_strerror (saved));
  return FALSE;
}

static gboolean
reload_cb (gpointer user_data)
{
  PuProfile *self = user_data;
  g_autoptr(GError) error = NULL;

  g_clear_pointer (&self->reload_source, g_source_unref);
  if (!pu_profile_reload_config (self, &error))
    g_message (_("Keeping the previous settings: %s (check it with `peerup config validate`)"),
               error->message);
  return G_SOURCE_REMOVE;
}

static void
on_config_file_changed (GFileMonitor      *monitor,
                        GFile             *file,
                        GFile             *other_file,
                        GFileMonitorEvent  event,
                        gpointer           user_data)
{
  PuProfile *self = user_data;

  /* A deleted config.ini keeps the settings in use. */
  if (event == G_FILE_MONITOR_EVENT_DELETED || event == G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED)
    return;

  /* Each event moves the reload later, in the context the monitor reports to. */
  if (self->reload_source != NULL)
    {
      g_source_destroy (self->reload_source);
      g_source_unref (self->reload_source);
    }
  self->reload_source = g_timeout_source_new (RELOAD_DELAY_MS);
  g_source_set_callback (self->reload_source, reload_cb, self, NULL);
  g_source_attach (self->reload_source, g_main_context_get_thread_default ());
}

/* Started before config.ini is first read, so no change falls in between. A
 * file monitor watches the directory too: a rename over the file (how every
 * atomic writer replaces it) is seen. */
static void
watch_config (PuProfile  *self,
              const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);

  self->monitor = g_file_monitor_file (file, G_FILE_MONITOR_NONE, NULL, &error);
  if (self->monitor == NULL)
    g_message (_("Changes to %s will only be seen after a restart: %s"), path, error->message);
  else
    g_signal_connect (self->monitor, "changed", G_CALLBACK (on_config_file_changed), self);
}

static gboolean
config_has_relay (PuConfig          *config,
                  const PuRelayAddr *addr)
{
  GPtrArray *relays = pu_config_get_relays (config);

  for (guint i = 0; i < relays->len; i++)
    if (pu_relay_addr_equal (g_ptr_array_index (relays, i), addr))
      return TRUE;
  return FALSE;
}

/* Applies --name and --relay; TRUE in @changed when the config needs saving. */
static gboolean
apply_init_options (PuConfig    *config,
                    const char  *name,
                    const char  *relay,
                    gboolean    *changed,
                    GError     **error)
{
  if (name != NULL && pu_config_get_device_name (config) == NULL)
    {
      if (!pu_config_set_device_name (config, name, error))
        return FALSE;
      *changed = TRUE;
    }

  if (relay != NULL)
    {
      g_autoptr(PuRelayAddr) addr = pu_relay_addr_parse (relay, NULL, error);

      if (addr == NULL)
        return FALSE;
      if (!config_has_relay (config, addr))
        {
          if (!pu_config_add_relay (config, addr, error))
            return FALSE;
          *changed = TRUE;
        }
    }
  return TRUE;
}

static gboolean
not_initialized (const char  *config_path,
                 const char  *missing,
                 GError     **error)
{
  g_autofree char *command = NULL;

  if (config_path != NULL)
    command = g_strdup_printf ("peerup init --config %s", config_path);
  else
    command = g_strdup ("peerup init");
  g_set_error (error, PU_ERROR, PU_ERROR_NOT_FOUND,
               _("%s does not exist; run `%s` to set up this device"), missing, command);
  return FALSE;
}

static char *
keyring_marker_path (PuConfig *config)
{
  g_autofree char *identity_path = pu_config_get_identity_path (config);
  g_autofree char *dir = g_path_get_dirname (identity_path);

  return g_build_filename (dir, PU_PROFILE_KEYRING_MARKER, NULL);
}

/* The peer ID identity.keyring names (one line). */
static gboolean
read_keyring_marker (const char  *path,
                     PuPeerId    *peer,
                     GError     **error)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) local_error = NULL;

  if (!pu_file_read_bounded (path, PU_PEER_ID_MAX_TEXT + 2, &contents, NULL, error))
    return FALSE;
  if (!pu_peer_id_parse (g_strstrip (contents), peer, &local_error))
    {
      g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                   _("%s should hold this device's peer ID: %s"), path, local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* Loads the identity from identity.key or, when only identity.keyring
 * exists, from the keyring; with @create, makes a new identity.key when
 * there is neither. */
static gboolean
load_identity (PuProfile   *self,
               const char  *config_path,
               gboolean     create,
               gboolean    *created,
               GError     **error)
{
  g_autofree char *path = pu_config_get_identity_path (self->config);
  g_autofree char *marker = NULL;
  PuPeerId peer;
  gboolean exists;

  if (!path_exists (path, &exists, error))
    return FALSE;
  if (exists)
    {
      self->identity = pu_identity_load (path, error);
      self->identity_store = PU_IDENTITY_STORE_FILE;
      return self->identity != NULL;
    }

  marker = keyring_marker_path (self->config);
  if (!path_exists (marker, &exists, error))
    return FALSE;
  if (exists)
    {
      if (!read_keyring_marker (marker, &peer, error))
        return FALSE;
      self->identity = pu_secret_load_identity (&peer, error);
      self->identity_store = PU_IDENTITY_STORE_KEYRING;
      return self->identity != NULL;
    }

  if (!create)
    return not_initialized (config_path, path, error);
  self->identity = pu_identity_generate ();
  self->identity_store = PU_IDENTITY_STORE_FILE;
  if (!pu_identity_save (self->identity, path, error))
    return FALSE;
  *created = TRUE;
  return TRUE;
}

PuProfile *
pu_profile_init (const char  *config_path,
                 const char  *name,
                 const char  *relay,
                 gboolean    *created_identity,
                 GError     **error)
{
  g_autoptr(PuProfile) self = g_object_new (PU_TYPE_PROFILE, NULL);
  g_autofree char *path = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *keys_path = NULL;
  gboolean config_exists;
  gboolean keys_exist;
  gboolean changed = FALSE;
  gboolean created = FALSE;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  path = config_path != NULL ? g_strdup (config_path) : pu_config_default_path ();
  dir = g_path_get_dirname (path);

  /* An existing directory given with --config keeps its mode: it may be the
   * user's home or working directory. */
  if (!g_file_test (dir, G_FILE_TEST_IS_DIR) && !pu_dir_ensure_private (dir, error))
    return NULL;

  if (!path_exists (path, &config_exists, error))
    return NULL;
  if (config_exists)
    self->config = pu_config_load (path, error);
  else
    self->config = pu_config_new (path);
  if (self->config == NULL)
    return NULL;

  /* Everything that can be refused is checked before anything is written. */
  if (!apply_init_options (self->config, name, relay, &changed, error))
    return NULL;

  if (!load_identity (self, config_path, TRUE, &created, error))
    return NULL;

  keys_path = pu_config_get_authorized_keys_path (self->config);
  if (!path_exists (keys_path, &keys_exist, error))
    return NULL;
  if (!keys_exist && !pu_file_write_atomic (keys_path, "", 0, 0600, error))
    return NULL;
  self->trust_store = pu_trust_store_new (keys_path, error);
  if (self->trust_store == NULL)
    return NULL;

  if ((changed || !config_exists) && !pu_config_save (self->config, error))
    return NULL;
  watch_config (self, path);
  self->seen_data = pu_config_to_data (self->config, NULL);

  if (created_identity != NULL)
    *created_identity = created;
  return g_steal_pointer (&self);
}

PuProfile *
pu_profile_open (const char  *config_path,
                 GError     **error)
{
  g_autoptr(PuProfile) self = g_object_new (PU_TYPE_PROFILE, NULL);
  g_autofree char *path = NULL;
  g_autofree char *keys_path = NULL;
  gboolean exists;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  path = config_path != NULL ? g_strdup (config_path) : pu_config_default_path ();
  if (!path_exists (path, &exists, error))
    return NULL;
  if (!exists)
    {
      not_initialized (config_path, path, error);
      return NULL;
    }

  watch_config (self, path);
  self->config = pu_config_load (path, error);
  if (self->config == NULL)
    return NULL;
  self->seen_data = pu_config_to_data (self->config, NULL);

  if (!load_identity (self, config_path, FALSE, NULL, error))
    return NULL;

  keys_path = pu_config_get_authorized_keys_path (self->config);
  self->trust_store = pu_trust_store_new (keys_path, error);
  if (self->trust_store == NULL)
    return NULL;

  return g_steal_pointer (&self);
}

PuConfig *
pu_profile_get_config (PuProfile *self)
{
  g_return_val_if_fail (PU_IS_PROFILE (self), NULL);

  return self->config;
}

gboolean
pu_profile_reload_config (PuProfile  *self,
                          GError    **error)
{
  g_autoptr(PuConfig) config = NULL;
  g_autoptr(PuConfig) previous = NULL;
  g_autofree char *current_data = NULL;
  char *data;

  g_return_val_if_fail (PU_IS_PROFILE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  config = pu_config_load (pu_config_get_path (self->config), error);
  if (config == NULL)
    return FALSE;

  /* The file as it was (touched, or the echo of a write made here) is no
   * change, and changes made to the config in memory since stay. */
  data = pu_config_to_data (config, NULL);
  if (g_str_equal (data, self->seen_data))
    {
      g_free (data);
      return TRUE;
    }
  g_free (self->seen_data);
  self->seen_data = data;

  /* Saved from here, with the settings in use: nothing new either. */
  current_data = pu_config_to_data (self->config, NULL);
  if (g_str_equal (current_data, data))
    return TRUE;

  previous = g_steal_pointer (&self->config);
  self->config = g_steal_pointer (&config);
  g_signal_emit (self, signals[SIGNAL_CONFIG_CHANGED], 0, previous);
  return TRUE;
}

PuIdentity *
pu_profile_get_identity (PuProfile *self)
{
  g_return_val_if_fail (PU_IS_PROFILE (self), NULL);

  return self->identity;
}

PuTrustStore *
pu_profile_get_trust_store (PuProfile *self)
{
  g_return_val_if_fail (PU_IS_PROFILE (self), NULL);

  return self->trust_store;
}

PuIdentityStore
pu_profile_get_identity_store (PuProfile *self)
{
  g_return_val_if_fail (PU_IS_PROFILE (self), PU_IDENTITY_STORE_FILE);

  return self->identity_store;
}

static gboolean
remove_file (const char  *path,
             GError     **error)
{
  int saved;

  if (g_unlink (path) == 0)
    return TRUE;
  saved = errno;
  g_set_error (error, PU_ERROR, PU_ERROR_IO, _("Could not remove %s: %s"), path,
               g_strerror (saved));
  return FALSE;
}

gboolean
pu_profile_move_identity_to_keyring (PuProfile  *self,
                                     GError    **error)
{
  g_autofree char *path = NULL;
  g_autofree char *marker = NULL;
  g_autofree char *line = NULL;
  g_autoptr(PuIdentity) stored = NULL;
  const PuPeerId *peer;

  g_return_val_if_fail (PU_IS_PROFILE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->identity_store == PU_IDENTITY_STORE_KEYRING)
    return TRUE;

  peer = pu_identity_get_peer_id (self->identity);
  if (!pu_secret_store_identity (self->identity, error))
    return FALSE;
  stored = pu_secret_load_identity (peer, error);
  if (stored == NULL)
    return FALSE;

  marker = keyring_marker_path (self->config);
  line = g_strdup_printf ("%s\n", pu_identity_get_peer_id_string (self->identity));
  if (!pu_file_write_atomic (marker, line, strlen (line), 0600, error))
    return FALSE;
  path = pu_config_get_identity_path (self->config);
  if (!remove_file (path, error))
    return FALSE;
  self->identity_store = PU_IDENTITY_STORE_KEYRING;
  return TRUE;
}

gboolean
pu_profile_move_identity_to_file (PuProfile  *self,
                                  GError    **error)
{
  g_autofree char *path = NULL;
  g_autofree char *marker = NULL;

  g_return_val_if_fail (PU_IS_PROFILE (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->identity_store == PU_IDENTITY_STORE_FILE)
    return TRUE;

  path = pu_config_get_identity_path (self->config);
  if (!pu_identity_save (self->identity, path, error))
    return FALSE;
  marker = keyring_marker_path (self->config);
  if (!remove_file (marker, error))
    return FALSE;
  self->identity_store = PU_IDENTITY_STORE_FILE;
  /* The file is in use from here: a keyring that fails now only keeps a copy. */
  return pu_secret_clear_identity (pu_identity_get_peer_id (self->identity), error);
}

char *
pu_profile_label_from_hostname (const char *hostname)
{
  GString *label = g_string_new (NULL);

  g_return_val_if_fail (hostname != NULL, NULL);

  /* The first DNS component only: "laptop.example.org" is "laptop". Runs of
   * anything else become one '-'. */
  for (const char *p = hostname; *p != '\0' && *p != '.'; p++)
    {
      char c = g_ascii_tolower (*p);

      if (label->len >= PU_LABEL_MAX_LEN)
        break;
      if (g_ascii_isalnum (c))
        g_string_append_c (label, c);
      else if (label->len > 0 && label->str[label->len - 1] != '-')
        g_string_append_c (label, '-');
    }
  while (label->len > 0 && label->str[label->len - 1] == '-')
    g_string_truncate (label, label->len - 1);

  if (label->len == 0)
    g_string_assign (label, "device");
  return g_string_free (label, FALSE);
}

char *
pu_profile_dup_device_name (PuProfile *self)
{
  const char *name;

  g_return_val_if_fail (PU_IS_PROFILE (self), NULL);

  name = pu_config_get_device_name (self->config);
  if (name != NULL)
    return g_strdup (name);
  return pu_profile_label_from_hostname (g_get_host_name ());
}
