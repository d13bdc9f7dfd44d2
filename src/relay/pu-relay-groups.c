/* pu-relay-groups.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-relay-groups.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "pu-error.h"
#include "pu-file.h"
#include "pu-label.h"

#define GROUP_PREFIX "group "

static void
token_free (PuRelayGroupToken *token)
{
  g_free (token->name);
  g_free (token);
}

void
pu_relay_group_free (PuRelayGroup *group)
{
  if (group == NULL)
    return;
  g_free (group->id);
  g_ptr_array_unref (group->tokens);
  g_free (group);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PuRelayGroup, pu_relay_group_free)

static PuRelayGroup *
group_new (const char *id)
{
  PuRelayGroup *group = g_new0 (PuRelayGroup, 1);

  group->id = g_strdup (id);
  group->tokens = g_ptr_array_new_with_free_func ((GDestroyNotify) token_free);
  return group;
}

PuRelayGroup *
pu_relay_group_new (guint           n,
                    gint64          expires,
                    gint64          member_seconds,
                    const guint8  (*tokens)[PU_RELAY_GROUP_TOKEN_LEN])
{
  guint8 raw_id[PU_RELAY_GROUP_ID_LEN / 2];
  g_autofree char *id = NULL;
  PuRelayGroup *group;

  g_return_val_if_fail (n >= 1 && n <= PU_RELAY_GROUP_MAX, NULL);

  randombytes_buf (raw_id, sizeof raw_id);
  id = g_malloc (PU_RELAY_GROUP_ID_LEN + 1);
  sodium_bin2hex (id, PU_RELAY_GROUP_ID_LEN + 1, raw_id, sizeof raw_id);
  group = group_new (id);
  group->expires = expires;
  group->member_seconds = member_seconds;
  for (guint i = 0; i < n; i++)
    {
      PuRelayGroupToken *token = g_new0 (PuRelayGroupToken, 1);

      crypto_hash_sha256 (token->hash, tokens[i], PU_RELAY_GROUP_TOKEN_LEN);
      g_ptr_array_add (group->tokens, token);
    }
  return group;
}

static gboolean
bad (GError     **error,
     const char  *path,
     const char  *group,
     const char  *why)
{
  g_set_error (error, PU_ERROR, PU_ERROR_PARSE, _("%s: [%s] %s; remove the group with "
                                                  "`peerup relay pair --revoke`"),
               path, group, why);
  return FALSE;
}

static gboolean
is_id (const char *id)
{
  if (strlen (id) != PU_RELAY_GROUP_ID_LEN)
    return FALSE;
  for (const char *p = id; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

/* "HEX" or "HEX PEER-ID NAME" */
static gboolean
parse_token (const char         *value,
             PuRelayGroupToken  *token)
{
  g_auto(GStrv) parts = g_strsplit (value, " ", 4);
  guint n = g_strv_length (parts);
  gsize bin_len = 0;

  if ((n != 1 && n != 3) || strlen (parts[0]) != 64 ||
      sodium_hex2bin (token->hash, sizeof token->hash, parts[0], 64, NULL, &bin_len,
                      NULL) != 0 || bin_len != sizeof token->hash)
    return FALSE;
  if (n == 1)
    return TRUE;
  if (!pu_peer_id_parse (parts[1], &token->member, NULL) ||
      !pu_label_is_valid (parts[2], -1) || strlen (parts[2]) > PU_RELAY_MEMBER_NAME_MAX)
    return FALSE;
  token->used = TRUE;
  token->name = g_strdup (parts[2]);
  return TRUE;
}

static gboolean
parse_int (GKeyFile   *keyfile,
           const char *group,
           const char *key,
           gint64     *out)
{
  g_autofree char *value = g_key_file_get_value (keyfile, group, key, NULL);
  guint64 n;

  if (value == NULL || !g_ascii_string_to_unsigned (value, 10, 0, G_MAXINT32, &n, NULL))
    return FALSE;
  *out = (gint64) n;
  return TRUE;
}

static PuRelayGroup *
parse_group (GKeyFile    *keyfile,
             const char  *path,
             const char  *name,
             GError     **error)
{
  g_autoptr(PuRelayGroup) group = NULL;
  g_auto(GStrv) keys = NULL;

  if (!g_str_has_prefix (name, GROUP_PREFIX) || !is_id (name + strlen (GROUP_PREFIX)))
    {
      bad (error, path, name, _("is not a pairing group"));
      return NULL;
    }
  group = group_new (name + strlen (GROUP_PREFIX));
  if (!parse_int (keyfile, name, "expires", &group->expires) ||
      !parse_int (keyfile, name, "member-seconds", &group->member_seconds))
    {
      bad (error, path, name, _("needs expires and member-seconds as whole numbers"));
      return NULL;
    }
  keys = g_key_file_get_keys (keyfile, name, NULL, NULL);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autofree char *value = NULL;
      g_autofree PuRelayGroupToken *token = NULL;
      guint64 n;

      if (g_str_equal (keys[i], "expires") || g_str_equal (keys[i], "member-seconds"))
        continue;
      if (!g_str_has_prefix (keys[i], "token-") ||
          !g_ascii_string_to_unsigned (keys[i] + 6, 10, 1, PU_RELAY_GROUP_MAX, &n, NULL) ||
          group->tokens->len >= PU_RELAY_GROUP_MAX)
        {
          bad (error, path, name, _("has an unknown key"));
          return NULL;
        }
      value = g_key_file_get_value (keyfile, name, keys[i], NULL);
      token = g_new0 (PuRelayGroupToken, 1);
      if (value == NULL || !parse_token (value, token))
        {
          g_free (token->name);
          bad (error, path, name, _("has a malformed token"));
          return NULL;
        }
      g_ptr_array_add (group->tokens, g_steal_pointer (&token));
    }
  if (group->tokens->len == 0)
    {
      bad (error, path, name, _("has no tokens"));
      return NULL;
    }
  return g_steal_pointer (&group);
}

GPtrArray *
pu_relay_groups_parse (const char  *path,
                       const char  *data,
                       gsize        len,
                       GError     **error)
{
  g_autoptr(GKeyFile) keyfile = g_key_file_new ();
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) names = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len > PU_RELAY_GROUPS_FILE_MAX)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_TOO_LARGE, _("%s is larger than %u bytes"), path,
                   PU_RELAY_GROUPS_FILE_MAX);
      return NULL;
    }
  if (!g_key_file_load_from_data (keyfile, len > 0 ? data : "", len, G_KEY_FILE_NONE,
                                  &local_error))
    {
      g_set_error (error, PU_ERROR, PU_ERROR_PARSE, _("%s is not a valid key file: %s"), path,
                   local_error->message);
      return NULL;
    }
  groups = g_ptr_array_new_with_free_func ((GDestroyNotify) pu_relay_group_free);
  names = g_key_file_get_groups (keyfile, NULL);
  if (g_strv_length (names) > PU_RELAY_GROUPS_MAX)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_TOO_LARGE, _("%s has more than %u groups"), path,
                   PU_RELAY_GROUPS_MAX);
      return NULL;
    }
  for (guint i = 0; names[i] != NULL; i++)
    {
      PuRelayGroup *group = parse_group (keyfile, path, names[i], error);

      if (group == NULL)
        return NULL;
      g_ptr_array_add (groups, group);
    }
  return g_steal_pointer (&groups);
}

GPtrArray *
pu_relay_groups_load (const char  *path,
                      GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  gsize len = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (!pu_file_read_bounded (path, PU_RELAY_GROUPS_FILE_MAX, &data, &len, &local_error))
    {
      if (g_error_matches (local_error, PU_ERROR, PU_ERROR_NOT_FOUND))
        return g_ptr_array_new_with_free_func ((GDestroyNotify) pu_relay_group_free);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return pu_relay_groups_parse (path, data, len, error);
}

gboolean
pu_relay_groups_save (const char  *path,
                      GPtrArray   *groups,
                      GError     **error)
{
  g_autoptr(GString) text = g_string_new ("# Relay pairing groups: `peerup relay pair`\n");

  g_return_val_if_fail (path != NULL && groups != NULL, FALSE);

  for (guint i = 0; i < groups->len; i++)
    {
      const PuRelayGroup *group = g_ptr_array_index (groups, i);

      g_string_append_printf (text, "\n[" GROUP_PREFIX "%s]\nexpires=%" G_GINT64_FORMAT
                              "\nmember-seconds=%" G_GINT64_FORMAT "\n", group->id,
                              group->expires, group->member_seconds);
      for (guint j = 0; j < group->tokens->len; j++)
        {
          const PuRelayGroupToken *token = g_ptr_array_index (group->tokens, j);
          char hex[65];

          sodium_bin2hex (hex, sizeof hex, token->hash, sizeof token->hash);
          g_string_append_printf (text, "token-%u=%s", j + 1, hex);
          if (token->used)
            {
              g_autofree char *id = pu_peer_id_to_string (&token->member);

              g_string_append_printf (text, " %s %s", id, token->name);
            }
          g_string_append_c (text, '\n');
        }
    }
  return pu_file_write_atomic (path, text->str, text->len, 0600, error);
}

PuRelayGroupToken *
pu_relay_groups_find (GPtrArray     *groups,
                      const guint8   token[PU_RELAY_GROUP_TOKEN_LEN],
                      gint64         now,
                      PuRelayGroup **group)
{
  PuRelayGroupToken *found = NULL;
  guint8 hash[32];

  g_return_val_if_fail (groups != NULL && token != NULL, NULL);

  crypto_hash_sha256 (hash, token, PU_RELAY_GROUP_TOKEN_LEN);
  /* Every token is compared, whatever matches where. */
  for (guint i = 0; i < groups->len; i++)
    {
      PuRelayGroup *g = g_ptr_array_index (groups, i);

      for (guint j = 0; j < g->tokens->len; j++)
        {
          PuRelayGroupToken *t = g_ptr_array_index (g->tokens, j);
          gboolean same = sodium_memcmp (t->hash, hash, sizeof hash) == 0;

          if (same && !t->used && now < g->expires)
            {
              found = t;
              if (group != NULL)
                *group = g;
            }
        }
    }
  return found;
}
