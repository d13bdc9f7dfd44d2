/* pu-config.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "pu-error.h"
#include "pu-file.h"
#include "pu-label.h"
#include "pu-relay-addr-private.h"

#define GROUP_PEERUP "peerup"
#define GROUP_NAMES "names"
#define GROUP_TURN "turn"
#define GROUP_OPTIONS "options"
#define RELAY_PREFIX "relay "
#define SERVICE_PREFIX "service "
#define KEY_VERSION "version"
#define KEY_NAME "name"
#define KEY_NETWORK "network"
#define KEY_PEER_ID "peer-id"
#define KEY_ADDRESS "address"
#define KEY_ENABLED "enabled"
#define KEY_ALLOWED "allowed"
#define KEY_URL "url"
#define KEY_SECRET "secret"
#define KEY_DIRECT "direct"

#define ARCHIVE_DIR "archive"
#define ARCHIVE_PREFIX "config-"
#define ARCHIVE_SUFFIX ".ini"
/* "20260125T054731Z" */
#define ARCHIVE_STAMP_LEN 16
#define ARCHIVE_COUNTER_MAX_DIGITS 9
/* How much of a GKeyFile message (which quotes the offending line) is echoed. */
#define KEYFILE_ECHO_MAX 200

/* What the key file says, validated; rebuilt from the key file after every
 * change so the two never disagree. */
typedef struct
{
  char       *device_name;
  char       *network;
  GPtrArray  *relays;        /* PuRelayAddr */
  GPtrArray  *relay_groups;  /* the group of relays[i], as written */
  GPtrArray  *services;      /* PuService, sorted by name */
  GHashTable *names;         /* name → canonical peer ID */
  char       *turn_host;     /* IP literal, NULL without [turn] */
  guint16     turn_port;
  char       *turn_secret;
  gboolean    relay_only;    /* [options] direct=false */
} State;

struct _PuConfig
{
  GObject parent_instance;

  char     *path;
  char     *dir;
  /* Keeps unknown groups, keys and comments across a rewrite. */
  GKeyFile *keyfile;
  State     state;
};

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PuConfig, pu_config, G_TYPE_OBJECT)

static void
state_init (State *st)
{
  st->relays = g_ptr_array_new_with_free_func ((GDestroyNotify) pu_relay_addr_free);
  st->relay_groups = g_ptr_array_new_with_free_func (g_free);
  st->services = g_ptr_array_new_with_free_func ((GDestroyNotify) pu_service_free);
  st->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
state_clear (State *st)
{
  g_clear_pointer (&st->device_name, g_free);
  g_clear_pointer (&st->network, g_free);
  g_clear_pointer (&st->relays, g_ptr_array_unref);
  g_clear_pointer (&st->relay_groups, g_ptr_array_unref);
  g_clear_pointer (&st->services, g_ptr_array_unref);
  g_clear_pointer (&st->names, g_hash_table_unref);
  g_clear_pointer (&st->turn_host, g_free);
  g_clear_pointer (&st->turn_secret, g_free);
}

static void
pu_config_finalize (GObject *object)
{
  PuConfig *self = PU_CONFIG (object);

  g_free (self->path);
  g_free (self->dir);
  g_clear_pointer (&self->keyfile, g_key_file_unref);
  state_clear (&self->state);

  G_OBJECT_CLASS (pu_config_parent_class)->finalize (object);
}

static void
pu_config_class_init (PuConfigClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = pu_config_finalize;

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
pu_config_init (PuConfig *self)
{
  self->keyfile = g_key_file_new ();
  state_init (&self->state);
}

/* "<path>: [group] key: reason"; group and key come from the file. */
static gboolean
bad_value (GError     **error,
           GQuark       domain,
           int          code,
           const char  *path,
           const char  *group,
           const char  *key,
           const char  *reason)
{
  g_autofree char *group_shown = pu_label_escape (group, PU_LABEL_ECHO_MAX);
  g_autofree char *key_shown = key != NULL ? pu_label_escape (key, PU_LABEL_ECHO_MAX) : NULL;

  if (key_shown != NULL)
    g_set_error (error, domain, code, _("%s: [%s] %s: %s"), path, group_shown, key_shown, reason);
  else
    g_set_error (error, domain, code, _("%s: [%s]: %s"), path, group_shown, reason);
  return FALSE;
}

static gboolean
bad_parse (GError     **error,
           const char  *path,
           const char  *group,
           const char  *key,
           const char  *reason)
{
  return bad_value (error, PU_ERROR, PU_ERROR_PARSE, path, group, key, reason);
}

/* Keeps the code of @cause (e.g. PU_ERROR_TOO_LARGE) and adds where it was. */
static gboolean
bad_nested (GError     **error,
            const char  *path,
            const char  *group,
            const char  *key,
            GError      *cause)
{
  if (cause->domain == PU_ERROR && cause->code != PU_ERROR_INVALID_ARGUMENT)
    return bad_value (error, PU_ERROR, cause->code, path, group, key, cause->message);
  return bad_parse (error, path, group, key, cause->message);
}

/* An entry of an allowed list: a peer name, or a peer ID (made canonical). */
static char *
allowed_canonical (const char  *item,
                   GError     **error)
{
  g_autofree char *shown = NULL;
  PuPeerId id;

  if (pu_peer_id_parse (item, &id, NULL))
    return pu_peer_id_to_string (&id);
  if (pu_label_is_valid (item, -1))
    return g_strdup (item);

  shown = pu_label_escape (item, PU_LABEL_ECHO_MAX);
  g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
               _("Invalid allowed peer \"%s\": give a peer name or a peer ID"), shown);
  return NULL;
}

/* GKeyFile (GLib 2.74) sets its error twice for a bad escape followed by a
 * backslash at the end of the value, so escapes are checked before it
 * unescapes. @list: the value is a list, whose separator may be escaped. */
static gboolean
check_escapes (GKeyFile    *kf,
               const char  *group,
               const char  *key,
               gboolean     list,
               GError     **error)
{
  g_autofree char *raw = g_key_file_get_value (kf, group, key, NULL);

  for (const char *p = raw; p != NULL && *p != '\0'; p++)
    {
      if (*p != '\\')
        continue;
      p++;
      if (*p == '\0' || (strchr ("sntr\\", *p) == NULL && !(list && *p == ';')))
        {
          g_set_error_literal (error, PU_ERROR, PU_ERROR_PARSE,
                               _("a backslash starts an unknown escape; write \\\\ for a "
                                 "backslash"));
          return FALSE;
        }
    }
  return TRUE;
}

/* GKeyFile can set an error (a bad escape) and still return a string. */
static char *
get_string (GKeyFile    *kf,
            const char  *group,
            const char  *key,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *value = NULL;

  if (!check_escapes (kf, group, key, FALSE, error))
    return NULL;

  value = g_key_file_get_string (kf, group, key, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&value);
}

/* An optional label-valued key of [peerup]. */
static gboolean
parse_label_key (GKeyFile    *kf,
                 const char  *path,
                 const char  *key,
                 const char  *what,
                 char       **out,
                 GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *value = NULL;

  if (!g_key_file_has_key (kf, GROUP_PEERUP, key, NULL))
    return TRUE;

  value = get_string (kf, GROUP_PEERUP, key, &local_error);
  if (value == NULL || !pu_label_validate (value, what, &local_error))
    return bad_nested (error, path, GROUP_PEERUP, key, local_error);

  *out = g_steal_pointer (&value);
  return TRUE;
}

static gboolean
parse_version (GKeyFile    *kf,
               const char  *path,
               GError     **error)
{
  g_autofree char *value = NULL;
  guint64 version;

  if (!g_key_file_has_key (kf, GROUP_PEERUP, KEY_VERSION, NULL))
    {
      g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                   _("%s: [peerup] version is missing; this is not a Peer Up config file "
                     "(it starts with \"[peerup]\" and \"version=%d\")"),
                   path, PU_CONFIG_VERSION);
      return FALSE;
    }

  value = get_string (kf, GROUP_PEERUP, KEY_VERSION, NULL);
  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT64, &version, NULL))
    return bad_parse (error, path, GROUP_PEERUP, KEY_VERSION,
                      _("not a version number; it should be 1"));

  if (version > PU_CONFIG_VERSION)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_VERSION,
                   _("%s was written by a newer Peer Up (version %" G_GUINT64_FORMAT "); "
                     "please upgrade"),
                   path, version);
      return FALSE;
    }
  return TRUE;
}

static gboolean
parse_relay (GKeyFile    *kf,
             const char  *path,
             const char  *group,
             State       *st,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *peer_id = NULL;
  g_autoptr(PuRelayAddr) addr = NULL;

  if (g_key_file_has_key (kf, group, KEY_PEER_ID, NULL))
    {
      peer_id = get_string (kf, group, KEY_PEER_ID, &local_error);
      if (peer_id == NULL)
        return bad_nested (error, path, group, KEY_PEER_ID, local_error);
      /* Empty: an IP relay whose key is not pinned. */
      if (peer_id[0] == '\0')
        g_clear_pointer (&peer_id, g_free);
    }

  addr = pu_relay_addr_parse (group + strlen (RELAY_PREFIX), peer_id, &local_error);
  if (addr == NULL)
    return bad_nested (error, path, group, NULL, local_error);

  for (guint i = 0; i < st->relays->len; i++)
    if (pu_relay_addr_equal (addr, g_ptr_array_index (st->relays, i)))
      return bad_parse (error, path, group, NULL,
                        _("this relay is listed twice; remove one of the groups"));

  g_ptr_array_add (st->relays, g_steal_pointer (&addr));
  g_ptr_array_add (st->relay_groups, g_strdup (group));
  return TRUE;
}

static gboolean
parse_service (GKeyFile    *kf,
               const char  *path,
               const char  *group,
               State       *st,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(PuService) service = NULL;
  g_autofree char *address = NULL;
  const char *name = group + strlen (SERVICE_PREFIX);

  if (!pu_label_validate (name, _("service name"), &local_error))
    return bad_nested (error, path, group, NULL, local_error);

  if (!g_key_file_has_key (kf, group, KEY_ADDRESS, NULL))
    return bad_parse (error, path, group, KEY_ADDRESS,
                      _("missing; add e.g. address=127.0.0.1:22"));
  address = get_string (kf, group, KEY_ADDRESS, &local_error);
  if (address == NULL)
    return bad_nested (error, path, group, KEY_ADDRESS, local_error);
  service = pu_service_new (name, address, &local_error);
  if (service == NULL)
    return bad_nested (error, path, group, KEY_ADDRESS, local_error);

  if (g_key_file_has_key (kf, group, KEY_ENABLED, NULL))
    {
      service->enabled = g_key_file_get_boolean (kf, group, KEY_ENABLED, &local_error);
      if (local_error != NULL)
        return bad_parse (error, path, group, KEY_ENABLED, _("use true or false"));
    }

  if (g_key_file_has_key (kf, group, KEY_ALLOWED, NULL))
    {
      g_auto(GStrv) items = NULL;
      g_autoptr(GPtrArray) allowed = g_ptr_array_new_with_free_func (g_free);

      if (check_escapes (kf, group, KEY_ALLOWED, TRUE, &local_error))
        items = g_key_file_get_string_list (kf, group, KEY_ALLOWED, NULL, &local_error);
      if (local_error != NULL)
        return bad_nested (error, path, group, KEY_ALLOWED, local_error);
      for (guint i = 0; items != NULL && items[i] != NULL; i++)
        {
          char *item = allowed_canonical (items[i], &local_error);

          if (item == NULL)
            return bad_nested (error, path, group, KEY_ALLOWED, local_error);
          g_ptr_array_add (allowed, item);
        }
      g_ptr_array_add (allowed, NULL);
      g_strfreev (service->allowed);
      service->allowed = (GStrv) g_ptr_array_steal (allowed, NULL);
    }

  g_ptr_array_add (st->services, g_steal_pointer (&service));
  return TRUE;
}

static gboolean
parse_names (GKeyFile    *kf,
             const char  *path,
             State       *st,
             GError     **error)
{
  g_auto(GStrv) keys = g_key_file_get_keys (kf, GROUP_NAMES, NULL, NULL);

  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    {
      g_autoptr(GError) local_error = NULL;
      g_autofree char *value = NULL;
      PuPeerId id;

      if (!pu_label_validate (keys[i], _("peer name"), &local_error))
        return bad_nested (error, path, GROUP_NAMES, keys[i], local_error);
      value = get_string (kf, GROUP_NAMES, keys[i], &local_error);
      if (value == NULL || !pu_peer_id_parse (value, &id, &local_error))
        return bad_nested (error, path, GROUP_NAMES, keys[i], local_error);

      g_hash_table_replace (st->names, g_strdup (keys[i]), pu_peer_id_to_string (&id));
    }
  return TRUE;
}

gboolean
pu_config_parse_turn_url (const char  *url,
                          char       **host,
                          guint16     *port)
{
  g_autofree char *rest = NULL;
  g_autoptr(GInetAddress) ip = NULL;
  char *query, *colon;
  guint64 value = PU_TURN_DEFAULT_PORT;

  if (!g_str_has_prefix (url, "turn:"))
    return FALSE;
  rest = g_strdup (url + strlen ("turn:"));
  query = strchr (rest, '?');
  if (query != NULL)
    {
      if (strcmp (query, "?transport=udp") != 0)
        return FALSE;
      *query = '\0';
    }
  if (rest[0] == '[')
    {
      char *end = strchr (rest, ']');

      if (end == NULL || (end[1] != '\0' && end[1] != ':'))
        return FALSE;
      colon = end[1] == ':' ? end + 1 : NULL;
      *end = '\0';
      memmove (rest, rest + 1, strlen (rest));
    }
  else
    {
      colon = strchr (rest, ':');
      if (colon != NULL && strchr (colon + 1, ':') != NULL)
        return FALSE;
    }
  if (colon != NULL)
    {
      *colon = '\0';
      if (!g_ascii_string_to_unsigned (colon + 1, 10, 1, G_MAXUINT16, &value, NULL))
        return FALSE;
    }
  ip = g_inet_address_new_from_string (rest);
  if (ip == NULL)
    return FALSE;
  *host = g_steal_pointer (&rest);
  *port = (guint16) value;
  return TRUE;
}

/* Optional: a TURN server with coturn's shared-secret credentials. */
static gboolean
parse_turn (GKeyFile    *kf,
            const char  *path,
            State       *st,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *secret = NULL;

  if (!g_key_file_has_group (kf, GROUP_TURN))
    return TRUE;
  url = get_string (kf, GROUP_TURN, KEY_URL, &local_error);
  if (url == NULL)
    return bad_nested (error, path, GROUP_TURN, KEY_URL, local_error);
  if (!pu_config_parse_turn_url (url, &st->turn_host, &st->turn_port))
    return bad_parse (error, path, GROUP_TURN, KEY_URL,
                      _("write turn:IP[:PORT] with the TURN server's IP address "
                        "(UDP, default port 3478)"));
  secret = get_string (kf, GROUP_TURN, KEY_SECRET, &local_error);
  if (secret == NULL)
    return bad_nested (error, path, GROUP_TURN, KEY_SECRET, local_error);
  if (secret[0] == '\0' || strlen (secret) > PU_TURN_SECRET_MAX)
    return bad_parse (error, path, GROUP_TURN, KEY_SECRET,
                      _("give the TURN server's shared secret (static-auth-secret), "
                        "at most 256 bytes"));
  st->turn_secret = g_steal_pointer (&secret);
  return TRUE;
}

static int
compare_services (gconstpointer a,
                  gconstpointer b)
{
  const PuService *sa = *(PuService * const *) a;
  const PuService *sb = *(PuService * const *) b;

  return strcmp (sa->name, sb->name);
}

/* [options]: direct=false keeps every connection on the relay, so peers never
 * learn this device's addresses. */
static gboolean
parse_options (GKeyFile    *kf,
               const char  *path,
               State       *st,
               GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  gboolean direct;

  if (!g_key_file_has_key (kf, GROUP_OPTIONS, KEY_DIRECT, NULL))
    return TRUE;
  direct = g_key_file_get_boolean (kf, GROUP_OPTIONS, KEY_DIRECT, &local_error);
  if (local_error != NULL)
    return bad_parse (error, path, GROUP_OPTIONS, KEY_DIRECT, _("use true or false"));
  st->relay_only = !direct;
  return TRUE;
}

static gboolean
parse_state (GKeyFile    *kf,
             const char  *path,
             State       *st,
             GError     **error)
{
  g_auto(GStrv) groups = NULL;

  if (!parse_version (kf, path, error)
      || !parse_label_key (kf, path, KEY_NAME, _("device name"), &st->device_name, error)
      || !parse_label_key (kf, path, KEY_NETWORK, _("network name"), &st->network, error)
      || !parse_names (kf, path, st, error)
      || !parse_turn (kf, path, st, error)
      || !parse_options (kf, path, st, error))
    return FALSE;

  /* Other groups ([options] and any from later versions) are kept as they are. */
  groups = g_key_file_get_groups (kf, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    {
      if (g_str_has_prefix (groups[i], RELAY_PREFIX)
          && !parse_relay (kf, path, groups[i], st, error))
        return FALSE;
      if (g_str_has_prefix (groups[i], SERVICE_PREFIX)
          && !parse_service (kf, path, groups[i], st, error))
        return FALSE;
    }

  g_ptr_array_sort (st->services, compare_services);
  return TRUE;
}

/* Re-reads the state after a change to the key file. */
static gboolean
sync_state (PuConfig  *self,
            GError   **error)
{
  State st = { 0, };

  state_init (&st);
  if (!parse_state (self->keyfile, self->path, &st, error))
    {
      state_clear (&st);
      return FALSE;
    }
  state_clear (&self->state);
  self->state = st;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

static PuConfig *
config_new_empty (const char *path)
{
  PuConfig *self = g_object_new (PU_TYPE_CONFIG, NULL);

  self->path = path != NULL ? g_strdup (path) : pu_config_default_path ();
  self->dir = g_path_get_dirname (self->path);
  return self;
}

char *
pu_config_default_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "peerup", "config.ini", NULL);
}

PuConfig *
pu_config_new (const char *path)
{
  PuConfig *self = config_new_empty (path);
  g_autoptr(GError) error = NULL;

  g_key_file_set_integer (self->keyfile, GROUP_PEERUP, KEY_VERSION, PU_CONFIG_VERSION);
  if (!sync_state (self, &error))
    g_error ("A new config does not validate: %s", error->message);
  return self;
}

PuConfig *
pu_config_load (const char  *path,
                GError     **error)
{
  g_autofree char *default_path = path == NULL ? pu_config_default_path () : NULL;
  g_autofree char *data = NULL;
  gsize len;

  if (path == NULL)
    path = default_path;
  if (!pu_file_read_bounded (path, PU_CONFIG_FILE_MAX, &data, &len, error))
    return NULL;
  return pu_config_load_from_data (path, data, len, error);
}

PuConfig *
pu_config_load_from_data (const char  *path,
                          const char  *data,
                          gsize        len,
                          GError     **error)
{
  g_autoptr(PuConfig) self = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  self = config_new_empty (path);

  if (len > PU_CONFIG_FILE_MAX)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_TOO_LARGE,
                   _("%s is too large (%" G_GSIZE_FORMAT " bytes, at most %d)"),
                   self->path, len, PU_CONFIG_FILE_MAX);
      return NULL;
    }
  /* GKeyFile would cut lines at a NUL and lose the rest silently. */
  if (len > 0 && memchr (data, '\0', len) != NULL)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                   _("%s is not a text file (it contains NUL bytes)"), self->path);
      return NULL;
    }
  /* GKeyFile drops one carriage return at the end of a line (CRLF) and keeps
   * any other, so a stray one would shrink at every save. */
  for (gsize i = 0; i < len; i++)
    if (data[i] == '\r' && (i + 1 == len || data[i + 1] != '\n'))
      {
        g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                     _("%s has a carriage return that does not end a line; save it with "
                       "ordinary line endings"), self->path);
        return NULL;
      }

  if (!g_key_file_load_from_data (self->keyfile, len > 0 ? data : "", len,
                                  G_KEY_FILE_KEEP_COMMENTS | G_KEY_FILE_KEEP_TRANSLATIONS,
                                  &local_error))
    {
      g_autofree char *shown = pu_label_escape (local_error->message, KEYFILE_ECHO_MAX);

      g_set_error (error, PU_ERROR, PU_ERROR_PARSE, _("%s is not a valid config file: %s"),
                   self->path, shown);
      return NULL;
    }

  if (!sync_state (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

char *
pu_config_to_data (PuConfig *self,
                   gsize    *len)
{
  g_return_val_if_fail (PU_IS_CONFIG (self), NULL);

  return g_key_file_to_data (self->keyfile, len, NULL);
}

gboolean
pu_config_save (PuConfig  *self,
                GError   **error)
{
  g_autofree char *data = NULL;
  gsize len;

  g_return_val_if_fail (PU_IS_CONFIG (self), FALSE);

  /* Only a directory we create is made private; an existing one (say, the
   * working directory of `--config ./x.ini`) is left as it is. */
  if (!g_file_test (self->dir, G_FILE_TEST_IS_DIR) && !pu_dir_ensure_private (self->dir, error))
    return FALSE;

  data = pu_config_to_data (self, &len);
  return pu_file_write_atomic (self->path, data, len, 0600, error);
}

const char *
pu_config_get_path (PuConfig *self)
{
  g_return_val_if_fail (PU_IS_CONFIG (self), NULL);

  return self->path;
}

const char *
pu_config_get_dir (PuConfig *self)
{
  g_return_val_if_fail (PU_IS_CONFIG (self), NULL);

  return self->dir;
}

char *
pu_config_get_identity_path (PuConfig *self)
{
  g_return_val_if_fail (PU_IS_CONFIG (self), NULL);

  return g_build_filename (self->dir, "identity.key", NULL);
}

char *
pu_config_get_authorized_keys_path (PuConfig *self)
{
  g_return_val_if_fail (PU_IS_CONFIG (self), NULL);

  return g_build_filename (self->dir, "authorized_keys", NULL);
}

const char *
pu_config_get_device_name (PuConfig *self)
{
  g_return_val_if_fail (PU_IS_CONFIG (self), NULL);

  return self->state.device_name;
}

gboolean
pu_config_set_device_name (PuConfig    *self,
                           const char  *name,
                           GError     **error)
{
  g_return_val_if_fail (PU_IS_CONFIG (self), FALSE);

  if (!pu_label_validate (name, _("device name"), error))
    return FALSE;

  g_key_file_set_string (self->keyfile, GROUP_PEERUP, KEY_NAME, name);
  return sync_state (self, error);
}

gboolean
pu_config_get_direct (PuConfig *self)
{
  g_return_val_if_fail (PU_IS_CONFIG (self), TRUE);

  return !self->state.relay_only;
}

gboolean
pu_config_get_turn (PuConfig     *self,
                    const char  **host,
                    guint16      *port,
                    const char  **secret)
{
  g_return_val_if_fail (PU_IS_CONFIG (self), FALSE);

  if (self->state.turn_host == NULL)
    return FALSE;
  if (host != NULL)
    *host = self->state.turn_host;
  if (port != NULL)
    *port = self->state.turn_port;
  if (secret != NULL)
    *secret = self->state.turn_secret;
  return TRUE;
}

const char *
pu_config_get_network (PuConfig *self)
{
  g_return_val_if_fail (PU_IS_CONFIG (self), NULL);

  return self->state.network;
}

/* Relays */

GPtrArray *
pu_config_get_relays (PuConfig *self)
{
  g_return_val_if_fail (PU_IS_CONFIG (self), NULL);

  return self->state.relays;
}

char *
pu_config_dup_relays_key (PuConfig *self)
{
  GString *key = g_string_new (NULL);

  g_return_val_if_fail (PU_IS_CONFIG (self), NULL);

  for (guint i = 0; i < self->state.relays->len; i++)
    {
      g_autofree char *multiaddr = pu_relay_addr_to_multiaddr (self->state.relays->pdata[i]);

      g_string_append_printf (key, "%s\n", multiaddr);
    }
  return g_string_free (key, FALSE);
}

static int
find_relay (PuConfig          *self,
            const PuRelayAddr *addr)
{
  for (guint i = 0; i < self->state.relays->len; i++)
    if (pu_relay_addr_equal (addr, g_ptr_array_index (self->state.relays, i)))
      return (int) i;
  return -1;
}

gboolean
pu_config_add_relay (PuConfig           *self,
                     const PuRelayAddr  *addr,
                     GError            **error)
{
  g_autofree char *where = NULL;
  g_autofree char *group = NULL;
  g_autofree char *peer_id = NULL;
  g_autoptr(PuRelayAddr) checked = NULL;

  g_return_val_if_fail (PU_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (addr != NULL && addr->host != NULL, FALSE);

  if (addr->has_peer_id)
    peer_id = pu_peer_id_to_string (&addr->peer_id);

  /* Key-file group names cannot hold '[' or ']', so IPv6 relays are written
   * as multiaddrs. */
  if (strchr (addr->host, ':') != NULL)
    where = g_strdup_printf ("/ip6/%s/tcp/%u", addr->host, addr->port);
  else
    where = pu_relay_addr_to_string (addr);

  /* What goes into the file must load again. */
  checked = pu_relay_addr_parse (where, peer_id, error);
  if (checked == NULL)
    return FALSE;

  if (find_relay (self, checked) >= 0)
    {
      g_autofree char *shown = pu_relay_addr_to_string (checked);

      g_set_error (error, PU_ERROR, PU_ERROR_EXISTS,
                   _("Relay %s is already configured; remove it first with "
                     "`peerup relay remove %s`"),
                   shown, shown);
      return FALSE;
    }

  /* An empty peer-id keeps the group in the file and marks it unpinned. */
  group = g_strconcat (RELAY_PREFIX, where, NULL);
  g_key_file_set_string (self->keyfile, group, KEY_PEER_ID, peer_id != NULL ? peer_id : "");
  return sync_state (self, error);
}

gboolean
pu_config_remove_relay (PuConfig    *self,
                        const char  *key,
                        GError     **error)
{
  g_autoptr(PuRelayAddr) addr = NULL;
  g_autofree char *shown = NULL;
  gboolean removed = FALSE;
  PuPeerId id;

  g_return_val_if_fail (PU_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (key != NULL, FALSE);

  if (!pu_peer_id_parse (key, &id, NULL))
    {
      /* Naming a configured relay by its host name needs no pin. */
      addr = _pu_relay_addr_parse_full (key, NULL, FALSE, error);
      if (addr == NULL)
        return FALSE;
    }

  for (guint i = 0; i < self->state.relays->len; i++)
    {
      const PuRelayAddr *relay = g_ptr_array_index (self->state.relays, i);

      if (addr != NULL ? pu_relay_addr_equal (addr, relay)
                       : relay->has_peer_id && pu_peer_id_equal (&id, &relay->peer_id))
        {
          g_key_file_remove_group (self->keyfile,
                                   g_ptr_array_index (self->state.relay_groups, i), NULL);
          removed = TRUE;
        }
    }

  if (removed)
    return sync_state (self, error);

  shown = addr != NULL ? pu_relay_addr_to_string (addr) : pu_peer_id_to_string (&id);
  g_set_error (error, PU_ERROR, PU_ERROR_NOT_FOUND,
               _("No relay %s is configured; see `peerup relay list`"), shown);
  return FALSE;
}

/* Services */

GPtrArray *
pu_config_get_services (PuConfig *self)
{
  g_return_val_if_fail (PU_IS_CONFIG (self), NULL);

  return self->state.services;
}

const PuService *
pu_config_lookup_service (PuConfig   *self,
                          const char *name)
{
  g_return_val_if_fail (PU_IS_CONFIG (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  for (guint i = 0; i < self->state.services->len; i++)
    {
      const PuService *service = g_ptr_array_index (self->state.services, i);

      if (g_str_equal (service->name, name))
        return service;
    }
  return NULL;
}

/* The service group for @name, which must exist; NULL with an error that
 * says how to find the right name otherwise. */
static char *
existing_service_group (PuConfig    *self,
                        const char  *name,
                        GError     **error)
{
  if (!pu_label_validate (name, _("service name"), error))
    return NULL;
  if (pu_config_lookup_service (self, name) == NULL)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_NOT_FOUND,
                   _("There is no service named \"%s\"; see `peerup service list`"), name);
      return NULL;
    }
  return g_strconcat (SERVICE_PREFIX, name, NULL);
}

gboolean
pu_config_add_service (PuConfig    *self,
                       const char  *name,
                       const char  *address,
                       GError     **error)
{
  g_autoptr(PuService) service = NULL;
  g_autofree char *group = NULL;
  g_autofree char *canonical = NULL;

  g_return_val_if_fail (PU_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  service = pu_service_new (name, address, error);
  if (service == NULL)
    return FALSE;
  if (pu_config_lookup_service (self, name) != NULL)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_EXISTS,
                   _("A service named \"%s\" already exists; remove it first with "
                     "`peerup service remove %s`"),
                   name, name);
      return FALSE;
    }

  group = g_strconcat (SERVICE_PREFIX, name, NULL);
  canonical = pu_service_get_address (service);
  g_key_file_set_string (self->keyfile, group, KEY_ADDRESS, canonical);
  g_key_file_set_boolean (self->keyfile, group, KEY_ENABLED, TRUE);
  return sync_state (self, error);
}

gboolean
pu_config_remove_service (PuConfig    *self,
                          const char  *name,
                          GError     **error)
{
  g_autofree char *group = NULL;

  g_return_val_if_fail (PU_IS_CONFIG (self), FALSE);

  group = existing_service_group (self, name, error);
  if (group == NULL)
    return FALSE;

  g_key_file_remove_group (self->keyfile, group, NULL);
  return sync_state (self, error);
}

gboolean
pu_config_set_service_enabled (PuConfig    *self,
                               const char  *name,
                               gboolean     enabled,
                               GError     **error)
{
  g_autofree char *group = NULL;

  g_return_val_if_fail (PU_IS_CONFIG (self), FALSE);

  group = existing_service_group (self, name, error);
  if (group == NULL)
    return FALSE;

  g_key_file_set_boolean (self->keyfile, group, KEY_ENABLED, enabled);
  return sync_state (self, error);
}

gboolean
pu_config_set_service_allowed (PuConfig           *self,
                               const char         *name,
                               const char * const *allowed,
                               GError            **error)
{
  g_autofree char *group = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);

  g_return_val_if_fail (PU_IS_CONFIG (self), FALSE);

  group = existing_service_group (self, name, error);
  if (group == NULL)
    return FALSE;

  for (guint i = 0; allowed != NULL && allowed[i] != NULL; i++)
    {
      char *item = allowed_canonical (allowed[i], error);

      if (item == NULL)
        return FALSE;
      g_ptr_array_add (items, item);
    }

  if (items->len == 0)
    g_key_file_remove_key (self->keyfile, group, KEY_ALLOWED, NULL);
  else
    g_key_file_set_string_list (self->keyfile, group, KEY_ALLOWED,
                                (const char * const *) items->pdata, items->len);
  return sync_state (self, error);
}

/* Names */

static int
compare_strings (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

GStrv
pu_config_get_names (PuConfig *self)
{
  g_autofree const char **keys = NULL;
  guint n;

  g_return_val_if_fail (PU_IS_CONFIG (self), NULL);

  keys = (const char **) g_hash_table_get_keys_as_array (self->state.names, &n);
  g_qsort_with_data (keys, (gint) n, sizeof (char *), compare_strings, NULL);
  return g_strdupv ((char **) keys);
}

const char *
pu_config_lookup_name (PuConfig   *self,
                       const char *name)
{
  g_return_val_if_fail (PU_IS_CONFIG (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return g_hash_table_lookup (self->state.names, name);
}

gboolean
pu_config_set_name (PuConfig        *self,
                    const char      *name,
                    const PuPeerId  *peer,
                    GError         **error)
{
  g_autofree char *id = NULL;

  g_return_val_if_fail (PU_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (peer != NULL, FALSE);

  if (!pu_label_validate (name, _("peer name"), error))
    return FALSE;

  id = pu_peer_id_to_string (peer);
  g_key_file_set_string (self->keyfile, GROUP_NAMES, name, id);
  return sync_state (self, error);
}

gboolean
pu_config_remove_name (PuConfig    *self,
                       const char  *name,
                       GError     **error)
{
  g_return_val_if_fail (PU_IS_CONFIG (self), FALSE);

  if (!pu_label_validate (name, _("peer name"), error))
    return FALSE;
  if (pu_config_lookup_name (self, name) == NULL)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_NOT_FOUND,
                   _("There is no peer named \"%s\"; see `peerup name list`"), name);
      return FALSE;
    }

  g_key_file_remove_key (self->keyfile, GROUP_NAMES, name, NULL);
  return sync_state (self, error);
}

gboolean
pu_config_resolve_peer (PuConfig    *self,
                        const char  *name_or_id,
                        PuPeerId    *out,
                        GError     **error)
{
  const char *id;

  g_return_val_if_fail (PU_IS_CONFIG (self), FALSE);
  g_return_val_if_fail (name_or_id != NULL, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  /* Peer IDs are never labels (too long or upper case), so the order is free. */
  if (pu_peer_id_parse (name_or_id, out, NULL))
    return TRUE;

  if (!pu_label_is_valid (name_or_id, -1))
    {
      g_autofree char *shown = pu_label_escape (name_or_id, PU_LABEL_ECHO_MAX);

      g_set_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT,
                   _("\"%s\" is neither a peer name nor a peer ID (12D3KooW…)"), shown);
      return FALSE;
    }

  id = pu_config_lookup_name (self, name_or_id);
  if (id == NULL)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_NOT_FOUND,
                   _("No peer is named \"%s\"; add it with `peerup name set NAME PEER-ID`"),
                   name_or_id);
      return FALSE;
    }
  return pu_peer_id_parse (id, out, error);
}

const char *
pu_config_name_for_peer (PuConfig       *self,
                         const PuPeerId *peer)
{
  g_auto(GStrv) names = NULL;
  g_autofree char *id = NULL;

  g_return_val_if_fail (PU_IS_CONFIG (self), NULL);
  g_return_val_if_fail (peer != NULL, NULL);

  id = pu_peer_id_to_string (peer);
  names = pu_config_get_names (self);
  for (guint i = 0; names[i] != NULL; i++)
    {
      gpointer key;
      gpointer value;

      if (g_hash_table_lookup_extended (self->state.names, names[i], &key, &value)
          && g_str_equal (value, id))
        return key;
    }
  return NULL;
}

/* Archive */

typedef struct
{
  char  *name;
  char   stamp[ARCHIVE_STAMP_LEN + 1];
  guint  counter;
} ArchiveEntry;

static void
archive_entry_free (ArchiveEntry *entry)
{
  g_free (entry->name);
  g_free (entry);
}

/* "config-<stamp>.ini" or "config-<stamp>-<counter>.ini", or NULL. */
static ArchiveEntry *
archive_entry_parse (const char *name)
{
  static const char pattern[] = "DDDDDDDDTDDDDDDZ";
  g_autoptr(GString) counter = g_string_new (NULL);
  const char *p;
  ArchiveEntry *entry;

  G_STATIC_ASSERT (sizeof pattern == ARCHIVE_STAMP_LEN + 1);

  if (!g_str_has_prefix (name, ARCHIVE_PREFIX) || !g_str_has_suffix (name, ARCHIVE_SUFFIX))
    return NULL;
  p = name + strlen (ARCHIVE_PREFIX);
  for (gsize i = 0; i < ARCHIVE_STAMP_LEN; i++)
    if (pattern[i] == 'D' ? !g_ascii_isdigit (p[i]) : p[i] != pattern[i])
      return NULL;

  p += ARCHIVE_STAMP_LEN;
  if (*p == '-')
    {
      for (p++; g_ascii_isdigit (*p) && counter->len <= ARCHIVE_COUNTER_MAX_DIGITS; p++)
        g_string_append_c (counter, *p);
      if (counter->len == 0 || counter->len > ARCHIVE_COUNTER_MAX_DIGITS)
        return NULL;
    }
  if (!g_str_equal (p, ARCHIVE_SUFFIX))
    return NULL;

  entry = g_new0 (ArchiveEntry, 1);
  entry->name = g_strdup (name);
  memcpy (entry->stamp, name + strlen (ARCHIVE_PREFIX), ARCHIVE_STAMP_LEN);
  entry->counter = counter->len > 0 ? (guint) g_ascii_strtoull (counter->str, NULL, 10) : 0;
  return entry;
}

static int
compare_newest_first (gconstpointer a,
                      gconstpointer b)
{
  const ArchiveEntry *ea = *(ArchiveEntry * const *) a;
  const ArchiveEntry *eb = *(ArchiveEntry * const *) b;
  int c = strcmp (eb->stamp, ea->stamp);

  if (c != 0)
    return c;
  return eb->counter < ea->counter ? -1 : eb->counter > ea->counter;
}

/* The archives in @archive_dir, newest first (empty when there is none). */
static GPtrArray *
archive_entries (const char *archive_dir)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) archive_entry_free);
  g_autoptr(GDir) dir = g_dir_open (archive_dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      ArchiveEntry *entry = archive_entry_parse (name);

      if (entry != NULL)
        g_ptr_array_add (entries, entry);
    }
  g_ptr_array_sort (entries, compare_newest_first);
  return entries;
}

static char *
archive_dir_for (const char *config_path)
{
  g_autofree char *dir = g_path_get_dirname (config_path);

  return g_build_filename (dir, ARCHIVE_DIR, NULL);
}

static gboolean
same_content (const char  *path,
              const char  *data,
              gsize        len)
{
  g_autofree char *other = NULL;
  gsize other_len;

  return pu_file_read_bounded (path, PU_CONFIG_FILE_MAX, &other, &other_len, NULL)
         && other_len == len && memcmp (other, data, len) == 0;
}

gboolean
pu_config_archive (PuConfig  *self,
                   GError   **error)
{
  g_autofree char *archive_dir = NULL;
  g_autofree char *data = NULL;
  g_autofree char *name = NULL;
  g_autofree char *target = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(PuConfig) check = NULL;
  g_autofree char *stamp = NULL;
  guint counter = 0;
  gsize len;

  g_return_val_if_fail (PU_IS_CONFIG (self), FALSE);

  if (!pu_file_read_bounded (self->path, PU_CONFIG_FILE_MAX, &data, &len, error))
    return FALSE;
  /* Only a file that loads is worth rolling back to. */
  check = pu_config_load_from_data (self->path, data, len, error);
  if (check == NULL)
    return FALSE;

  archive_dir = archive_dir_for (self->path);
  if (!pu_dir_ensure_private (archive_dir, error))
    return FALSE;

  entries = archive_entries (archive_dir);
  now = g_date_time_new_now_utc ();
  stamp = g_date_time_format (now, "%Y%m%dT%H%M%SZ");
  if (entries->len > 0)
    {
      const ArchiveEntry *newest = g_ptr_array_index (entries, 0);
      g_autofree char *newest_path = g_build_filename (archive_dir, newest->name, NULL);

      if (same_content (newest_path, data, len))
        return TRUE;

      /* Same second, or a clock that went back: sort after the newest anyway. */
      if (strcmp (newest->stamp, stamp) >= 0)
        {
          g_free (stamp);
          stamp = g_strdup (newest->stamp);
          counter = newest->counter + 1;
        }
    }

  if (counter > 0)
    name = g_strdup_printf (ARCHIVE_PREFIX "%s-%u" ARCHIVE_SUFFIX, stamp, counter);
  else
    name = g_strdup_printf (ARCHIVE_PREFIX "%s" ARCHIVE_SUFFIX, stamp);
  target = g_build_filename (archive_dir, name, NULL);
  if (!pu_file_write_atomic (target, data, len, 0600, error))
    return FALSE;

  g_clear_pointer (&entries, g_ptr_array_unref);
  entries = archive_entries (archive_dir);
  for (guint i = PU_CONFIG_ARCHIVE_KEEP; i < entries->len; i++)
    {
      const ArchiveEntry *old = g_ptr_array_index (entries, i);
      g_autofree char *old_path = g_build_filename (archive_dir, old->name, NULL);

      g_unlink (old_path);
    }
  return TRUE;
}

GStrv
pu_config_list_archives (const char *config_path)
{
  g_autofree char *archive_dir = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  GPtrArray *names;

  g_return_val_if_fail (config_path != NULL, NULL);

  archive_dir = archive_dir_for (config_path);
  entries = archive_entries (archive_dir);
  names = g_ptr_array_new_full (entries->len + 1, NULL);
  for (guint i = 0; i < entries->len; i++)
    g_ptr_array_add (names, g_strdup (((ArchiveEntry *) g_ptr_array_index (entries, i))->name));
  g_ptr_array_add (names, NULL);
  return (GStrv) g_ptr_array_free (names, FALSE);
}

gboolean
pu_config_rollback (const char  *config_path,
                    const char  *archive,
                    GError     **error)
{
  g_autofree char *archive_dir = NULL;
  g_autofree char *source = NULL;
  g_autofree char *data = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(PuConfig) check = NULL;
  gsize len;

  g_return_val_if_fail (config_path != NULL, FALSE);

  archive_dir = archive_dir_for (config_path);
  if (archive == NULL)
    {
      g_autoptr(GPtrArray) entries = archive_entries (archive_dir);

      if (entries->len == 0)
        {
          g_set_error (error, PU_ERROR, PU_ERROR_NOT_FOUND,
                       _("There is no archived config yet in %s; one is kept each time "
                         "Peer Up starts with a working config"),
                       archive_dir);
          return FALSE;
        }
      source = g_build_filename (archive_dir,
                                 ((ArchiveEntry *) g_ptr_array_index (entries, 0))->name, NULL);
    }
  else if (strchr (archive, G_DIR_SEPARATOR) != NULL)
    source = g_strdup (archive);
  else
    source = g_build_filename (archive_dir, archive, NULL);

  if (!pu_file_read_bounded (source, PU_CONFIG_FILE_MAX, &data, &len, &local_error))
    {
      if (g_error_matches (local_error, PU_ERROR, PU_ERROR_NOT_FOUND))
        {
          g_autofree char *shown = pu_label_escape (archive != NULL ? archive : source,
                                                    PU_LABEL_ECHO_MAX);

          g_set_error (error, PU_ERROR, PU_ERROR_NOT_FOUND,
                       _("There is no archived config \"%s\" in %s"), shown, archive_dir);
          return FALSE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  check = pu_config_load_from_data (source, data, len, &local_error);
  if (check == NULL)
    {
      g_set_error (error, PU_ERROR, local_error->domain == PU_ERROR ? local_error->code
                                                                    : PU_ERROR_PARSE,
                   _("Did not restore %s, it is not a valid config (%s); choose another "
                     "archive"),
                   source, local_error->message);
      return FALSE;
    }

  return pu_file_write_atomic (config_path, data, len, 0600, error);
}
