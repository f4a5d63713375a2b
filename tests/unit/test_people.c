/* test_people.c - people search (the folded key and its FTS5 query), the
 * units tree and the audit log, without HTTP, on a database built by the
 * real migrations. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "audit.h"
#include "cards.h"
#include "db_account.h"
#include "db_fixture.h"
#include "people.h"
#include "privacy.h"
#include "rng.h"
#include "testdb.h"

static void search_query_folds_case_diacritics_and_d_stroke(void **state)
{
	(void)state;
	char buf[256];
	assert_int_equal(people_search_query("Nguyễn Văn An", buf, sizeof buf), 1);
	assert_string_equal(buf, "\"nguyen\" \"van\" \"an\"*");
	assert_int_equal(people_search_query("ĐẶNG thị DŨNG ", buf, sizeof buf), 1);
	assert_string_equal(buf, "\"dang\" \"thi\" \"dung\"");
	/* FTS5 syntax in a search is only punctuation between words. */
	assert_int_equal(people_search_query("hs.an\" OR *", buf, sizeof buf), 1);
	assert_string_equal(buf, "\"hs\" \"an\" \"or\"");
	assert_int_equal(people_search_query("  -- ", buf, sizeof buf), 0);
	assert_int_equal(people_search_query("\xff\xfe", buf, sizeof buf), -1);
	assert_int_equal(people_search_query("nguyen van an", buf, 8), -1);
}

/* The ids of one page of a search (limit, offset) appended to ids; its
 * total. */
static int64_t search_page(struct db *db, const struct people_actor *actor,
			   const struct people_query *query, int64_t *ids, size_t *n)
{
	struct problem p;
	json_t *out = NULL;
	enum outcome o = people_list_json(db, actor, query, &out, &p);
	if (o != OUTCOME_OK)
		fail_msg("%s", p.message);
	json_t *users = json_object_get(out, "users"), *u;
	size_t i;
	json_array_foreach(users, i, u)
	{
		ids[(*n)++] = json_integer_value(json_object_get(u, "id"));
	}
	int64_t total = json_integer_value(json_object_get(out, "total"));
	json_decref(out);
	return total;
}

static int64_t count_of(struct db *db, const struct people_actor *actor, const char *q)
{
	struct people_query query = { .q = q, .limit = 50 };
	int64_t ids[50];
	size_t n = 0;
	return search_page(db, actor, &query, ids, &n);
}

static void search_finds_people_typed_without_diacritics(void **state)
{
	(void)state;
	struct testdb t;
	struct db *db = testdb_open(&t, "test_people");
	assert_non_null(db);
	int64_t id = db_fixture_person(db, "hs.an", "Nguyễn Văn An", "participant", 0, "pupil");
	assert_true(id > 0);
	int64_t dung = db_fixture_person(db, "hs.dung", "Đặng Thị Dũng", "participant", 0, "pupil");
	assert_true(dung > 0);
	assert_true(db_fixture_person(db, "gv.binh", "Trần Bình", "participant", 0, "pupil") > 0);
	struct people_actor admin = { 0 };
	assert_int_equal(count_of(db, &admin, "nguyen van an"), 1);
	assert_int_equal(count_of(db, &admin, "NGUYỄN"), 1);
	assert_int_equal(count_of(db, &admin, "dang dung"), 1);
	assert_int_equal(count_of(db, &admin, "đặng"), 1);
	assert_int_equal(count_of(db, &admin, "hs"), 2);
	assert_int_equal(count_of(db, &admin, "binh tran"), 1);
	assert_int_equal(count_of(db, &admin, "an "), 1);
	assert_int_equal(count_of(db, &admin, "nguyen dung"), 0);
	/* An erased person is found by nothing, not even by "erased". */
	struct problem ep;
	assert_int_equal(privacy_erase(db, dung, id, &ep), OUTCOME_OK);
	assert_int_equal(count_of(db, &admin, "dang"), 0);
	assert_int_equal(count_of(db, &admin, "erased"), 0);
	struct people_query pupils = { .q = "hs", .audience = "pupil", .limit = 50 };
	json_t *list = NULL;
	assert_int_equal(people_list_json(db, &admin, &pupils, &list, &ep), OUTCOME_OK);
	assert_int_equal(json_integer_value(json_object_get(list, "total")), 1);
	json_decref(list);
	/* A unit_admin without a unit sees nobody. */
	struct people_actor lost = { .user_id = 9, .scope_path = "" };
	struct people_query query = { .q = "an", .limit = 50 };
	struct problem p;
	json_t *out = NULL;
	assert_int_equal(people_list_json(db, &lost, &query, &out, &p), OUTCOME_FORBIDDEN);
	testdb_remove(&t, db);
}

static void search_pages_walk_every_match_once_in_id_order(void **state)
{
	(void)state;
	struct testdb t;
	struct db *db = testdb_open(&t, "test_people_pages");
	assert_non_null(db);
	/* Seven Nguyễn (two of them civil servants) among others: names, not ids,
	 * decide who matches. */
	int64_t nguyen[7], servants[2];
	size_t nn = 0, nt = 0;
	for (int i = 0; i < 12; i++) {
		char username[32], name[64];
		snprintf(username, sizeof username, "p%02d", i);
		snprintf(name, sizeof name, "%s Văn Hùng", i % 2 ? "Trần" : "Nguyễn");
		if (i == 11)
			snprintf(name, sizeof name, "Nguyễn Thị Hà");
		const char *audience = i % 3 ? "pupil" : "civil_servant";
		int64_t id = db_fixture_person(db, username, name, "participant", 0, audience);
		assert_true(id > 0);
		if (i % 2 == 0 || i == 11) {
			nguyen[nn++] = id;
			if (!(i % 3))
				servants[nt++] = id;
		}
	}
	assert_int_equal(nn, 7);
	assert_int_equal(nt, 2);
	struct people_actor admin = { 0 };
	/* Pages of three, then past the end: every match once, by id. */
	int64_t got[16];
	size_t n = 0;
	for (int64_t offset = 0; offset < 9; offset += 3) {
		struct people_query q = { .q = "nguyen", .limit = 3, .offset = offset };
		assert_int_equal(search_page(db, &admin, &q, got, &n), 7);
	}
	assert_int_equal(n, 7);
	assert_memory_equal(got, nguyen, sizeof nguyen);
	/* The same with a filter: the total counts only who passes it. */
	n = 0;
	for (int64_t offset = 0; offset < 3; offset++) {
		struct people_query q = {
			.q = "nguy", .audience = "civil_servant", .limit = 1, .offset = offset
		};
		assert_int_equal(search_page(db, &admin, &q, got, &n), 2);
	}
	assert_int_equal(n, 2);
	assert_memory_equal(got, servants, sizeof servants);
	/* One letter, read from the prefix index: "h" is Hùng and Hà. */
	n = 0;
	struct people_query h = { .q = "nguyen h", .limit = 50 };
	assert_int_equal(search_page(db, &admin, &h, got, &n), 7);
	struct people_query ha = { .q = "nguyen thi h", .limit = 50 };
	n = 0;
	assert_int_equal(search_page(db, &admin, &ha, got, &n), 1);
	assert_int_equal(got[0], nguyen[6]);
	testdb_remove(&t, db);
}

static void audit_entries_come_back_newest_first(void **state)
{
	(void)state;
	struct testdb t;
	struct db *db = testdb_open(&t, "test_people_audit");
	assert_non_null(db);
	struct audit_actor who = { 0, "quizadm" };
	struct problem p;
	json_t *detail = json_pack("{s:{s:i},s:{s:i}}", "before", "n", 1, "after", "n", 2);
	assert_int_equal(audit_record(db, &who, "first", "unit:A", NULL, &p), OUTCOME_OK);
	assert_int_equal(audit_record(db, &who, "second", "unit:B", detail, &p), OUTCOME_OK);
	json_decref(detail);
	json_t *out = NULL;
	assert_int_equal(audit_page_json(db, 1, 0, &out, &p), OUTCOME_OK);
	assert_int_equal(json_integer_value(json_object_get(out, "total")), 2);
	json_t *e = json_array_get(json_object_get(out, "entries"), 0);
	assert_string_equal(json_string_value(json_object_get(e, "action")), "second");
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(json_object_get(e, "detail"), "after"), "n")),
			 2);
	json_decref(out);
	assert_int_equal(audit_page_json(db, 0, 0, &out, &p), OUTCOME_INVALID);
	assert_int_equal(audit_page_json(db, 10, -1, &out, &p), OUTCOME_INVALID);
	testdb_remove(&t, db);
}

static void all_ones(void *ctx, void *buf, size_t n)
{
	(void)ctx;
	memset(buf, 0xff, n);
}

static void all_zeros(void *ctx, void *buf, size_t n)
{
	(void)ctx;
	memset(buf, 0, n);
}

static void card_codes_are_80_bits_in_four_groups_without_look_alikes(void **state)
{
	(void)state;
	char code[CARDS_CODE_PRINTED + 1], canonical[CARDS_CODE_CHARS + 1];
	rng_set_source(all_zeros, NULL);
	cards_code_new(code);
	assert_string_equal(code, "2222-2222-2222-2222");
	rng_set_source(all_ones, NULL);
	cards_code_new(code);
	assert_string_equal(code, "ZZZZ-ZZZZ-ZZZZ-ZZZZ");
	rng_set_source(NULL, NULL);
	cards_code_new(code);
	assert_int_equal(strlen(code), CARDS_CODE_PRINTED);
	for (int i = 0; i < CARDS_CODE_PRINTED; i++)
		assert_true(i % 5 == 4 ? code[i] == '-' : !strchr("0O1I", code[i]));
	/* Typed in any case, with or without dashes and spaces. */
	assert_int_equal(cards_code_canonical("k7qf-m2xr 9twd-4hbn", canonical), 0);
	assert_string_equal(canonical, "K7QFM2XR9TWD4HBN");
	assert_int_equal(cards_code_canonical("K7QF-M2XR-9TWD-4HB", canonical), -1);
	assert_int_equal(cards_code_canonical("K7QF-M2XR-9TWD-4HBNN", canonical), -1);
	assert_int_equal(cards_code_canonical("K7QF-M2XR-9TWD-4HB0", canonical), -1);
	assert_int_equal(cards_code_canonical("K7QF-M2XR-9TWD-4HBI", canonical), -1);
}

static void card_hash_is_keyed_by_a_file_beside_the_certificate_key(void **state)
{
	(void)state;
	char a[] = "/tmp/test_cards_a_XXXXXX", b[] = "/tmp/test_cards_b_XXXXXX";
	assert_non_null(mkdtemp(a));
	assert_non_null(mkdtemp(b));
	struct cards_keyring ka = { a, NULL }, kb = { b, NULL };
	unsigned char h1[32], h2[32], h3[32];
	struct problem p;
	assert_int_equal(cards_code_hash(&ka, "K7QFM2XR9TWD4HBN", h1, &p), OUTCOME_OK);
	assert_int_equal(cards_code_hash(&ka, "K7QFM2XR9TWD4HBN", h2, &p), OUTCOME_OK);
	assert_memory_equal(h1, h2, 32);
	assert_int_equal(cards_code_hash(&kb, "K7QFM2XR9TWD4HBN", h3, &p), OUTCOME_OK);
	assert_memory_not_equal(h1, h3, 32);
	char path[128];
	struct stat st;
	snprintf(path, sizeof path, "%s/%s", a, CARDS_KEY_FILE);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 32);
	assert_int_equal(st.st_mode & 0777, 0600);
	unlink(path);
	rmdir(a);
	snprintf(path, sizeof path, "%s/%s", b, CARDS_KEY_FILE);
	unlink(path);
	rmdir(b);
	/* An unreadable place is an error, not a hash. */
	struct cards_keyring none = { "/nonexistent/dir", NULL };
	assert_int_equal(cards_code_hash(&none, "K7QFM2XR9TWD4HBN", h1, &p), OUTCOME_INTERNAL);
}

static void qr_image_is_an_inline_svg(void **state)
{
	(void)state;
	char *svg = cards_qr_svg("https://quiz.example.vn/index.html#card=K7QF-M2XR-9TWD-4HBN");
	assert_non_null(svg);
	assert_true(strncmp(svg, "<svg ", 5) == 0);
	assert_non_null(strstr(svg, "<path fill=\"#000\" d=\"M4 4h7v1h-7z"));
	assert_non_null(strstr(svg, "</svg>"));
	free(svg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(search_query_folds_case_diacritics_and_d_stroke),
		cmocka_unit_test(search_finds_people_typed_without_diacritics),
		cmocka_unit_test(search_pages_walk_every_match_once_in_id_order),
		cmocka_unit_test(audit_entries_come_back_newest_first),
		cmocka_unit_test(card_codes_are_80_bits_in_four_groups_without_look_alikes),
		cmocka_unit_test(card_hash_is_keyed_by_a_file_beside_the_certificate_key),
		cmocka_unit_test(qr_image_is_an_inline_svg),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
