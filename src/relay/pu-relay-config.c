/* pu-relay-config.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-relay-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pu-error.h"
#include "pu-file.h"

typedef enum {
  FIELD_UINT,
  FIELD_UINT64,
  FIELD_BOOLEAN,
  FIELD_INVITE,  /* "members" or "admin" */
  FIELD_TURN_URL,
  FIELD_TURN_SECRET,
} FieldType;

typedef struct {
  const char *group;
  const char *key;
  FieldType   type;
  gsize       offset;
  guint64     min;
  guint64     max;
} Field;

/* Bounds keep a relay usable: at least one peer, a queue that holds a few
 * frames, a second to authenticate. */
static const Field fields[] = {
  { "limits", "max-peers", FIELD_UINT, G_STRUCT_OFFSET (PuRelayLimits, max_peers),
    1, 1000000 },
  { "limits", "peer-queue-bytes", FIELD_UINT,
    G_STRUCT_OFFSET (PuRelayLimits, peer_queue_bytes), 64 * 1024, 1024 * 1024 * 1024 },
  { "limits", "session-bytes", FIELD_UINT64, G_STRUCT_OFFSET (PuRelayLimits, session_bytes),
    0, G_MAXINT64 },
  { "limits", "session-seconds", FIELD_UINT,
    G_STRUCT_OFFSET (PuRelayLimits, session_seconds), 0, 366 * 24 * 3600 },
  { "limits", "auth-timeout-seconds", FIELD_UINT,
    G_STRUCT_OFFSET (PuRelayLimits, auth_timeout_seconds), 1, 300 },
  { "limits", "health-public", FIELD_BOOLEAN, G_STRUCT_OFFSET (PuRelayLimits, health_public),
    0, 1 },
  { "limits", "pairing-max", FIELD_UINT, G_STRUCT_OFFSET (PuRelayLimits, pairing_max),
    0, 100000 },
  { "limits", "pairing-seconds", FIELD_UINT,
    G_STRUCT_OFFSET (PuRelayLimits, pairing_seconds), 10, 3600 },
  { "limits", "pairing-per-ip", FIELD_UINT, G_STRUCT_OFFSET (PuRelayLimits, pairing_per_ip),
    1, 10000 },
  { "policy", "invite", FIELD_INVITE, G_STRUCT_OFFSET (PuRelayLimits, invite_admin_only),
    0, 1 },
  { "turn", "url", FIELD_TURN_URL, G_STRUCT_OFFSET (PuRelayLimits, turn_host), 0, 0 },
  { "turn", "secret", FIELD_TURN_SECRET, G_STRUCT_OFFSET (PuRelayLimits, turn_secret), 0, 0 },
};

static const Field *
lookup_field (const char *group,
              const char *key)
{
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_str_equal (fields[i].group, group) && g_str_equal (fields[i].key, key))
      return &fields[i];
  return NULL;
}

static gboolean
is_group (const char *group)
{
  return g_str_equal (group, "limits") || g_str_equal (group, "policy") ||
         g_str_equal (group, "turn");
}

static gboolean
apply_field (PuRelayLimits  *limits,
             const Field    *field,
             const char     *path,
             const char     *value,
             GError        **error)
{
  gpointer slot = G_STRUCT_MEMBER_P (limits, field->offset);
  guint64 n;

  if (field->type == FIELD_TURN_URL)
    {
      g_autofree char *host = NULL;

      if (!pu_config_parse_turn_url (value, &host, &limits->turn_port) ||
          strlen (host) > PU_RELAY_TURN_TEXT_MAX)
        {
          g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                       _("%s: [turn] url: write turn:IP[:PORT] with the TURN server's IP "
                         "address (UDP, default port 3478)"), path);
          return FALSE;
        }
      g_strlcpy (limits->turn_host, host, sizeof limits->turn_host);
      return TRUE;
    }
  if (field->type == FIELD_TURN_SECRET)
    {
      if (value[0] == '\0' || strlen (value) > PU_TURN_SECRET_MAX)
        {
          g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                       _("%s: [turn] secret: give the TURN server's static-auth-secret, at "
                         "most 256 bytes"), path);
          return FALSE;
        }
      g_strlcpy (limits->turn_secret, value, sizeof limits->turn_secret);
      return TRUE;
    }
  if (field->type == FIELD_INVITE)
    {
      if (g_str_equal (value, "members") || g_str_equal (value, "admin"))
        *(gboolean *) slot = g_str_equal (value, "admin");
      else
        {
          g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                       _("%s: [policy] invite must be members or admin"), path);
          return FALSE;
        }
      return TRUE;
    }
  if (field->type == FIELD_BOOLEAN)
    {
      if (g_str_equal (value, "true"))
        *(gboolean *) slot = TRUE;
      else if (g_str_equal (value, "false"))
        *(gboolean *) slot = FALSE;
      else
        {
          g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                       _("%s: [%s] %s must be true or false"), path, field->group,
                       field->key);
          return FALSE;
        }
      return TRUE;
    }

  if (!g_ascii_string_to_unsigned (value, 10, field->min, field->max, &n, NULL))
    {
      g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                   _("%s: [%s] %s must be a whole number from %" G_GUINT64_FORMAT
                     " to %" G_GUINT64_FORMAT), path, field->group, field->key, field->min,
                   field->max);
      return FALSE;
    }
  if (field->type == FIELD_UINT)
    *(guint *) slot = (guint) n;
  else
    *(guint64 *) slot = n;
  return TRUE;
}

gboolean
pu_relay_limits_load_from_data (PuRelayLimits  *limits,
                                const char     *path,
                                const char     *data,
                                gsize           len,
                                GError        **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) groups = NULL;
  PuRelayLimits parsed;

  g_return_val_if_fail (limits != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (data != NULL || len == 0, FALSE);

  if (len > PU_RELAY_CONFIG_FILE_MAX)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_TOO_LARGE,
                   _("%s is larger than %u bytes; it holds only a few limits"), path,
                   PU_RELAY_CONFIG_FILE_MAX);
      return FALSE;
    }
  if (!g_key_file_load_from_data (keyfile, len > 0 ? data : "", len, G_KEY_FILE_NONE,
                                  &local_error))
    {
      g_set_error (error, PU_ERROR, PU_ERROR_PARSE, _("%s is not a valid key file: %s"), path,
                   local_error->message);
      return FALSE;
    }

  groups = g_key_file_get_groups (keyfile, NULL);
  for (guint i = 0; groups[i] != NULL; i++)
    if (!is_group (groups[i]))
      {
        g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                     _("%s: unknown group [%s]; the groups are [limits], [policy] and [turn]"),
                     path,
                     groups[i]);
        return FALSE;
      }

  pu_relay_limits_init_default (&parsed);
  for (guint g = 0; groups[g] != NULL; g++)
    {
      g_auto(GStrv) keys = g_key_file_get_keys (keyfile, groups[g], NULL, NULL);

      for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
        {
          const Field *field = lookup_field (groups[g], keys[i]);
          g_autofree char *value = NULL;

          if (field == NULL)
            {
              g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                           _("%s: unknown key %s in [%s] (known: max-peers, peer-queue-bytes, "
                             "session-bytes, session-seconds, auth-timeout-seconds, "
                             "health-public, pairing-max, pairing-seconds, pairing-per-ip in "
                             "[limits]; invite in [policy]; url, secret in [turn])"), path,
                           keys[i], groups[g]);
              return FALSE;
            }
          value = g_key_file_get_value (keyfile, groups[g], keys[i], NULL);
          g_strstrip (value);
          if (!apply_field (&parsed, field, path, value, error))
            return FALSE;
        }
    }

  if ((parsed.turn_host[0] == '\0') != (parsed.turn_secret[0] == '\0'))
    {
      g_set_error (error, PU_ERROR, PU_ERROR_PARSE,
                   _("%s: [turn] needs both url and secret"), path);
      return FALSE;
    }
  *limits = parsed;
  return TRUE;
}

gboolean
pu_relay_limits_load (PuRelayLimits  *limits,
                      const char     *path,
                      GError        **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;

  g_return_val_if_fail (limits != NULL, FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!pu_file_read_bounded (path, PU_RELAY_CONFIG_FILE_MAX, &data, &len, &local_error))
    {
      if (g_error_matches (local_error, PU_ERROR, PU_ERROR_NOT_FOUND))
        {
          pu_relay_limits_init_default (limits);
          return TRUE;
        }
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return pu_relay_limits_load_from_data (limits, path, data, len, error);
}
