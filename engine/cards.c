/* cards.c - login cards: codes, their keyed hash, and the printable sheet
 * (see cards.h). */
#include "cards.h"

#include <errno.h>
#include <fcntl.h>
#include <qrencode.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "cert.h"
#include "clock.h"
#include "db.h"
#include "db_account.h"
#include "db_people.h"
#include "html.h"
#include "org.h"
#include "people.h"
#include "rng.h"
#include "util.h"

/* 32 symbols, so each carries 5 bits; no 0/O or 1/I to mistake. */
static const char ALPHABET[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";

void cards_code_new(char out[CARDS_CODE_PRINTED + 1])
{
	unsigned char bytes[10]; /* 80 bits: 16 symbols of 5 bits */
	rng_bytes(bytes, sizeof bytes);
	size_t o = 0;
	for (int i = 0; i < CARDS_CODE_CHARS; i++) {
		int bit = i * 5, v = 0;
		for (int b = 0; b < 5; b++, bit++)
			v = (v << 1) | ((bytes[bit / 8] >> (7 - bit % 8)) & 1);
		if (i && i % 4 == 0)
			out[o++] = '-';
		out[o++] = ALPHABET[v];
	}
	out[o] = '\0';
	sodium_memzero(bytes, sizeof bytes);
}

int cards_code_canonical(const char *typed, char out[CARDS_CODE_CHARS + 1])
{
	size_t n = 0;
	for (const char *s = typed; *s; s++) {
		char c = *s;
		if (c == '-' || c == ' ')
			continue;
		if (c >= 'a' && c <= 'z')
			c = (char)(c - 32);
		if (!strchr(ALPHABET, c) || n == CARDS_CODE_CHARS)
			return -1;
		out[n++] = c;
	}
	if (n != CARDS_CODE_CHARS)
		return -1;
	out[n] = '\0';
	return 0;
}

static void key_path(const struct cards_keyring *keys, char *buf, size_t size)
{
	cert_key_path(keys->data_dir, keys->db_path, buf, size);
	char *slash = strrchr(buf, '/');
	size_t dir = slash ? (size_t)(slash - buf) + 1 : 0;
	snprintf(buf + dir, size - dir, "%s", CARDS_KEY_FILE);
}

/* Reads the key, making it first when missing (O_EXCL: two processes
 * making it at once keep the one written first). 0 or -1. */
static int load_key(const struct cards_keyring *keys, unsigned char key[32], struct problem *p)
{
	char path[1024];
	key_path(keys, path, sizeof path);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0) {
		randombytes_buf(key, 32);
		ssize_t n = write(fd, key, 32);
		int synced = fsync(fd);
		close(fd);
		if (n != 32 || synced) {
			unlink(path);
			problem_set(p, OUTCOME_INTERNAL, "cannot write the card key %s", path);
			return -1;
		}
		return 0;
	}
	if (errno != EEXIST) {
		problem_set(p, OUTCOME_INTERNAL, "cannot create the card key %s: %s", path,
			    strerror(errno));
		return -1;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, key, 32) : -1;
	if (fd >= 0)
		close(fd);
	if (n != 32) {
		problem_set(p, OUTCOME_INTERNAL, "cannot read the card key %s", path);
		return -1;
	}
	return 0;
}

enum outcome cards_code_hash(const struct cards_keyring *keys, const char *canonical,
			     unsigned char hash[32], struct problem *p)
{
	unsigned char key[32];
	if (load_key(keys, key, p))
		return OUTCOME_INTERNAL;
	crypto_generichash(hash, 32, (const unsigned char *)canonical, strlen(canonical), key,
			   sizeof key);
	sodium_memzero(key, sizeof key);
	return OUTCOME_OK;
}

enum outcome cards_key_ensure(const struct cards_keyring *keys, struct problem *p)
{
	unsigned char key[32];
	int rc = load_key(keys, key, p);
	sodium_memzero(key, sizeof key);
	return rc ? OUTCOME_INTERNAL : OUTCOME_OK;
}

/* ---- QR ------------------------------------------------------------------- */

char *cards_qr_svg(const char *text)
{
	QRcode *qr = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1);
	if (!qr)
		return NULL;
	int w = qr->width, quiet = 4;
	struct strbuf sb;
	sb_init(&sb);
	sb_printf(&sb,
		  "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" viewBox=\"0 0 %d %d\""
		  " shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR\">"
		  "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/><path fill=\"#000\" d=\"",
		  w + 2 * quiet, w + 2 * quiet, w + 2 * quiet, w + 2 * quiet);
	/* One horizontal run of dark modules per path segment. */
	for (int y = 0; y < w; y++) {
		for (int x = 0; x < w;) {
			if (!(qr->data[y * w + x] & 1)) {
				x++;
				continue;
			}
			int run = 0;
			while (x + run < w && (qr->data[y * w + x + run] & 1))
				run++;
			sb_printf(&sb, "M%d %dh%dv1h-%dz", x + quiet, y + quiet, run, run);
			x += run;
		}
	}
	sb_puts(&sb, "\"/></svg>");
	QRcode_free(qr);
	return sb_steal(&sb);
}

/* ---- issuing ---------------------------------------------------------------- */

struct card {
	struct db_person person;
	char code[CARDS_CODE_PRINTED + 1];
};

struct card_list {
	struct card *items;
	size_t n, cap;
};

static void card_append(const struct db_person *person, void *ctx)
{
	struct card_list *l = ctx;
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->items = xrealloc(l->items, l->cap * sizeof *l->items);
	}
	memset(&l->items[l->n], 0, sizeof l->items[l->n]);
	l->items[l->n++].person = *person;
}

/* Makes and stores a new code for each card, with the audit entry, in the
 * open transaction. */
static enum outcome store_codes(struct db *db, const struct cards_keyring *keys,
				const struct people_actor *actor, const char *unit_code,
				const char *audience, struct card_list *cards, struct problem *p)
{
	unsigned char key[32];
	if (load_key(keys, key, p))
		return OUTCOME_INTERNAL;
	int64_t now = clock_now_ms();
	enum outcome o = OUTCOME_OK;
	json_t *usernames = json_array();
	for (size_t i = 0; i < cards->n && o == OUTCOME_OK; i++) {
		struct card *c = &cards->items[i];
		char canonical[CARDS_CODE_CHARS + 1];
		unsigned char hash[32];
		cards_code_new(c->code);
		cards_code_canonical(c->code, canonical);
		crypto_generichash(hash, 32, (const unsigned char *)canonical, CARDS_CODE_CHARS,
				   key, sizeof key);
		if (db_card_set(db, c->person.id, hash, now))
			o = problem_set(p, OUTCOME_INTERNAL, "cards: %s", db_errmsg(db));
		json_array_append_new(usernames, json_string(c->person.username));
	}
	sodium_memzero(key, sizeof key);
	char target[DB_CODE_MAX + 8];
	snprintf(target, sizeof target, "unit:%s", unit_code);
	json_t *detail =
		json_pack("{s:o,s:o}", "audience", audience ? json_string(audience) : json_null(),
			  "usernames", usernames);
	struct audit_actor who = { actor->user_id, actor->username };
	if (o == OUTCOME_OK)
		o = audit_record(db, &who, "cards.issue", target, detail, p);
	json_decref(detail);
	return o;
}

static void render_card(struct strbuf *sb, const struct card *c, const char *base_url)
{
	char url[1024];
	snprintf(url, sizeof url, "%s/index.html#card=%s", base_url, c->code);
	char *svg = cards_qr_svg(url);
	sb_puts(sb, "<article class=\"card\"><div class=\"card-text\"><p class=\"name\">");
	html_append(sb, c->person.full_name);
	sb_puts(sb, "</p><p class=\"unit\">");
	html_append(sb, c->person.unit_name);
	sb_puts(sb, "</p><p><span class=\"label\">Tên đăng nhập:</span> <span class=\"user\">");
	html_append(sb, c->person.username);
	sb_puts(sb, "</span></p><p><span class=\"label\">Mã đăng nhập:</span></p>"
		    "<p class=\"code\">");
	html_append(sb, c->code);
	sb_puts(sb, "</p></div>");
	if (svg)
		sb_puts(sb, svg);
	sb_puts(sb, "</article>\n");
	free(svg);
}

static char *render_sheet(const struct db_unit *unit, const struct card_list *cards,
			  const char *base_url)
{
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
		     "<title>Thẻ đăng nhập – ");
	html_append(&sb, unit->name);
	sb_puts(&sb, "</title><link rel=\"stylesheet\" href=\"/css/cards.css\"></head><body>"
		     "<main class=\"sheet\">\n");
	for (size_t i = 0; i < cards->n; i++)
		render_card(&sb, &cards->items[i], base_url);
	sb_puts(&sb, "</main></body></html>\n");
	return sb_steal(&sb);
}

/* The enabled participants of the subtree, into cards. */
static enum outcome gather(struct db *db, const struct db_unit *unit, const char *audience,
			   struct card_list *cards, struct problem *p)
{
	struct db_people_filter f = {
		.scope_path = unit->path,
		.audience = audience,
		.role = "participant",
		.disabled = 0,
	};
	int64_t total = 0;
	if (db_people_page(db, &f, CARDS_SHEET_MAX, 0, card_append, cards, &total))
		return problem_set(p, OUTCOME_INTERNAL, "cards: %s", db_errmsg(db));
	if (total > CARDS_SHEET_MAX)
		return problem_set(p, OUTCOME_INVALID,
				   "Unit %s has %lld participants; a sheet holds at most %d:"
				   " print the cards of a smaller unit.",
				   unit->code, (long long)total, CARDS_SHEET_MAX);
	return OUTCOME_OK;
}

int cards_site_url(const struct cards_site *site, char *buf, size_t size)
{
	if (site->public_url && site->public_url[0]) {
		size_t n = strlen(site->public_url);
		while (n && site->public_url[n - 1] == '/')
			n--;
		return snprintf(buf, size, "%.*s", (int)n, site->public_url) < (int)size ? 0 : -1;
	}
	const char *h = site->host;
	if (!h || !h[0] || strlen(h) > 255)
		return -1;
	for (const char *c = h; *c; c++)
		if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') ||
		      (*c >= '0' && *c <= '9') || strchr(".-:[]", *c)))
			return -1;
	snprintf(buf, size, "%s://%s", site->secure ? "https" : "http", h);
	return 0;
}

enum outcome cards_issue(struct db *db, const struct cards_keyring *keys,
			 const struct cards_site *site, const struct people_actor *actor,
			 const char *unit_code, const char *audience, char **html,
			 struct problem *p)
{
	struct db_unit unit;
	struct card_list cards = { 0 };
	char base_url[512];
	if (cards_site_url(site, base_url, sizeof base_url))
		return problem_set(p, OUTCOME_INVALID,
				   "The site's address is unknown: no Host header (set "
				   "--public-url).");
	if (audience && !audience[0])
		audience = NULL;
	if (audience && !org_valid_audience(audience))
		return problem_set(p, OUTCOME_INVALID, "Query 'audience': unknown code %s.",
				   audience);
	if (db_begin_write(db))
		return problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
	enum outcome o;
	int rc = db_unit_by_code(db, unit_code, &unit);
	if (rc < 0)
		o = problem_set(p, OUTCOME_INTERNAL, "units: %s", db_errmsg(db));
	else if (!rc)
		o = problem_set(p, OUTCOME_NOT_FOUND, "No unit with code %s.", unit_code);
	else if (actor->scope_path &&
		 (!actor->scope_path[0] || !db_unit_path_within(unit.path, actor->scope_path)))
		o = problem_set(p, OUTCOME_FORBIDDEN, "Unit %s is outside your part of the tree.",
				unit_code);
	else
		o = gather(db, &unit, audience, &cards, p);
	if (o == OUTCOME_OK)
		o = store_codes(db, keys, actor, unit.code, audience, &cards, p);
	if (o == OUTCOME_OK && db_commit(db))
		o = problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
	if (o != OUTCOME_OK)
		db_rollback(db);
	else
		*html = render_sheet(&unit, &cards, base_url);
	if (cards.items)
		sodium_memzero(cards.items, cards.cap * sizeof *cards.items);
	free(cards.items);
	return o;
}
