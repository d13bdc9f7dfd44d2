/* pu-sas.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "pu-sas.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#define SAS_CONTEXT "peerup-sas-v1"

typedef struct {
  const char *emoji;
  const char *name;
} SasEmoji;

/* Single code points with emoji presentation by default (no variation
 * selector or joiner needed), all in the common colour emoji fonts; the
 * names are distinct words that are easy to say aloud. */
static const SasEmoji sas_table[PU_SAS_TABLE_SIZE] = {
  /* Translators: the names of the emoji two people compare when they pair
   * their devices; keep them short, distinct and easy to say aloud. */
  { "🐶", N_("dog") }, /*   0 U+1F436 */
  { "🐱", N_("cat") }, /*   1 U+1F431 */
  { "🐭", N_("mouse") }, /*   2 U+1F42D */
  { "🐹", N_("hamster") }, /*   3 U+1F439 */
  { "🐰", N_("rabbit") }, /*   4 U+1F430 */
  { "🦊", N_("fox") }, /*   5 U+1F98A */
  { "🐻", N_("bear") }, /*   6 U+1F43B */
  { "🐼", N_("panda") }, /*   7 U+1F43C */
  { "🐨", N_("koala") }, /*   8 U+1F428 */
  { "🐯", N_("tiger") }, /*   9 U+1F42F */
  { "🦁", N_("lion") }, /*  10 U+1F981 */
  { "🐮", N_("cow") }, /*  11 U+1F42E */
  { "🐷", N_("pig") }, /*  12 U+1F437 */
  { "🐸", N_("frog") }, /*  13 U+1F438 */
  { "🐵", N_("monkey") }, /*  14 U+1F435 */
  { "🐔", N_("chicken") }, /*  15 U+1F414 */
  { "🐧", N_("penguin") }, /*  16 U+1F427 */
  { "🐦", N_("bird") }, /*  17 U+1F426 */
  { "🦆", N_("duck") }, /*  18 U+1F986 */
  { "🦅", N_("eagle") }, /*  19 U+1F985 */
  { "🦉", N_("owl") }, /*  20 U+1F989 */
  { "🦇", N_("bat") }, /*  21 U+1F987 */
  { "🐺", N_("wolf") }, /*  22 U+1F43A */
  { "🐗", N_("boar") }, /*  23 U+1F417 */
  { "🐴", N_("horse") }, /*  24 U+1F434 */
  { "🦄", N_("unicorn") }, /*  25 U+1F984 */
  { "🐝", N_("bee") }, /*  26 U+1F41D */
  { "🐛", N_("caterpillar") }, /*  27 U+1F41B */
  { "🦋", N_("butterfly") }, /*  28 U+1F98B */
  { "🐌", N_("snail") }, /*  29 U+1F40C */
  { "🐞", N_("ladybug") }, /*  30 U+1F41E */
  { "🐜", N_("ant") }, /*  31 U+1F41C */
  { "🦂", N_("scorpion") }, /*  32 U+1F982 */
  { "🦀", N_("crab") }, /*  33 U+1F980 */
  { "🐍", N_("snake") }, /*  34 U+1F40D */
  { "🦎", N_("lizard") }, /*  35 U+1F98E */
  { "🐢", N_("turtle") }, /*  36 U+1F422 */
  { "🐙", N_("octopus") }, /*  37 U+1F419 */
  { "🦑", N_("squid") }, /*  38 U+1F991 */
  { "🦐", N_("shrimp") }, /*  39 U+1F990 */
  { "🐟", N_("fish") }, /*  40 U+1F41F */
  { "🐬", N_("dolphin") }, /*  41 U+1F42C */
  { "🐳", N_("whale") }, /*  42 U+1F433 */
  { "🦈", N_("shark") }, /*  43 U+1F988 */
  { "🐊", N_("crocodile") }, /*  44 U+1F40A */
  { "🐘", N_("elephant") }, /*  45 U+1F418 */
  { "🦏", N_("rhino") }, /*  46 U+1F98F */
  { "🐪", N_("camel") }, /*  47 U+1F42A */
  { "🦒", N_("giraffe") }, /*  48 U+1F992 */
  { "🐃", N_("buffalo") }, /*  49 U+1F403 */
  { "🐑", N_("sheep") }, /*  50 U+1F411 */
  { "🐐", N_("goat") }, /*  51 U+1F410 */
  { "🦌", N_("deer") }, /*  52 U+1F98C */
  { "🦔", N_("hedgehog") }, /*  53 U+1F994 */
  { "🦓", N_("zebra") }, /*  54 U+1F993 */
  { "🦍", N_("gorilla") }, /*  55 U+1F98D */
  { "🦃", N_("turkey") }, /*  56 U+1F983 */
  { "🐉", N_("dragon") }, /*  57 U+1F409 */
  { "🦕", N_("dinosaur") }, /*  58 U+1F995 */
  { "🐚", N_("shell") }, /*  59 U+1F41A */
  { "🌵", N_("cactus") }, /*  60 U+1F335 */
  { "🎄", N_("Christmas tree") }, /*  61 U+1F384 */
  { "🌳", N_("tree") }, /*  62 U+1F333 */
  { "🌴", N_("palm") }, /*  63 U+1F334 */
  { "🌱", N_("sprout") }, /*  64 U+1F331 */
  { "🍀", N_("clover") }, /*  65 U+1F340 */
  { "🍁", N_("maple") }, /*  66 U+1F341 */
  { "🍄", N_("mushroom") }, /*  67 U+1F344 */
  { "🌷", N_("tulip") }, /*  68 U+1F337 */
  { "🌹", N_("rose") }, /*  69 U+1F339 */
  { "🌻", N_("sunflower") }, /*  70 U+1F33B */
  { "🌸", N_("blossom") }, /*  71 U+1F338 */
  { "💐", N_("bouquet") }, /*  72 U+1F490 */
  { "🌍", N_("globe") }, /*  73 U+1F30D */
  { "🌙", N_("moon") }, /*  74 U+1F319 */
  { "🌞", N_("sun") }, /*  75 U+1F31E */
  { "⭐", N_("star") }, /*  76 U+2B50 */
  { "⚡", N_("lightning") }, /*  77 U+26A1 */
  { "🔥", N_("fire") }, /*  78 U+1F525 */
  { "💧", N_("drop") }, /*  79 U+1F4A7 */
  { "🌊", N_("wave") }, /*  80 U+1F30A */
  { "☔", N_("umbrella") }, /*  81 U+2614 */
  { "⛄", N_("snowman") }, /*  82 U+26C4 */
  { "🌈", N_("rainbow") }, /*  83 U+1F308 */
  { "🌋", N_("volcano") }, /*  84 U+1F30B */
  { "🗻", N_("mountain") }, /*  85 U+1F5FB */
  { "🍎", N_("apple") }, /*  86 U+1F34E */
  { "🍐", N_("pear") }, /*  87 U+1F350 */
  { "🍊", N_("orange") }, /*  88 U+1F34A */
  { "🍋", N_("lemon") }, /*  89 U+1F34B */
  { "🍌", N_("banana") }, /*  90 U+1F34C */
  { "🍉", N_("watermelon") }, /*  91 U+1F349 */
  { "🍇", N_("grapes") }, /*  92 U+1F347 */
  { "🍓", N_("strawberry") }, /*  93 U+1F353 */
  { "🍒", N_("cherries") }, /*  94 U+1F352 */
  { "🍑", N_("peach") }, /*  95 U+1F351 */
  { "🍍", N_("pineapple") }, /*  96 U+1F34D */
  { "🥥", N_("coconut") }, /*  97 U+1F965 */
  { "🥝", N_("kiwi") }, /*  98 U+1F95D */
  { "🍅", N_("tomato") }, /*  99 U+1F345 */
  { "🍆", N_("eggplant") }, /* 100 U+1F346 */
  { "🥑", N_("avocado") }, /* 101 U+1F951 */
  { "🥦", N_("broccoli") }, /* 102 U+1F966 */
  { "🥕", N_("carrot") }, /* 103 U+1F955 */
  { "🌽", N_("corn") }, /* 104 U+1F33D */
  { "🥒", N_("cucumber") }, /* 105 U+1F952 */
  { "🥔", N_("potato") }, /* 106 U+1F954 */
  { "🥐", N_("croissant") }, /* 107 U+1F950 */
  { "🍞", N_("bread") }, /* 108 U+1F35E */
  { "🥨", N_("pretzel") }, /* 109 U+1F968 */
  { "🧀", N_("cheese") }, /* 110 U+1F9C0 */
  { "🥚", N_("egg") }, /* 111 U+1F95A */
  { "🥞", N_("pancakes") }, /* 112 U+1F95E */
  { "🥓", N_("bacon") }, /* 113 U+1F953 */
  { "🌭", N_("hot dog") }, /* 114 U+1F32D */
  { "🍔", N_("burger") }, /* 115 U+1F354 */
  { "🍟", N_("fries") }, /* 116 U+1F35F */
  { "🍕", N_("pizza") }, /* 117 U+1F355 */
  { "🥪", N_("sandwich") }, /* 118 U+1F96A */
  { "🌮", N_("taco") }, /* 119 U+1F32E */
  { "🌯", N_("burrito") }, /* 120 U+1F32F */
  { "🥗", N_("salad") }, /* 121 U+1F957 */
  { "🍝", N_("spaghetti") }, /* 122 U+1F35D */
  { "🍜", N_("noodles") }, /* 123 U+1F35C */
  { "🍣", N_("sushi") }, /* 124 U+1F363 */
  { "🍚", N_("rice") }, /* 125 U+1F35A */
  { "🥟", N_("dumpling") }, /* 126 U+1F95F */
  { "🍦", N_("ice cream") }, /* 127 U+1F366 */
  { "🍩", N_("doughnut") }, /* 128 U+1F369 */
  { "🍪", N_("cookie") }, /* 129 U+1F36A */
  { "🎂", N_("cake") }, /* 130 U+1F382 */
  { "🥧", N_("pie") }, /* 131 U+1F967 */
  { "🍫", N_("chocolate") }, /* 132 U+1F36B */
  { "🍬", N_("candy") }, /* 133 U+1F36C */
  { "🍭", N_("lollipop") }, /* 134 U+1F36D */
  { "🍯", N_("honey") }, /* 135 U+1F36F */
  { "🥛", N_("milk") }, /* 136 U+1F95B */
  { "☕", N_("coffee") }, /* 137 U+2615 */
  { "🍵", N_("tea") }, /* 138 U+1F375 */
  { "🍾", N_("champagne") }, /* 139 U+1F37E */
  { "🍷", N_("wine") }, /* 140 U+1F377 */
  { "🍸", N_("cocktail") }, /* 141 U+1F378 */
  { "🍺", N_("beer") }, /* 142 U+1F37A */
  { "🥤", N_("soda") }, /* 143 U+1F964 */
  { "🥄", N_("spoon") }, /* 144 U+1F944 */
  { "🥜", N_("peanut") }, /* 145 U+1F95C */
  { "🍿", N_("popcorn") }, /* 146 U+1F37F */
  { "⚽", N_("football") }, /* 147 U+26BD */
  { "🏀", N_("basketball") }, /* 148 U+1F3C0 */
  { "⚾", N_("baseball") }, /* 149 U+26BE */
  { "🎾", N_("tennis") }, /* 150 U+1F3BE */
  { "🏐", N_("volleyball") }, /* 151 U+1F3D0 */
  { "🏓", N_("ping pong") }, /* 152 U+1F3D3 */
  { "🏸", N_("badminton") }, /* 153 U+1F3F8 */
  { "🎣", N_("fishing rod") }, /* 154 U+1F3A3 */
  { "🎿", N_("skis") }, /* 155 U+1F3BF */
  { "⛳", N_("golf") }, /* 156 U+26F3 */
  { "🏆", N_("trophy") }, /* 157 U+1F3C6 */
  { "🥇", N_("medal") }, /* 158 U+1F947 */
  { "🎯", N_("bullseye") }, /* 159 U+1F3AF */
  { "🎲", N_("dice") }, /* 160 U+1F3B2 */
  { "🎮", N_("gamepad") }, /* 161 U+1F3AE */
  { "🎸", N_("guitar") }, /* 162 U+1F3B8 */
  { "🎹", N_("piano") }, /* 163 U+1F3B9 */
  { "🎺", N_("trumpet") }, /* 164 U+1F3BA */
  { "🎻", N_("violin") }, /* 165 U+1F3BB */
  { "🥁", N_("drum") }, /* 166 U+1F941 */
  { "🎷", N_("saxophone") }, /* 167 U+1F3B7 */
  { "🎤", N_("microphone") }, /* 168 U+1F3A4 */
  { "🎧", N_("headphones") }, /* 169 U+1F3A7 */
  { "🎨", N_("palette") }, /* 170 U+1F3A8 */
  { "🎈", N_("balloon") }, /* 171 U+1F388 */
  { "🎉", N_("party") }, /* 172 U+1F389 */
  { "🎁", N_("gift") }, /* 173 U+1F381 */
  { "🎃", N_("pumpkin") }, /* 174 U+1F383 */
  { "🔔", N_("bell") }, /* 175 U+1F514 */
  { "🔑", N_("key") }, /* 176 U+1F511 */
  { "🔒", N_("lock") }, /* 177 U+1F512 */
  { "🔨", N_("hammer") }, /* 178 U+1F528 */
  { "🔧", N_("wrench") }, /* 179 U+1F527 */
  { "⚓", N_("anchor") }, /* 180 U+2693 */
  { "🔦", N_("torch") }, /* 181 U+1F526 */
  { "💡", N_("light bulb") }, /* 182 U+1F4A1 */
  { "🔋", N_("battery") }, /* 183 U+1F50B */
  { "📱", N_("phone") }, /* 184 U+1F4F1 */
  { "💻", N_("laptop") }, /* 185 U+1F4BB */
  { "⌚", N_("watch") }, /* 186 U+231A */
  { "⏰", N_("alarm clock") }, /* 187 U+23F0 */
  { "📷", N_("camera") }, /* 188 U+1F4F7 */
  { "📺", N_("television") }, /* 189 U+1F4FA */
  { "📻", N_("radio") }, /* 190 U+1F4FB */
  { "📖", N_("book") }, /* 191 U+1F4D6 */
  { "📎", N_("paperclip") }, /* 192 U+1F4CE */
  { "📏", N_("ruler") }, /* 193 U+1F4CF */
  { "📦", N_("box") }, /* 194 U+1F4E6 */
  { "🏠", N_("house") }, /* 195 U+1F3E0 */
  { "🏰", N_("castle") }, /* 196 U+1F3F0 */
  { "🗼", N_("tower") }, /* 197 U+1F5FC */
  { "⛺", N_("tent") }, /* 198 U+26FA */
  { "⛲", N_("fountain") }, /* 199 U+26F2 */
  { "🎡", N_("ferris wheel") }, /* 200 U+1F3A1 */
  { "🎢", N_("roller coaster") }, /* 201 U+1F3A2 */
  { "🚗", N_("car") }, /* 202 U+1F697 */
  { "🚕", N_("taxi") }, /* 203 U+1F695 */
  { "🚌", N_("bus") }, /* 204 U+1F68C */
  { "🚑", N_("ambulance") }, /* 205 U+1F691 */
  { "🚒", N_("fire engine") }, /* 206 U+1F692 */
  { "🚓", N_("police car") }, /* 207 U+1F693 */
  { "🚜", N_("tractor") }, /* 208 U+1F69C */
  { "🚲", N_("bicycle") }, /* 209 U+1F6B2 */
  { "🛵", N_("scooter") }, /* 210 U+1F6F5 */
  { "🚂", N_("train") }, /* 211 U+1F682 */
  { "🚁", N_("helicopter") }, /* 212 U+1F681 */
  { "🚀", N_("rocket") }, /* 213 U+1F680 */
  { "🛸", N_("flying saucer") }, /* 214 U+1F6F8 */
  { "⛵", N_("sailboat") }, /* 215 U+26F5 */
  { "🚤", N_("speedboat") }, /* 216 U+1F6A4 */
  { "🚢", N_("ship") }, /* 217 U+1F6A2 */
  { "🛶", N_("canoe") }, /* 218 U+1F6F6 */
  { "🚦", N_("traffic light") }, /* 219 U+1F6A6 */
  { "🏁", N_("flag") }, /* 220 U+1F3C1 */
  { "💎", N_("diamond") }, /* 221 U+1F48E */
  { "👑", N_("crown") }, /* 222 U+1F451 */
  { "🎩", N_("top hat") }, /* 223 U+1F3A9 */
  { "👓", N_("glasses") }, /* 224 U+1F453 */
  { "👟", N_("sneaker") }, /* 225 U+1F45F */
  { "👢", N_("boot") }, /* 226 U+1F462 */
  { "👕", N_("shirt") }, /* 227 U+1F455 */
  { "👖", N_("jeans") }, /* 228 U+1F456 */
  { "🧦", N_("socks") }, /* 229 U+1F9E6 */
  { "🧣", N_("scarf") }, /* 230 U+1F9E3 */
  { "🧤", N_("gloves") }, /* 231 U+1F9E4 */
  { "🎒", N_("backpack") }, /* 232 U+1F392 */
  { "👜", N_("handbag") }, /* 233 U+1F45C */
  { "🔮", N_("crystal ball") }, /* 234 U+1F52E */
  { "🔭", N_("telescope") }, /* 235 U+1F52D */
  { "🔬", N_("microscope") }, /* 236 U+1F52C */
  { "🎠", N_("carousel") }, /* 237 U+1F3A0 */
  { "⏳", N_("hourglass") }, /* 238 U+23F3 */
  { "🔍", N_("magnifier") }, /* 239 U+1F50D */
  { "🚪", N_("door") }, /* 240 U+1F6AA */
  { "🛁", N_("bathtub") }, /* 241 U+1F6C1 */
  { "🚿", N_("shower") }, /* 242 U+1F6BF */
  { "🎵", N_("music") }, /* 243 U+1F3B5 */
  { "🏮", N_("lantern") }, /* 244 U+1F3EE */
  { "🎆", N_("fireworks") }, /* 245 U+1F386 */
  { "👻", N_("ghost") }, /* 246 U+1F47B */
  { "👽", N_("alien") }, /* 247 U+1F47D */
  { "🤖", N_("robot") }, /* 248 U+1F916 */
  { "👀", N_("eyes") }, /* 249 U+1F440 */
  { "👍", N_("thumbs up") }, /* 250 U+1F44D */
  { "✋", N_("hand") }, /* 251 U+270B */
  { "👂", N_("ear") }, /* 252 U+1F442 */
  { "👃", N_("nose") }, /* 253 U+1F443 */
  { "🧠", N_("brain") }, /* 254 U+1F9E0 */
  { "💪", N_("muscle") }, /* 255 U+1F4AA */
};

void
pu_sas_compute (const PuPeerId *a,
                const PuPeerId *b,
                PuSas          *sas)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  const PuPeerId *low = a;
  const PuPeerId *high = b;
  guint8 digest[32];
  gsize len = sizeof digest;

  g_return_if_fail (a != NULL && b != NULL && sas != NULL);

  if (memcmp (a->pubkey, b->pubkey, PU_PUBKEY_LEN) > 0)
    {
      low = b;
      high = a;
    }
  g_checksum_update (checksum, (const guchar *) SAS_CONTEXT, strlen (SAS_CONTEXT));
  g_checksum_update (checksum, low->pubkey, PU_PUBKEY_LEN);
  g_checksum_update (checksum, high->pubkey, PU_PUBKEY_LEN);
  g_checksum_get_digest (checksum, digest, &len);
  g_assert (len == sizeof digest);

  memcpy (sas->emoji, digest, PU_SAS_N_EMOJI);
  sas->number = (((guint32) digest[4] << 24) | ((guint32) digest[5] << 16) |
                 ((guint32) digest[6] << 8) | (guint32) digest[7]) % 1000000;
  g_snprintf (sas->verified, sizeof sas->verified, "sha256:%02x%02x%02x%02x",
              digest[0], digest[1], digest[2], digest[3]);
}

const char *
pu_sas_emoji (guint index)
{
  g_return_val_if_fail (index < PU_SAS_TABLE_SIZE, NULL);

  return sas_table[index].emoji;
}

const char *
pu_sas_emoji_name (guint index)
{
  g_return_val_if_fail (index < PU_SAS_TABLE_SIZE, NULL);

  return _(sas_table[index].name);
}

char *
pu_sas_format_number (const PuSas *sas)
{
  g_return_val_if_fail (sas != NULL, NULL);

  return g_strdup_printf ("%03u-%03u", sas->number / 1000, sas->number % 1000);
}

gboolean
pu_sas_entry_is_verified (const PuTrustEntry *entry,
                          const PuPeerId     *self)
{
  PuSas sas;

  g_return_val_if_fail (entry != NULL && self != NULL, FALSE);

  if (entry->verified == NULL)
    return FALSE;
  pu_sas_compute (self, &entry->peer_id, &sas);
  return g_str_equal (entry->verified, sas.verified);
}
