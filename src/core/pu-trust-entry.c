/* pu-trust-entry.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-trust-entry.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "pu-error.h"
#include "pu-time.h"

#define VERIFIED_PREFIX "sha256:"
#define VERIFIED_HEX_LEN 8

G_DEFINE_BOXED_TYPE (PuTrustEntry, pu_trust_entry, pu_trust_entry_copy, pu_trust_entry_free)

PuTrustEntry *
pu_trust_entry_new (const PuPeerId *peer_id)
{
  PuTrustEntry *entry;

  g_return_val_if_fail (peer_id != NULL, NULL);

  entry = g_new0 (PuTrustEntry, 1);
  entry->peer_id = *peer_id;
  entry->attrs = g_ptr_array_new_with_free_func (g_free);
  return entry;
}

PuTrustEntry *
pu_trust_entry_copy (const PuTrustEntry *entry)
{
  PuTrustEntry *copy;

  g_return_val_if_fail (entry != NULL, NULL);

  copy = pu_trust_entry_new (&entry->peer_id);
  copy->expires = entry->expires;
  copy->verified = g_strdup (entry->verified);
  copy->comment = g_strdup (entry->comment);
  for (guint i = 0; i < entry->attrs->len; i++)
    g_ptr_array_add (copy->attrs, g_strdup (g_ptr_array_index (entry->attrs, i)));
  return copy;
}

void
pu_trust_entry_free (PuTrustEntry *entry)
{
  if (entry == NULL)
    return;

  g_free (entry->verified);
  g_free (entry->comment);
  g_ptr_array_unref (entry->attrs);
  g_free (entry);
}

static gboolean
bad_line (GError     **error,
          const char  *format,
          ...) G_GNUC_PRINTF (2, 3);

static gboolean
bad_line (GError     **error,
          const char  *format,
          ...)
{
  va_list args;

  va_start (args, format);
  if (error != NULL)
    *error = g_error_new_valist (PU_ERROR, PU_ERROR_PARSE, format, args);
  va_end (args);
  return FALSE;
}

gboolean
pu_trust_verified_is_valid (const char *verified)
{
  g_return_val_if_fail (verified != NULL, FALSE);

  if (strncmp (verified, VERIFIED_PREFIX, strlen (VERIFIED_PREFIX)) != 0)
    return FALSE;
  verified += strlen (VERIFIED_PREFIX);
  for (guint i = 0; i < VERIFIED_HEX_LEN; i++)
    if (!g_ascii_isdigit (verified[i]) && !(verified[i] >= 'a' && verified[i] <= 'f'))
      return FALSE;
  return verified[VERIFIED_HEX_LEN] == '\0';
}

static gboolean
is_key_char (char c)
{
  return g_ascii_isalnum (c) || c == '_' || c == '-' || c == '.';
}

/* Applies one "key=value" field to @entry. */
static gboolean
parse_attr (PuTrustEntry  *entry,
            const char    *field,
            GError       **error)
{
  const char *eq = strchr (field, '=');
  g_autoptr(GError) local_error = NULL;
  const char *value;

  if (eq == NULL)
    return bad_line (error, _("“%s” is not an attribute: attributes are key=value"), field);
  if (eq == field)
    return bad_line (error, _("an attribute has no name before “=”"));
  for (const char *p = field; p < eq; p++)
    if (!is_key_char (*p))
      return bad_line (error, _("attribute names may only use letters, digits, “_”, “-” "
                                "and “.”"));
  value = eq + 1;

  if (strncmp (field, "expires=", 8) == 0)
    {
      gint64 t;

      if (entry->expires != 0)
        return bad_line (error, _("expires= is given twice"));
      if (!pu_time_parse_rfc3339 (value, &t, &local_error))
        return bad_line (error, _("bad expires=: %s"), local_error->message);
      /* 0 means "never"; an expiry that old has passed anyway. */
      if (t <= 0)
        return bad_line (error, _("bad expires=: it is before 1970"));
      entry->expires = t;
    }
  else if (strncmp (field, "verified=", 9) == 0)
    {
      if (entry->verified != NULL)
        return bad_line (error, _("verified= is given twice"));
      if (!pu_trust_verified_is_valid (value))
        return bad_line (error, _("bad verified=: expected sha256: and 8 lowercase hex "
                                  "digits, e.g. verified=sha256:0123abcd"));
      entry->verified = g_strdup (value);
    }
  else
    g_ptr_array_add (entry->attrs, g_strdup (field));

  return TRUE;
}

PuTrustEntry *
pu_trust_entry_parse (const char  *line,
                      GError     **error)
{
  g_autoptr(PuTrustEntry) entry = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *fields = NULL;
  g_auto(GStrv) tokens = NULL;
  const char *hash;
  gsize len;
  gsize fields_len;
  guint first;
  PuPeerId id;

  g_return_val_if_fail (line != NULL, NULL);

  len = strnlen (line, PU_TRUST_LINE_MAX + 1);
  if (len > PU_TRUST_LINE_MAX)
    {
      bad_line (error, _("the line is longer than %d bytes"), PU_TRUST_LINE_MAX);
      return NULL;
    }
  /* Files edited on Windows end lines with CR LF. */
  if (len > 0 && line[len - 1] == '\r')
    len--;

  hash = memchr (line, '#', len);
  fields_len = hash != NULL ? (gsize) (hash - line) : len;
  /* The space before " # comment" is not part of the capped fields. */
  while (fields_len > 0 && (line[fields_len - 1] == ' ' || line[fields_len - 1] == '\t'))
    fields_len--;
  if (fields_len > PU_TRUST_FIELDS_MAX)
    {
      bad_line (error, _("the line is longer than %d bytes before its comment"),
                PU_TRUST_FIELDS_MAX);
      return NULL;
    }
  for (gsize i = 0; i < fields_len; i++)
    if (((guchar) line[i] < 0x20 && line[i] != '\t') || line[i] == 0x7f)
      {
        bad_line (error, _("the line contains a control character"));
        return NULL;
      }
  if (!g_utf8_validate_len (line, fields_len, NULL))
    {
      bad_line (error, _("the line is not valid UTF-8 before its comment"));
      return NULL;
    }

  fields = g_strndup (line, fields_len);
  g_strdelimit (fields, "\t", ' ');
  tokens = g_strsplit (fields, " ", -1);
  for (first = 0; tokens[first] != NULL && tokens[first][0] == '\0'; first++)
    ;
  if (tokens[first] == NULL)
    return NULL;  /* blank or comment only */

  if (!pu_peer_id_parse (tokens[first], &id, &local_error))
    {
      bad_line (error, "%s", local_error->message);
      return NULL;
    }
  entry = pu_trust_entry_new (&id);

  for (guint i = first + 1; tokens[i] != NULL; i++)
    if (tokens[i][0] != '\0' && !parse_attr (entry, tokens[i], error))
      return NULL;

  if (hash != NULL)
    {
      g_autofree char *comment = g_strndup (hash + 1, len - fields_len - 1);

      entry->comment = pu_trust_comment_sanitize (comment);
    }

  return g_steal_pointer (&entry);
}

char *
pu_trust_entry_to_line (const PuTrustEntry *entry)
{
  g_autofree char *comment = NULL;
  g_autofree char *id = NULL;
  GString *line;

  g_return_val_if_fail (entry != NULL, NULL);

  id = pu_peer_id_to_string (&entry->peer_id);
  line = g_string_new (id);
  if (entry->expires != 0)
    {
      g_autofree char *expires = pu_time_format_rfc3339 (entry->expires);

      g_string_append_printf (line, " expires=%s", expires);
    }
  if (entry->verified != NULL)
    g_string_append_printf (line, " verified=%s", entry->verified);
  for (guint i = 0; i < entry->attrs->len; i++)
    g_string_append_printf (line, " %s", (const char *) g_ptr_array_index (entry->attrs, i));

  /* Sanitized again so that no caller can ever put a newline into the file. */
  comment = pu_trust_comment_sanitize (entry->comment);
  if (comment != NULL)
    g_string_append_printf (line, " # %s", comment);

  return g_string_free (line, FALSE);
}

gboolean
pu_trust_entry_is_expired (const PuTrustEntry *entry,
                           gint64              now)
{
  g_return_val_if_fail (entry != NULL, TRUE);

  return entry->expires != 0 && entry->expires <= now;
}

static gboolean
is_unsafe_char (gunichar c)
{
  switch (g_unichar_type (c))
    {
    case G_UNICODE_CONTROL:
    case G_UNICODE_LINE_SEPARATOR:
    case G_UNICODE_PARAGRAPH_SEPARATOR:
      return TRUE;
    default:
      /* Bidirectional overrides could make a comment read like another peer's. */
      return (c >= 0x200e && c <= 0x200f) || (c >= 0x202a && c <= 0x202e)
             || (c >= 0x2066 && c <= 0x2069);
    }
}

char *
pu_trust_comment_sanitize (const char *comment)
{
  g_autofree char *valid = NULL;
  GString *out;
  gsize cut;

  if (comment == NULL)
    return NULL;

  /* Only a line's worth is ever looked at. */
  valid = g_utf8_make_valid (comment, (gssize) strnlen (comment, PU_TRUST_LINE_MAX));
  out = g_string_new (NULL);
  for (const char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (is_unsafe_char (c))
        g_string_append_c (out, ' ');
      else
        g_string_append_unichar (out, c);
    }

  g_strstrip (out->str);
  cut = strlen (out->str);
  if (cut > PU_TRUST_COMMENT_MAX)
    {
      /* Back off to the start of the character that crosses the cap. */
      cut = PU_TRUST_COMMENT_MAX;
      while (cut > 0 && ((guchar) out->str[cut] & 0xc0) == 0x80)
        cut--;
      out->str[cut] = '\0';
      g_strchomp (out->str);
    }

  if (out->str[0] == '\0')
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}
