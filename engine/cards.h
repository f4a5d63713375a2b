/* cards.h - login cards (api.md second part): a printable A4 sheet of
 * cards for the enabled participants of a unit's subtree, each with name,
 * unit, username, a login code and its QR image, and the codes themselves.
 *
 * A code is 16 symbols of a 32-symbol alphabet without 0/O and 1/I (80
 * random bits), printed as four groups: K7QF-M2XR-9TWD-4HBN. Only its
 * BLAKE2b hash keyed with CARDS_KEY_FILE (32 random bytes kept beside the
 * certificate signing key, never in the database) is stored. */
#ifndef QUIZ_CARDS_H
#define QUIZ_CARDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "outcome.h"

struct db;
struct people_actor;

#define CARDS_KEY_FILE "login-card.key"
#define CARDS_CODE_CHARS 16 /* symbols of a code, without the dashes */
#define CARDS_CODE_PRINTED 19 /* e.g. "K7QF-M2XR-9TWD-4HBN" */
/* At most this many cards on one sheet: a bigger subtree is refused with a
 * message naming its size (print it class by class). */
#define CARDS_SHEET_MAX 2000

/* Where the key is: beside the certificate key (cert_key_path's folder). */
struct cards_keyring {
	const char *data_dir, *db_path;
};

/* The site's address a card's QR image opens: public_url when set (e.g.
 * "https://quiz.example.vn"), else the request's Host with https when
 * secure (cookies are marked Secure) or http. */
struct cards_site {
	const char *public_url, *host;
	bool secure;
};

/* The site's address without a trailing slash into buf: 0, or -1 when
 * neither public_url nor the Host header gives a usable one. */
int cards_site_url(const struct cards_site *site, char *buf, size_t size);

/* A new code from rng_bytes, printed with dashes into out. */
void cards_code_new(char out[CARDS_CODE_PRINTED + 1]);
/* The code as typed (any case, spaces and dashes anywhere) in its 16
 * symbols: 0, or -1 when it is not a code of the alphabet. */
int cards_code_canonical(const char *typed, char out[CARDS_CODE_CHARS + 1]);
/* The stored hash of a canonical code: keyed BLAKE2b-256 with the key (made
 * when missing). OUTCOME_OK or OUTCOME_INTERNAL (the key cannot be read or
 * made). */
enum outcome cards_code_hash(const struct cards_keyring *keys, const char *canonical,
			     unsigned char hash[32], struct problem *p);
/* Makes the key when it is missing (quizadm init, before several instances
 * share the data directory). OUTCOME_OK or OUTCOME_INTERNAL. */
enum outcome cards_key_ensure(const struct cards_keyring *keys, struct problem *p);

/* Issues cards for the enabled participants (of audience, when not NULL)
 * in the subtree of unit_code, voiding their earlier codes, with one audit
 * entry, in one transaction; then renders the sheet: *html (new string,
 * caller frees) with the QR of the site's "/index.html#card=CODE" on each
 * card. OUTCOME_NOT_FOUND for an unknown unit, OUTCOME_FORBIDDEN for a
 * unit_admin outside its subtree, OUTCOME_INVALID for a bad audience, a
 * subtree of more than CARDS_SHEET_MAX people, or no usable site address
 * (no --public-url and no well-formed Host), OUTCOME_INTERNAL. */
enum outcome cards_issue(struct db *db, const struct cards_keyring *keys,
			 const struct cards_site *site, const struct people_actor *actor,
			 const char *unit_code, const char *audience, char **html,
			 struct problem *p);

/* The QR image of text as an inline SVG element (new string), or NULL when
 * the text cannot be encoded. */
char *cards_qr_svg(const char *text);

#endif
