/* pu-pair-message.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-pair-message.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "pu-error.h"
#include "pu-label.h"
#include "pu-pake.h"

#define SEAL_OVERHEAD 16

gboolean
pu_pair_message_is_pairing (const guint8 *data,
                            gsize         len)
{
  return len > 0 && data[0] == PU_PAIR_MESSAGE_MAGIC;
}

GBytes *
pu_pair_message_encode (PuPairMessageType  type,
                        guint64            attempt,
                        const guint8      *body,
                        gsize              body_len)
{
  GByteArray *out;
  guint8 header[PU_PAIR_MESSAGE_HEADER_LEN] = {
    PU_PAIR_MESSAGE_MAGIC, PU_PAIR_MESSAGE_VERSION, (guint8) type
  };

  g_return_val_if_fail (body != NULL || body_len == 0, NULL);
  g_return_val_if_fail (PU_PAIR_MESSAGE_HEADER_LEN + body_len <= PU_PAIR_MESSAGE_MAX, NULL);

  for (guint i = 0; i < 8; i++)
    header[3 + i] = (guint8) (attempt >> (56 - 8 * i));
  out = g_byte_array_sized_new (PU_PAIR_MESSAGE_HEADER_LEN + body_len);
  g_byte_array_append (out, header, sizeof header);
  if (body_len > 0)
    g_byte_array_append (out, body, body_len);
  return g_byte_array_free_to_bytes (out);
}

static gboolean
malformed (GError     **error,
           const char  *what)
{
  g_set_error (error, PU_ERROR, PU_ERROR_PARSE, _("Malformed pairing message: %s"), what);
  return FALSE;
}

gboolean
pu_pair_message_decode (const guint8   *data,
                        gsize           len,
                        PuPairMessage  *msg,
                        GError        **error)
{
  gsize body_len;
  gboolean ok;

  g_return_val_if_fail (data != NULL || len == 0, FALSE);
  g_return_val_if_fail (msg != NULL, FALSE);

  if (len > PU_PAIR_MESSAGE_MAX)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_TOO_LARGE,
                   _("Pairing message of %" G_GSIZE_FORMAT " bytes (at most %u)"), len,
                   (guint) PU_PAIR_MESSAGE_MAX);
      return FALSE;
    }
  if (len < PU_PAIR_MESSAGE_HEADER_LEN || data[0] != PU_PAIR_MESSAGE_MAGIC)
    return malformed (error, _("too short"));
  if (data[1] != PU_PAIR_MESSAGE_VERSION)
    {
      g_set_error (error, PU_ERROR, PU_ERROR_VERSION,
                   _("The other device pairs with a newer protocol (version %u); please "
                     "upgrade"), data[1]);
      return FALSE;
    }

  *msg = (PuPairMessage) { .type = data[2] };
  for (guint i = 0; i < 8; i++)
    msg->attempt = (msg->attempt << 8) | data[3 + i];
  msg->body = data + PU_PAIR_MESSAGE_HEADER_LEN;
  body_len = msg->body_len = len - PU_PAIR_MESSAGE_HEADER_LEN;

  switch (msg->type)
    {
    case PU_PAIR_HELLO:
      ok = body_len == PU_PAKE_MSG1_LEN;
      break;
    case PU_PAIR_REPLY:
      ok = body_len == PU_PAKE_MSG2_LEN;
      break;
    case PU_PAIR_CONFIRM:
      ok = body_len == PU_PAKE_MSG3_LEN || body_len > PU_PAKE_MSG3_LEN + SEAL_OVERHEAD;
      break;
    case PU_PAIR_WELCOME:
      ok = body_len > SEAL_OVERHEAD;
      break;
    case PU_PAIR_DONE:
      ok = body_len == 0;
      break;
    case PU_PAIR_FAIL:
      ok = body_len == 1 && (msg->body[0] == PU_PAIR_FAIL_BUSY ||
                             msg->body[0] == PU_PAIR_FAIL_CLOSED);
      if (ok)
        msg->reason = msg->body[0];
      break;
    default:
      return malformed (error, _("unknown type"));
    }
  if (!ok)
    return malformed (error, _("wrong length for its type"));
  return TRUE;
}

GBytes *
pu_pair_payload_encode (const PuPeerId *peer,
                        const char     *name,
                        GPtrArray      *relays)
{
  guint n_relays = 0;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *id = pu_peer_id_to_string (peer);
  gsize len;
  char *text;

  g_return_val_if_fail (peer != NULL && name != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "peer_id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, name);
  json_builder_set_member_name (builder, "relays");
  json_builder_begin_array (builder);
  for (guint i = 0; relays != NULL && i < relays->len && n_relays < PU_PAIR_RELAYS_MAX; i++)
    {
      const PuRelayAddr *relay = g_ptr_array_index (relays, i);
      g_autofree char *multiaddr = NULL;

      if (!relay->has_peer_id)
        continue;
      multiaddr = pu_relay_addr_to_multiaddr (relay);
      json_builder_add_string_value (builder, multiaddr);
      n_relays++;
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, &len);
  g_assert (len <= PU_PAIR_PAYLOAD_MAX);
  return g_bytes_new_take (text, len);
}

/* A string member, or NULL for anything else (never a warning). */
static const char *
string_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) ||
      json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* The "relays" member: absent, or an array of pinned relay addresses. */
static GPtrArray *
relays_member (JsonObject *object)
{
  JsonNode *node = json_object_get_member (object, "relays");
  g_autoptr(GPtrArray) relays = g_ptr_array_new_with_free_func (
    (GDestroyNotify) pu_relay_addr_free);
  JsonArray *array;

  if (node == NULL)
    return g_steal_pointer (&relays);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  array = json_node_get_array (node);
  if (json_array_get_length (array) > PU_PAIR_RELAYS_MAX)
    return NULL;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      PuRelayAddr *relay;

      if (!JSON_NODE_HOLDS_VALUE (element) ||
          json_node_get_value_type (element) != G_TYPE_STRING)
        return NULL;
      relay = pu_relay_addr_parse (json_node_get_string (element), NULL, NULL);
      if (relay == NULL)
        return NULL;
      g_ptr_array_add (relays, relay);
      if (!relay->has_peer_id)
        return NULL;
    }
  return g_steal_pointer (&relays);
}

gboolean
pu_pair_payload_decode (GBytes     *payload,
                        PuPeerId   *peer,
                        char      **name,
                        GPtrArray **relays,
                        GError    **error)
{
  GPtrArray *found;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonNode *root;
  JsonObject *object;
  const char *id;
  const char *text;
  gsize len;
  const char *data = g_bytes_get_data (payload, &len);

  if (len == 0 || len > PU_PAIR_PAYLOAD_MAX || !g_utf8_validate_len (data, len, NULL))
    return malformed (error, _("bad payload"));
  /* White space alone parses, to no root at all. */
  if (!json_parser_load_from_data (parser, data, (gssize) len, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return malformed (error, _("bad payload"));

  object = json_node_get_object (root);
  id = string_member (object, "peer_id");
  text = string_member (object, "name");
  if (id == NULL || !pu_peer_id_parse (id, peer, NULL))
    return malformed (error, _("bad peer ID"));
  if (text == NULL || !pu_label_is_valid (text, -1))
    return malformed (error, _("bad name"));
  found = relays_member (object);
  if (found == NULL)
    return malformed (error, _("bad relays"));
  *name = g_strdup (text);
  *relays = found;
  return TRUE;
}
