/* test-relay-addr.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "pu-error.h"
#include "pu-label.h"
#include "pu-relay-addr.h"

#define ID1 "12D3KooWBtg3aaRMjxwedh83aGiUkwSxDwUZkzuJcfaqUmo7R3pq"
#define ID1_CID "bafzaajaiaejcahwr5d5ofrfbis4l5d6uwr57hu5tjodrypfm6yaq6dsc2r2pzyt6"
#define ID2 "12D3KooWDpJ7As7BWAwRMfu1VU2WCqNjvq387JEYKDBj4kx6nXTN"

/* Test input can hold control characters and invalid UTF-8: TAP must not see them. */
static void
test_message_escaped (const char *text)
{
  g_autofree char *shown = pu_label_escape (text, 1000);

  g_test_message ("%s", shown);
}

static const struct {
  const char *text;
  const char *peer_id;
  const char *string;
  const char *multiaddr;
} good[] = {
  { "203.0.113.5", NULL, "203.0.113.5:7777", "/ip4/203.0.113.5/tcp/7777" },
  { "203.0.113.5:443", NULL, "203.0.113.5:443", "/ip4/203.0.113.5/tcp/443" },
  { "203.0.113.5:1", ID1, "203.0.113.5:1", "/ip4/203.0.113.5/tcp/1/p2p/" ID1 },
  { "203.0.113.5:65535", NULL, "203.0.113.5:65535", "/ip4/203.0.113.5/tcp/65535" },
  { "[2001:DB8::1]:7000", NULL, "[2001:db8::1]:7000", "/ip6/2001:db8::1/tcp/7000" },
  { "[2001:db8::1]", NULL, "[2001:db8::1]:7777", "/ip6/2001:db8::1/tcp/7777" },
  { "2001:db8::1", NULL, "[2001:db8::1]:7777", "/ip6/2001:db8::1/tcp/7777" },
  { "::1", ID2, "[::1]:7777", "/ip6/::1/tcp/7777/p2p/" ID2 },
  { "Relay.Example.org:7777", ID1, "relay.example.org:7777",
    "/dns/relay.example.org/tcp/7777/p2p/" ID1 },
  { "relay", ID1_CID, "relay:7777", "/dns/relay/tcp/7777/p2p/" ID1 },
  { "/ip4/198.51.100.7/tcp/7777", NULL, "198.51.100.7:7777", "/ip4/198.51.100.7/tcp/7777" },
  { "/ip4/198.51.100.7/tcp/7777/p2p/" ID1, NULL, "198.51.100.7:7777",
    "/ip4/198.51.100.7/tcp/7777/p2p/" ID1 },
  { "/ip4/198.51.100.7/tcp/7777/p2p/" ID1, ID1, "198.51.100.7:7777",
    "/ip4/198.51.100.7/tcp/7777/p2p/" ID1 },
  { "/ip4/198.51.100.7/tcp/7777/p2p/" ID1, ID1_CID, "198.51.100.7:7777",
    "/ip4/198.51.100.7/tcp/7777/p2p/" ID1 },
  { "/ip6/2001:db8::7/tcp/9/p2p/" ID2, NULL, "[2001:db8::7]:9",
    "/ip6/2001:db8::7/tcp/9/p2p/" ID2 },
  { "/dns/relay.example.org/tcp/7777/p2p/" ID1, NULL, "relay.example.org:7777",
    "/dns/relay.example.org/tcp/7777/p2p/" ID1 },
  { "/dns4/r-1.example/tcp/80/p2p/" ID1, NULL, "r-1.example:80",
    "/dns/r-1.example/tcp/80/p2p/" ID1 },
  { "/dns6/relay.example/tcp/80", ID2, "relay.example:80", "/dns/relay.example/tcp/80/p2p/" ID2 },
};

static void
test_good (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PuRelayAddr) addr = pu_relay_addr_parse (good[i].text, good[i].peer_id, &error);
      g_autoptr(PuRelayAddr) again = NULL;
      g_autoptr(PuRelayAddr) copy = NULL;
      g_autofree char *string = NULL;
      g_autofree char *multiaddr = NULL;
      g_autofree char *peer_id = NULL;

      test_message_escaped (good[i].text);
      g_assert_no_error (error);
      g_assert_nonnull (addr);
      string = pu_relay_addr_to_string (addr);
      multiaddr = pu_relay_addr_to_multiaddr (addr);
      g_assert_cmpstr (string, ==, good[i].string);
      g_assert_cmpstr (multiaddr, ==, good[i].multiaddr);
      g_assert_cmpint (addr->has_peer_id, ==, strstr (multiaddr, "/p2p/") != NULL);

      /* Both printed forms parse back to the same relay and key. */
      if (addr->has_peer_id)
        peer_id = pu_peer_id_to_string (&addr->peer_id);
      again = pu_relay_addr_parse (string, peer_id, &error);
      g_assert_no_error (error);
      g_assert_true (pu_relay_addr_equal (addr, again));
      g_clear_pointer (&again, pu_relay_addr_free);
      again = pu_relay_addr_parse (multiaddr, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (pu_relay_addr_equal (addr, again));
      g_assert_cmpint (again->has_peer_id, ==, addr->has_peer_id);
      if (addr->has_peer_id)
        g_assert_true (pu_peer_id_equal (&addr->peer_id, &again->peer_id));

      copy = pu_relay_addr_copy (addr);
      g_assert_true (copy->host != addr->host);
      g_assert_true (pu_relay_addr_equal (addr, copy));
      g_assert_cmpint (copy->has_peer_id, ==, addr->has_peer_id);
    }
}

static const struct {
  const char *text;
  const char *peer_id;
  int code;
  const char *message_part;
} bad[] = {
  { "", NULL, PU_ERROR_INVALID_ARGUMENT, "it is empty" },
  /* ports */
  { "203.0.113.5:", NULL, PU_ERROR_INVALID_ARGUMENT, "port must be a number from 1 to 65535" },
  { "203.0.113.5:0", NULL, PU_ERROR_INVALID_ARGUMENT, "from 1 to 65535" },
  { "203.0.113.5:65536", NULL, PU_ERROR_INVALID_ARGUMENT, "from 1 to 65535" },
  { "203.0.113.5:99999999999", NULL, PU_ERROR_INVALID_ARGUMENT, "from 1 to 65535" },
  { "203.0.113.5:-1", NULL, PU_ERROR_INVALID_ARGUMENT, "from 1 to 65535" },
  { "203.0.113.5:+80", NULL, PU_ERROR_INVALID_ARGUMENT, "from 1 to 65535" },
  { "203.0.113.5:80x", NULL, PU_ERROR_INVALID_ARGUMENT, "from 1 to 65535" },
  { "203.0.113.5: 80", NULL, PU_ERROR_INVALID_ARGUMENT, "from 1 to 65535" },
  { "[::1]:0", NULL, PU_ERROR_INVALID_ARGUMENT, "from 1 to 65535" },
  { "/ip4/1.2.3.4/tcp/0", NULL, PU_ERROR_INVALID_ARGUMENT, "from 1 to 65535" },
  { "/ip4/1.2.3.4/tcp/70000", NULL, PU_ERROR_INVALID_ARGUMENT, "from 1 to 65535" },
  /* IPs */
  { "203.0.113.256", NULL, PU_ERROR_INVALID_ARGUMENT, "not a valid IPv4 address" },
  { "203.0.113", NULL, PU_ERROR_INVALID_ARGUMENT, "not a valid IPv4 address" },
  { "1.2.3.4.5:80", NULL, PU_ERROR_INVALID_ARGUMENT, "not a valid IPv4 address" },
  { "[203.0.113.5]:80", NULL, PU_ERROR_INVALID_ARGUMENT, "not a valid IPv6 address" },
  { "[2001:db8::g]:80", NULL, PU_ERROR_INVALID_ARGUMENT, "not a valid IPv6 address" },
  { "2001:db8:::1", NULL, PU_ERROR_INVALID_ARGUMENT, "not a valid IPv6 address" },
  { "[fe80::1%eth0]:80", NULL, PU_ERROR_INVALID_ARGUMENT, "not a valid IPv6 address" },
  { "[::1", NULL, PU_ERROR_INVALID_ARGUMENT, "']' after the IPv6 address is missing" },
  { "[::1]80", NULL, PU_ERROR_INVALID_ARGUMENT, "only \":PORT\" may follow" },
  { "[]:80", NULL, PU_ERROR_INVALID_ARGUMENT, "the host is missing" },
  { ":80", NULL, PU_ERROR_INVALID_ARGUMENT, "the host is missing" },
  { "/ip4/::1/tcp/80", NULL, PU_ERROR_INVALID_ARGUMENT, "not a valid IPv4 address" },
  { "/ip6/1.2.3.4/tcp/80", NULL, PU_ERROR_INVALID_ARGUMENT, "not a valid IPv6 address" },
  { " 1.2.3.4", NULL, PU_ERROR_INVALID_ARGUMENT, "not a valid IP address or host name" },
  /* host names */
  { "relay.example.org:7777", NULL, PU_ERROR_INVALID_ARGUMENT, "needs the relay's peer ID" },
  { "relay.example.org", NULL, PU_ERROR_INVALID_ARGUMENT, "needs the relay's peer ID" },
  { "/dns/relay.example.org/tcp/7777", NULL, PU_ERROR_INVALID_ARGUMENT, "needs the relay's" },
  { "-relay.example:80", ID1, PU_ERROR_INVALID_ARGUMENT, "not a valid IP address or host name" },
  { "relay..example:80", ID1, PU_ERROR_INVALID_ARGUMENT, "not a valid IP address or host name" },
  { "relay_1.example:80", ID1, PU_ERROR_INVALID_ARGUMENT, "not a valid IP address or host name" },
  { "relay.example.:80", ID1, PU_ERROR_INVALID_ARGUMENT, "not a valid IP address or host name" },
  { "/dns/1.2.3.4/tcp/80/p2p/" ID1, NULL, PU_ERROR_INVALID_ARGUMENT, "not a valid host name" },
  /* multiaddr shape */
  { "/ip4/1.2.3.4", NULL, PU_ERROR_INVALID_ARGUMENT, "a multiaddr is" },
  { "/ip4/1.2.3.4/udp/80", NULL, PU_ERROR_INVALID_ARGUMENT, "a multiaddr is" },
  { "/ip4/1.2.3.4/tcp/80/", NULL, PU_ERROR_INVALID_ARGUMENT, "a multiaddr is" },
  { "/ip4/1.2.3.4/tcp/80/ipfs/" ID1, NULL, PU_ERROR_INVALID_ARGUMENT, "a multiaddr is" },
  { "/ip4/1.2.3.4/tcp/80/p2p/" ID1 "/x/y", NULL, PU_ERROR_INVALID_ARGUMENT, "a multiaddr is" },
  { "/unix/1.2.3.4/tcp/80", NULL, PU_ERROR_INVALID_ARGUMENT, "must start with /ip4" },
  /* peer IDs */
  { "/ip4/1.2.3.4/tcp/80/p2p/12D3KooWnope", NULL, PU_ERROR_INVALID_ARGUMENT, "Invalid peer ID" },
  { "1.2.3.4", "not-an-id", PU_ERROR_INVALID_ARGUMENT, "Invalid peer ID" },
  { "1.2.3.4", "", PU_ERROR_INVALID_ARGUMENT, "Invalid peer ID" },
  { "/ip4/1.2.3.4/tcp/80/p2p/" ID1, ID2, PU_ERROR_INVALID_ARGUMENT,
    "The relay peer ID " ID2 " does not match the one in the address (" ID1 ")" },
  /* control characters are escaped, not echoed */
  { "bad\n[relay]\x1b[31m", NULL, PU_ERROR_INVALID_ARGUMENT, "\"bad\\x0a[relay]\\x1b[31m\"" },
  { "b\xff\xfe", NULL, PU_ERROR_INVALID_ARGUMENT, "\"b\\xff\\xfe\"" },
};

static void
test_bad (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(PuRelayAddr) addr = pu_relay_addr_parse (bad[i].text, bad[i].peer_id, &error);

      test_message_escaped (bad[i].text);
      g_assert_null (addr);
      g_assert_error (error, PU_ERROR, bad[i].code);
      g_assert_nonnull (strstr (error->message, bad[i].message_part));
      g_assert_null (strchr (error->message, '\n'));
      g_assert_null (strchr (error->message, '\x1b'));
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
}

static void
test_too_long (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PuRelayAddr) addr = NULL;
  g_autofree char *longest = NULL;
  g_autofree char *over = NULL;
  GString *name = g_string_new (NULL);

  /* A host name over 253 characters is refused as a name… */
  while (name->len < 300)
    g_string_append (name, "abcdefghij.");
  g_string_append (name, "org:80");
  addr = pu_relay_addr_parse (name->str, ID1, &error);
  g_assert_null (addr);
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  /* …and the echo in the message is cut short. */
  g_assert_cmpuint (strlen (error->message), <, 300);
  g_string_free (name, TRUE);
  g_clear_error (&error);

  /* Text over the bound is refused before it is looked at. */
  longest = g_strnfill (PU_RELAY_ADDR_MAX_TEXT, 'a');
  over = g_strnfill (PU_RELAY_ADDR_MAX_TEXT + 1, 'a');
  addr = pu_relay_addr_parse (longest, ID1, &error);
  g_assert_error (error, PU_ERROR, PU_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  addr = pu_relay_addr_parse (over, ID1, &error);
  g_assert_null (addr);
  g_assert_error (error, PU_ERROR, PU_ERROR_TOO_LARGE);
}

static void
test_equal (void)
{
  g_autoptr(PuRelayAddr) a = pu_relay_addr_parse ("203.0.113.5", NULL, NULL);
  g_autoptr(PuRelayAddr) b = pu_relay_addr_parse ("/ip4/203.0.113.5/tcp/7777/p2p/" ID1, NULL,
                                                  NULL);
  g_autoptr(PuRelayAddr) c = pu_relay_addr_parse ("203.0.113.5:7778", NULL, NULL);
  g_autoptr(PuRelayAddr) d = pu_relay_addr_parse ("[0:0::1]", NULL, NULL);
  g_autoptr(PuRelayAddr) e = pu_relay_addr_parse ("/ip6/::1/tcp/7777", NULL, NULL);

  /* Same host and port, whatever the pin or the spelling. */
  g_assert_true (pu_relay_addr_equal (a, b));
  g_assert_false (pu_relay_addr_equal (a, c));
  g_assert_true (pu_relay_addr_equal (d, e));
  g_assert_false (pu_relay_addr_equal (a, d));
}

static void
test_boxed (void)
{
  g_autoptr(PuRelayAddr) a = pu_relay_addr_parse ("203.0.113.5", ID1, NULL);
  PuRelayAddr *b;

  g_assert_true (G_TYPE_IS_BOXED (PU_TYPE_RELAY_ADDR));
  b = g_boxed_copy (PU_TYPE_RELAY_ADDR, a);
  g_assert_true (pu_relay_addr_equal (a, b));
  g_assert_true (pu_peer_id_equal (&a->peer_id, &b->peer_id));
  g_boxed_free (PU_TYPE_RELAY_ADDR, b);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/relay-addr/good", test_good);
  g_test_add_func ("/relay-addr/bad", test_bad);
  g_test_add_func ("/relay-addr/too-long", test_too_long);
  g_test_add_func ("/relay-addr/equal", test_equal);
  g_test_add_func ("/relay-addr/boxed", test_boxed);

  return g_test_run ();
}
