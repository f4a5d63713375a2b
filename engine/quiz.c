/* quiz.c - quiz definitions, draws, the attempt clock, answers, scoring,
 * finalising and the participant's views. */
#include "quiz.h"

#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "bank.h"
#include "clock.h"
#include "db.h"
#include "org.h"
#include "rng.h"
#include "util.h"

#define EPS 1e-9

static void set_msg(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_msg(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* ---- definitions -------------------------------------------------------- */

static const char *const DEF_FIELDS[] = {
	"code",
	"title",
	"kind",
	"mandatory",
	"audiences",
	"unit_scope",
	"draw",
	"time_limit_s",
	"max_attempts",
	"pass_percent",
	"opens_at",
	"closes_at",
	"shuffle_questions",
	"shuffle_options",
	"review",
	"prediction_question",
	"rounds",
	"freeze_at",
	NULL,
};

static bool known_field(const char *key, const char *const *known)
{
	for (size_t i = 0; known[i]; i++)
		if (!strcmp(key, known[i]))
			return true;
	return false;
}

/* Reads an RFC 3339 member; false with a message when absent or bad. */
static bool def_time(json_t *def, const char *name, int64_t *out, char *err, size_t errlen)
{
	json_t *v = json_object_get(def, name);
	if (!json_is_string(v) || clock_parse(json_string_value(v), out)) {
		set_msg(err, errlen, "Field '%s' must be an RFC 3339 timestamp.", name);
		return false;
	}
	return true;
}

static bool def_bool(json_t *def, const char *name, bool dflt, bool *out, char *err, size_t errlen)
{
	json_t *v = json_object_get(def, name);
	if (!v || json_is_null(v)) {
		*out = dflt;
		return true;
	}
	if (!json_is_boolean(v)) {
		set_msg(err, errlen, "Field '%s' must be true or false.", name);
		return false;
	}
	*out = json_is_true(v);
	return true;
}

static bool def_int(json_t *def, const char *name, int64_t min, int64_t max, int64_t *out,
		    char *err, size_t errlen)
{
	json_t *v = json_object_get(def, name);
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
		set_msg(err, errlen, "Field '%s' must be an integer from %lld to %lld.", name,
			(long long)min, (long long)max);
		return false;
	}
	*out = json_integer_value(v);
	return true;
}

/* Fills q from def; false with a message naming the field. */
static bool parse_definition(struct db *db, json_t *def, struct db_quiz *q, bool *storage_error,
			     char *err, size_t errlen)
{
	const char *key;
	json_t *v;
	*storage_error = false;
	if (!json_is_object(def)) {
		set_msg(err, errlen, "A quiz definition must be a JSON object.");
		return false;
	}
	json_object_foreach(def, key, v)
	{
		if (!known_field(key, DEF_FIELDS)) {
			set_msg(err, errlen, "Unknown field '%.64s'.", key);
			return false;
		}
	}
	v = json_object_get(def, "code");
	if (!json_is_string(v) || !util_valid_code(json_string_value(v))) {
		set_msg(err, errlen, "Field 'code' must match [A-Za-z0-9_.-]{1,64}.");
		return false;
	}
	util_strlcpy(q->code, json_string_value(v), sizeof q->code);
	v = json_object_get(def, "title");
	if (!json_is_string(v) || !json_string_length(v) || json_string_length(v) > 256 ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		set_msg(err, errlen,
			"Field 'title' must be a non-empty string of at most 256 bytes.");
		return false;
	}
	q->title = xstrdup(json_string_value(v));
	v = json_object_get(def, "kind");
	if (!json_is_string(v) ||
	    (strcmp(json_string_value(v), "quiz") && strcmp(json_string_value(v), "contest"))) {
		set_msg(err, errlen, "Field 'kind' must be \"quiz\" or \"contest\".");
		return false;
	}
	util_strlcpy(q->kind, json_string_value(v), sizeof q->kind);
	if (!def_bool(def, "mandatory", !strcmp(q->kind, "quiz"), &q->mandatory, err, errlen))
		return false;

	v = json_object_get(def, "audiences");
	if (!json_is_array(v) || !json_array_size(v) || json_array_size(v) > 16) {
		set_msg(err, errlen,
			"Field 'audiences' must be a non-empty array of audience codes.");
		return false;
	}
	q->audiences = xcalloc(json_array_size(v), sizeof *q->audiences);
	for (size_t i = 0; i < json_array_size(v); i++) {
		json_t *a = json_array_get(v, i);
		if (!json_is_string(a) || !org_valid_audience(json_string_value(a))) {
			set_msg(err, errlen,
				"Field 'audiences': element %zu is not an audience code.", i + 1);
			return false;
		}
		util_strlcpy(q->audiences[q->naudiences++], json_string_value(a),
			     sizeof q->audiences[0]);
	}

	v = json_object_get(def, "unit_scope");
	if (v && !json_is_null(v)) {
		struct db_unit u;
		if (!json_is_string(v)) {
			set_msg(err, errlen, "Field 'unit_scope' must be a unit code or null.");
			return false;
		}
		int rc = db_unit_by_code(db, json_string_value(v), &u);
		if (rc < 0) {
			*storage_error = true;
			set_msg(err, errlen, "%s", db_errmsg(db));
			return false;
		}
		if (rc == 0) {
			set_msg(err, errlen, "Field 'unit_scope': no unit with code %.64s.",
				json_string_value(v));
			return false;
		}
		q->unit_scope_id = u.id;
		util_strlcpy(q->unit_scope_code, u.code, sizeof q->unit_scope_code);
		util_strlcpy(q->unit_scope_path, u.path, sizeof q->unit_scope_path);
	}

	int64_t n;
	if (!def_int(def, "time_limit_s", 1, 7 * 86400, &q->time_limit_s, err, errlen))
		return false;
	if (!def_int(def, "max_attempts", 0, 1000, &n, err, errlen))
		return false;
	q->max_attempts = (int)n;
	v = json_object_get(def, "pass_percent");
	if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 100) {
		set_msg(err, errlen, "Field 'pass_percent' must be a number from 0 to 100.");
		return false;
	}
	q->pass_percent = json_number_value(v);
	if (!def_time(def, "opens_at", &q->opens_at, err, errlen) ||
	    !def_time(def, "closes_at", &q->closes_at, err, errlen))
		return false;
	if (q->closes_at <= q->opens_at) {
		set_msg(err, errlen, "Field 'closes_at' must be later than 'opens_at'.");
		return false;
	}
	if (!def_bool(def, "shuffle_questions", true, &q->shuffle_questions, err, errlen) ||
	    !def_bool(def, "shuffle_options", true, &q->shuffle_options, err, errlen))
		return false;
	v = json_object_get(def, "review");
	if (!json_is_string(v) || (strcmp(json_string_value(v), "after_submit") &&
				   strcmp(json_string_value(v), "after_close") &&
				   strcmp(json_string_value(v), "never"))) {
		set_msg(err, errlen,
			"Field 'review' must be \"after_submit\", \"after_close\" or \"never\".");
		return false;
	}
	util_strlcpy(q->review, json_string_value(v), sizeof q->review);
	v = json_object_get(def, "prediction_question");
	if (v && !json_is_null(v)) {
		if (!json_is_string(v) || !json_string_length(v) || json_string_length(v) > 1000) {
			set_msg(err, errlen,
				"Field 'prediction_question' must be a non-empty string or null.");
			return false;
		}
		q->prediction_question = xstrdup(json_string_value(v));
	}
	v = json_object_get(def, "freeze_at");
	if (v && !json_is_null(v)) {
		if (!def_time(def, "freeze_at", &q->freeze_at, err, errlen))
			return false;
		if (q->freeze_at < q->opens_at || q->freeze_at > q->closes_at) {
			set_msg(err, errlen,
				"Field 'freeze_at' must lie between opens_at and closes_at.");
			return false;
		}
	}

	v = json_object_get(def, "rounds");
	if (v && !json_is_null(v)) {
		if (!json_is_array(v) || !json_array_size(v) || json_array_size(v) > 50) {
			set_msg(err, errlen,
				"Field 'rounds' must be a non-empty array (at most 50).");
			return false;
		}
		q->rounds = xcalloc(json_array_size(v), sizeof *q->rounds);
		for (size_t i = 0; i < json_array_size(v); i++) {
			json_t *r = json_array_get(v, i);
			struct db_quiz_round *rd = &q->rounds[q->nrounds++];
			json_t *c = json_object_get(r, "code");
			if (!json_is_object(r) || !json_is_string(c) ||
			    !util_valid_code(json_string_value(c)) || json_object_size(r) != 3) {
				set_msg(err, errlen,
					"Field 'rounds': element %zu must be "
					"{\"code\",\"opens_at\",\"closes_at\"} "
					"with a code of [A-Za-z0-9_.-]{1,64}.",
					i + 1);
				return false;
			}
			util_strlcpy(rd->code, json_string_value(c), sizeof rd->code);
			char field[64];
			snprintf(field, sizeof field, "rounds[%zu].opens_at", i + 1);
			if (clock_parse(json_string_value(json_object_get(r, "opens_at"))
						? json_string_value(json_object_get(r, "opens_at"))
						: "",
					&rd->opens_at)) {
				set_msg(err, errlen, "Field '%s' must be an RFC 3339 timestamp.",
					field);
				return false;
			}
			snprintf(field, sizeof field, "rounds[%zu].closes_at", i + 1);
			if (clock_parse(json_string_value(json_object_get(r, "closes_at"))
						? json_string_value(json_object_get(r, "closes_at"))
						: "",
					&rd->closes_at)) {
				set_msg(err, errlen, "Field '%s' must be an RFC 3339 timestamp.",
					field);
				return false;
			}
			if (rd->closes_at <= rd->opens_at || rd->opens_at < q->opens_at ||
			    rd->closes_at > q->closes_at) {
				set_msg(err, errlen,
					"Field 'rounds': round %s must close after it opens and "
					"lie inside "
					"the quiz's opens_at..closes_at.",
					rd->code);
				return false;
			}
			for (size_t j = 0; j + 1 < q->nrounds; j++) {
				const struct db_quiz_round *o = &q->rounds[j];
				if (!strcmp(o->code, rd->code)) {
					set_msg(err, errlen, "Field 'rounds': code %s is repeated.",
						rd->code);
					return false;
				}
				if (rd->opens_at < o->closes_at && o->opens_at < rd->closes_at) {
					set_msg(err, errlen,
						"Field 'rounds': rounds %s and %s overlap.",
						o->code, rd->code);
					return false;
				}
			}
		}
	} else {
		q->rounds = xcalloc(1, sizeof *q->rounds);
		util_strlcpy(q->rounds[0].code, "main", sizeof q->rounds[0].code);
		q->rounds[0].opens_at = q->opens_at;
		q->rounds[0].closes_at = q->closes_at;
		q->nrounds = 1;
	}

	v = json_object_get(def, "draw");
	if (!json_is_array(v) || !json_array_size(v) || json_array_size(v) > 50) {
		set_msg(err, errlen,
			"Field 'draw' must be a non-empty array of draw rules (at most 50).");
		return false;
	}
	q->draws = xcalloc(json_array_size(v), sizeof *q->draws);
	int total = 0;
	for (size_t i = 0; i < json_array_size(v); i++) {
		json_t *r = json_array_get(v, i);
		struct db_quiz_draw *d = &q->draws[q->ndraws++];
		if (!json_is_object(r)) {
			set_msg(err, errlen, "Field 'draw': rule %zu must be an object.", i + 1);
			return false;
		}
		json_t *member;
		json_object_foreach(r, key, member)
		{
			if (strcmp(key, "bank") && strcmp(key, "topic") &&
			    strcmp(key, "difficulty") && strcmp(key, "count")) {
				set_msg(err, errlen,
					"Field 'draw': rule %zu has an unknown field '%.64s'.",
					i + 1, key);
				return false;
			}
		}
		json_t *b = json_object_get(r, "bank");
		if (!json_is_string(b) || !util_valid_code(json_string_value(b))) {
			set_msg(err, errlen, "Field 'draw': rule %zu needs 'bank', a bank code.",
				i + 1);
			return false;
		}
		struct db_bank bank;
		int rc = db_bank_by_code(db, json_string_value(b), &bank);
		if (rc < 0) {
			*storage_error = true;
			set_msg(err, errlen, "%s", db_errmsg(db));
			return false;
		}
		if (rc == 0) {
			set_msg(err, errlen,
				"Field 'draw': rule %zu names bank %.64s, which does not exist.",
				i + 1, json_string_value(b));
			return false;
		}
		d->bank_id = bank.id;
		util_strlcpy(d->bank_code, bank.code, sizeof d->bank_code);
		db_bank_cleanup(&bank);
		json_t *t = json_object_get(r, "topic");
		if (t && !json_is_null(t)) {
			if (!json_is_string(t) || !bank_valid_topic(json_string_value(t))) {
				set_msg(err, errlen, "Field 'draw': rule %zu has an unknown topic.",
					i + 1);
				return false;
			}
			util_strlcpy(d->topic, json_string_value(t), sizeof d->topic);
		}
		json_t *df = json_object_get(r, "difficulty");
		if (df && !json_is_null(df)) {
			if (!json_is_integer(df) || json_integer_value(df) < 1 ||
			    json_integer_value(df) > 3) {
				set_msg(err, errlen,
					"Field 'draw': rule %zu: difficulty must be 1, 2 or 3.",
					i + 1);
				return false;
			}
			d->difficulty = (int)json_integer_value(df);
		}
		json_t *c = json_object_get(r, "count");
		if (!json_is_integer(c) || json_integer_value(c) < 1 ||
		    json_integer_value(c) > QUIZ_QUESTIONS_MAX) {
			set_msg(err, errlen,
				"Field 'draw': rule %zu: count must be an integer from 1 to %d.",
				i + 1, QUIZ_QUESTIONS_MAX);
			return false;
		}
		d->count = (int)json_integer_value(c);
		total += d->count;
	}
	if (total > QUIZ_QUESTIONS_MAX) {
		set_msg(err, errlen, "Field 'draw': the rules draw %d questions; at most %d.",
			total, QUIZ_QUESTIONS_MAX);
		return false;
	}
	return true;
}

static size_t intersection_size(const int64_t *a, size_t na, const int64_t *b, size_t nb)
{
	size_t i = 0, j = 0, n = 0;
	while (i < na && j < nb) {
		if (a[i] < b[j])
			i++;
		else if (a[i] > b[j])
			j++;
		else
			n++, i++, j++;
	}
	return n;
}

/* Checks that every draw can be filled whatever earlier rules take: rule i
 * has |pool_i| minus what earlier rules may take from it. Returns 1 when
 * all can, 0 with the shortfalls in err, -1 on a storage error. */
static void fill_order(const size_t *sizes, size_t npools, size_t *order);

/* Checks that every draw can be filled whatever the rules filled before it
 * take (rules fill smallest pool first, as quiz_draw does): a rule has its
 * pool minus what earlier-filled rules may take from it. Returns 1 when all
 * can, 0 with the shortfalls in err, -1 on a storage error. */
static int check_draws(struct db *db, const struct db_quiz *q, char *err, size_t errlen)
{
	int64_t **pools = xcalloc(q->ndraws, sizeof *pools);
	size_t *sizes = xcalloc(q->ndraws, sizeof *sizes);
	size_t *order = xcalloc(q->ndraws, sizeof *order);
	int ret = 1;
	struct strbuf sb;
	sb_init(&sb);
	for (size_t i = 0; i < q->ndraws; i++) {
		const struct db_quiz_draw *d = &q->draws[i];
		if (db_question_pool(db, d->bank_id, d->topic, d->difficulty, &pools[i],
				     &sizes[i])) {
			ret = -1;
			set_msg(err, errlen, "%s", db_errmsg(db));
			goto out;
		}
	}
	fill_order(sizes, q->ndraws, order);
	for (size_t i = 0; i < q->ndraws; i++) {
		const struct db_quiz_draw *d = &q->draws[i];
		size_t rank = 0;
		while (order[rank] != i)
			rank++;
		size_t taken = 0;
		for (size_t k = 0; k < rank; k++) {
			size_t j = order[k];
			size_t inter = intersection_size(pools[i], sizes[i], pools[j], sizes[j]);
			taken += inter < (size_t)q->draws[j].count ? inter
								   : (size_t)q->draws[j].count;
		}
		size_t avail = sizes[i] > taken ? sizes[i] - taken : 0;
		if (avail >= (size_t)d->count)
			continue;
		ret = 0;
		sb_printf(&sb, "%sDraw rule %zu (bank %s", sb.len ? " " : "", i + 1, d->bank_code);
		if (d->topic[0])
			sb_printf(&sb, ", topic %s", d->topic);
		if (d->difficulty)
			sb_printf(&sb, ", difficulty %d", d->difficulty);
		sb_printf(&sb, ") needs %d questions but only %zu are available: %zu more needed",
			  d->count, avail, (size_t)d->count - avail);
		if (taken)
			sb_printf(&sb, " (%zu match, of which other rules may take %zu)", sizes[i],
				  taken);
		sb_puts(&sb, ".");
	}
	if (!ret)
		set_msg(err, errlen, "%s", sb.data);
out:
	for (size_t i = 0; i < q->ndraws; i++)
		free(pools[i]);
	free(pools);
	free(sizes);
	free(order);
	sb_cleanup(&sb);
	return ret;
}

enum quiz_status quiz_create(struct db *db, json_t *def, int64_t *quiz_id, char *err, size_t errlen)
{
	struct db_quiz q;
	memset(&q, 0, sizeof q);
	enum quiz_status st = QUIZ_INTERNAL;
	bool storage_error = false;
	if (db_begin_write(db)) {
		set_msg(err, errlen, "%s", db_errmsg(db));
		goto out;
	}
	if (!parse_definition(db, def, &q, &storage_error, err, errlen)) {
		st = storage_error ? QUIZ_INTERNAL : QUIZ_INVALID;
		goto fail;
	}
	int rc = check_draws(db, &q, err, errlen);
	if (rc <= 0) {
		st = rc < 0 ? QUIZ_INTERNAL : QUIZ_INVALID;
		goto fail;
	}
	q.definition = json_dumps(def, JSON_COMPACT);
	q.created_at = clock_now_ms();
	rc = db_quiz_insert(db, &q);
	if (rc) {
		st = rc == DB_CONFLICT ? QUIZ_CONFLICT : QUIZ_INTERNAL;
		set_msg(err, errlen, "%s", db_errmsg(db));
		goto fail;
	}
	if (db_commit(db)) {
		set_msg(err, errlen, "%s", db_errmsg(db));
		goto fail;
	}
	*quiz_id = q.id;
	st = QUIZ_OK;
	goto out;
fail:
	db_rollback(db);
out:
	db_quiz_cleanup(&q);
	return st;
}

int quiz_question_count(const struct db_quiz *q)
{
	int n = 0;
	for (size_t i = 0; i < q->ndraws; i++)
		n += q->draws[i].count;
	return n;
}

static json_t *time_json(int64_t ms)
{
	char buf[40];
	clock_format(ms, buf);
	return json_string(buf);
}

json_t *quiz_definition_json(const struct db_quiz *q)
{
	json_t *aud = json_array();
	for (size_t i = 0; i < q->naudiences; i++)
		json_array_append_new(aud, json_string(q->audiences[i]));
	json_t *draws = json_array();
	for (size_t i = 0; i < q->ndraws; i++) {
		const struct db_quiz_draw *d = &q->draws[i];
		json_array_append_new(
			draws,
			json_pack("{s:s,s:o,s:o,s:i}", "bank", d->bank_code, "topic",
				  d->topic[0] ? json_string(d->topic) : json_null(), "difficulty",
				  d->difficulty ? json_integer(d->difficulty) : json_null(),
				  "count", d->count));
	}
	json_t *rounds = json_array();
	for (size_t i = 0; i < q->nrounds; i++)
		json_array_append_new(rounds,
				      json_pack("{s:s,s:o,s:o}", "code", q->rounds[i].code,
						"opens_at", time_json(q->rounds[i].opens_at),
						"closes_at", time_json(q->rounds[i].closes_at)));
	return json_pack("{s:I,s:s,s:s,s:s,s:b,s:o,s:o,s:o,s:i,s:I,s:i,s:f,s:o,s:o,s:b,s:b,s:s,"
			 "s:o,s:o,s:o}",
			 "id", (json_int_t)q->id, "code", q->code, "title", q->title, "kind",
			 q->kind, "mandatory", q->mandatory, "audiences", aud, "unit_scope",
			 q->unit_scope_id ? json_string(q->unit_scope_code) : json_null(), "draw",
			 draws, "question_count", quiz_question_count(q), "time_limit_s",
			 (json_int_t)q->time_limit_s, "max_attempts", q->max_attempts,
			 "pass_percent", q->pass_percent, "opens_at", time_json(q->opens_at),
			 "closes_at", time_json(q->closes_at), "shuffle_questions",
			 q->shuffle_questions, "shuffle_options", q->shuffle_options, "review",
			 q->review, "prediction_question",
			 q->prediction_question ? json_string(q->prediction_question) : json_null(),
			 "freeze_at", q->freeze_at ? time_json(q->freeze_at) : json_null(),
			 "rounds", rounds);
}

/* ---- who, when ---------------------------------------------------------- */

bool quiz_visible_to(const struct db_quiz *q, const struct quiz_participant *p)
{
	bool audience = false;
	for (size_t i = 0; i < q->naudiences && p->audience; i++)
		audience = audience || !strcmp(q->audiences[i], p->audience);
	if (!audience)
		return false;
	if (!q->unit_scope_id)
		return true;
	/* A unit's path lists the ids from its root down ("/1/4/9/"), so it is
	 * inside the scope's subtree exactly when the scope's id appears in it;
	 * this stays right when units move, unlike a stored copy of a path. */
	char needle[32];
	snprintf(needle, sizeof needle, "/%lld/", (long long)q->unit_scope_id);
	return p->unit_path && strstr(p->unit_path, needle) != NULL;
}

const char *quiz_time_state(const struct db_quiz *q, int64_t now_ms)
{
	if (now_ms < q->opens_at)
		return "upcoming";
	if (now_ms >= q->closes_at)
		return "closed";
	return "open";
}

const struct db_quiz_round *quiz_round_at(const struct db_quiz *q, int64_t now_ms)
{
	if (now_ms < q->opens_at || now_ms >= q->closes_at)
		return NULL;
	for (size_t i = 0; i < q->nrounds; i++)
		if (now_ms >= q->rounds[i].opens_at && now_ms < q->rounds[i].closes_at)
			return &q->rounds[i];
	return NULL;
}

int64_t quiz_deadline(const struct db_quiz *q, int64_t started_ms)
{
	int64_t d = started_ms + q->time_limit_s * 1000;
	return d < q->closes_at ? d : q->closes_at;
}

bool quiz_review_open(const struct db_quiz *q, const struct db_attempt *a, int64_t now_ms)
{
	if (!strcmp(a->state, "in_progress"))
		return false;
	if (!strcmp(q->review, "after_submit"))
		return true;
	if (!strcmp(q->review, "after_close"))
		return now_ms >= q->closes_at;
	return false;
}

/* ---- draws -------------------------------------------------------------- */

/* The order rules are filled in: the smallest pool first (ties by rule
 * order), so a narrow rule is not starved by a broad one drawn before it.
 * order receives npools indexes. */
static void fill_order(const size_t *sizes, size_t npools, size_t *order)
{
	for (size_t i = 0; i < npools; i++)
		order[i] = i;
	for (size_t i = 1; i < npools; i++)
		for (size_t j = i; j > 0 && sizes[order[j]] < sizes[order[j - 1]]; j--) {
			size_t t = order[j];
			order[j] = order[j - 1];
			order[j - 1] = t;
		}
}

int quiz_draw(uint64_t seed, const struct quiz_pool *pools, size_t npools, bool shuffle,
	      int64_t *out)
{
	struct rng_seeded rng;
	rng_seeded_init(&rng, seed);
	size_t total = 0, maxn = 0;
	size_t *sizes = xcalloc(npools + 1, sizeof *sizes);
	size_t *order = xcalloc(npools + 1, sizeof *order);
	size_t *start = xcalloc(npools + 1, sizeof *start);
	for (size_t p = 0; p < npools; p++) {
		sizes[p] = pools[p].n;
		start[p] = total;
		total += (size_t)pools[p].count;
		maxn = pools[p].n > maxn ? pools[p].n : maxn;
	}
	fill_order(sizes, npools, order);
	int64_t *cand = xmalloc((maxn + 1) * sizeof *cand);
	int64_t *taken = xmalloc((total + 1) * sizeof *taken); /* sorted, for lookups */
	size_t ntaken = 0;
	int ret = -1;
	for (size_t k = 0; k < npools; k++) {
		const struct quiz_pool *pool = &pools[order[k]];
		size_t nc = 0;
		for (size_t i = 0; i < pool->n; i++)
			if (!bsearch(&pool->ids[i], taken, ntaken, sizeof *taken, cmp_i64))
				cand[nc++] = pool->ids[i];
		if (nc < (size_t)pool->count)
			goto out;
		/* Partial Fisher-Yates: the first count candidates. */
		for (size_t i = 0; i < (size_t)pool->count; i++) {
			size_t j = i + (size_t)rng_seeded_below(&rng, nc - i);
			int64_t t = cand[i];
			cand[i] = cand[j];
			cand[j] = t;
			out[start[order[k]] + i] = cand[i];
			size_t at = ntaken;
			while (at > 0 && taken[at - 1] > cand[i]) {
				taken[at] = taken[at - 1];
				at--;
			}
			taken[at] = cand[i];
			ntaken++;
		}
	}
	if (shuffle)
		for (size_t i = total; i > 1; i--) {
			size_t j = (size_t)rng_seeded_below(&rng, i);
			int64_t t = out[i - 1];
			out[i - 1] = out[j];
			out[j] = t;
		}
	ret = (int)total;
out:
	free(sizes);
	free(order);
	free(start);
	free(cand);
	free(taken);
	return ret;
}

size_t quiz_option_order(uint64_t seed, const struct db_question *q, bool shuffle, int64_t *out)
{
	if (!strcmp(q->type, "short"))
		return 0;
	for (size_t i = 0; i < q->noptions; i++)
		out[i] = q->options[i].id;
	if (!shuffle || !strcmp(q->type, "true_false"))
		return q->noptions;
	struct rng_seeded rng;
	/* A generator per question, so the option order does not depend on
	 * where the question landed in the draw. */
	rng_seeded_init(&rng, seed ^ ((uint64_t)q->id * 0x9E3779B97F4A7C15ULL));
	for (size_t i = q->noptions; i > 1; i--) {
		size_t j = (size_t)rng_seeded_below(&rng, i);
		int64_t t = out[i - 1];
		out[i - 1] = out[j];
		out[j] = t;
	}
	return q->noptions;
}

/* ---- scoring ------------------------------------------------------------ */

char *quiz_normalise_answer(const char *text, bool ignore_diacritics)
{
	size_t len = strlen(text), dlen = 0;
	if (u8_check((const uint8_t *)text, len))
		return NULL;
	uint8_t *nfd = u8_normalize(UNINORM_NFD, (const uint8_t *)text, len, NULL, &dlen);
	if (!nfd)
		return NULL;
	struct strbuf sb;
	sb_init(&sb);
	bool pending_space = false;
	for (size_t i = 0; i < dlen;) {
		ucs4_t uc;
		int n = u8_mbtouc(&uc, nfd + i, dlen - i);
		i += (size_t)(n > 0 ? n : 1);
		if (uc_is_property_white_space(uc)) {
			pending_space = sb.len > 0;
			continue;
		}
		if (ignore_diacritics && uc_is_general_category(uc, UC_CATEGORY_M))
			continue;
		uc = uc_tolower(uc);
		if (ignore_diacritics && uc == 0x0111) /* đ */
			uc = 'd';
		if (pending_space) {
			sb_append(&sb, " ", 1);
			pending_space = false;
		}
		uint8_t buf[6];
		int w = u8_uctomb(buf, uc, (int)sizeof buf);
		if (w > 0)
			sb_append(&sb, (const char *)buf, (size_t)w);
	}
	free(nfd);
	size_t olen = 0;
	uint8_t *nfc = u8_normalize(UNINORM_NFC, (const uint8_t *)(sb.data ? sb.data : ""), sb.len,
				    NULL, &olen);
	sb_cleanup(&sb);
	if (!nfc)
		return NULL;
	char *out = xmalloc(olen + 1);
	memcpy(out, nfc, olen);
	out[olen] = '\0';
	free(nfc);
	return out;
}

static const struct db_option *find_option(const struct db_question *q, int64_t id)
{
	for (size_t i = 0; i < q->noptions; i++)
		if (q->options[i].id == id)
			return &q->options[i];
	return NULL;
}

double quiz_score_answer(const struct db_question *q, const int64_t *choices, size_t nchoices,
			 const char *text)
{
	if (!strcmp(q->type, "short")) {
		if (!text)
			return 0;
		char *given = quiz_normalise_answer(text, q->ignore_diacritics);
		double score = 0;
		/* An accepted answer scores its weight: 1, or the partial credit
		 * a bank gave it. */
		for (size_t i = 0; given && *given && i < q->noptions; i++) {
			char *accepted =
				quiz_normalise_answer(q->options[i].text, q->ignore_diacritics);
			if (accepted && !strcmp(given, accepted) && q->options[i].weight > score)
				score = q->options[i].weight;
			free(accepted);
		}
		free(given);
		return score;
	}
	if (!strcmp(q->type, "multiple")) {
		double sum = 0;
		for (size_t i = 0; i < nchoices; i++) {
			const struct db_option *o = find_option(q, choices[i]);
			if (o)
				sum += o->weight;
		}
		if (sum < 0)
			sum = 0;
		if (sum > 1 - EPS)
			sum = 1;
		return sum;
	}
	if (nchoices != 1)
		return 0;
	const struct db_option *o = find_option(q, choices[0]);
	return o && o->weight > 1 - EPS ? 1 : 0;
}

/* ---- caches ------------------------------------------------------------ */

/* An open-addressing map from id to a heap entry; never shrinks. */
struct idmap {
	int64_t *keys;
	void **vals;
	size_t cap, n;
};

static size_t slot_of(int64_t id, size_t cap)
{
	return (size_t)(((uint64_t)id * 0x9E3779B97F4A7C15ULL) >> 20) & (cap - 1);
}

static void *idmap_find(const struct idmap *m, int64_t id)
{
	if (!m->cap)
		return NULL;
	for (size_t i = slot_of(id, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (!m->vals[i])
			return NULL;
		if (m->keys[i] == id)
			return m->vals[i];
	}
}

static void idmap_put(struct idmap *m, int64_t id, void *val)
{
	if ((m->n + 1) * 2 > m->cap) {
		size_t ncap = m->cap ? m->cap * 2 : 1024;
		int64_t *nk = xcalloc(ncap, sizeof *nk);
		void **nv = xcalloc(ncap, sizeof *nv);
		for (size_t i = 0; i < m->cap; i++) {
			if (!m->vals[i])
				continue;
			size_t j = slot_of(m->keys[i], ncap);
			while (nv[j])
				j = (j + 1) & (ncap - 1);
			nk[j] = m->keys[i];
			nv[j] = m->vals[i];
		}
		free(m->keys);
		free(m->vals);
		m->keys = nk;
		m->vals = nv;
		m->cap = ncap;
	}
	size_t j = slot_of(id, m->cap);
	while (m->vals[j])
		j = (j + 1) & (m->cap - 1);
	m->keys[j] = id;
	m->vals[j] = val;
	m->n++;
}

/* A cached question with its participant-facing JSON rendered once: the
 * head ({"id","type","stem","options":[) and each option ({"id","text"}).
 * Nothing in them reveals the answer (no flags, weights or short answers). */
struct cached_question {
	struct db_question q; /* first: quiz_qcache_get hands out &q */
	char *head;
	char **options; /* parallel to q.options; NULL for short */
};

static char *json_text(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(j);
	return s;
}

static void render_question(struct cached_question *cq)
{
	const struct db_question *q = &cq->q;
	char *head = json_text(json_pack("{s:I,s:s,s:s}", "id", (json_int_t)q->id, "type", q->type,
					 "stem", q->stem));
	/* Drop the closing brace to append "options". */
	head[strlen(head) - 1] = '\0';
	cq->head = xasprintf("%s,\"options\":[", head);
	free(head);
	if (!strcmp(q->type, "short"))
		return;
	cq->options = xcalloc(q->noptions, sizeof *cq->options);
	for (size_t i = 0; i < q->noptions; i++)
		cq->options[i] =
			json_text(json_pack("{s:I,s:s}", "id", (json_int_t)q->options[i].id, "text",
					    q->options[i].text));
}

static void cached_question_free(struct cached_question *cq)
{
	if (!cq)
		return;
	if (cq->options)
		for (size_t i = 0; i < cq->q.noptions; i++)
			free(cq->options[i]);
	free(cq->options);
	free(cq->head);
	db_question_cleanup(&cq->q);
	free(cq);
}

static const struct cached_question *cached_of(const struct db_question *q)
{
	return (const struct cached_question *)(const void *)q;
}

/* One draw pool, valid while its bank's generation is unchanged. */
struct pool_entry {
	int64_t bank_id;
	char topic[40];
	int difficulty;
	int64_t generation;
	int64_t *ids;
	size_t n;
};

struct quiz_qcache {
	pthread_rwlock_t lock;
	struct idmap questions; /* id -> struct cached_question */
	struct idmap quizzes; /* id -> struct db_quiz */
	struct idmap attempts; /* id -> struct attempt_facts */
	struct pool_entry *pools;
	size_t npools;
};

struct quiz_qcache *quiz_qcache_new(void)
{
	struct quiz_qcache *c = xcalloc(1, sizeof *c);
	pthread_rwlock_init(&c->lock, NULL);
	return c;
}

void quiz_qcache_free(struct quiz_qcache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->questions.cap; i++)
		cached_question_free(c->questions.vals[i]);
	for (size_t i = 0; i < c->quizzes.cap; i++)
		if (c->quizzes.vals[i]) {
			db_quiz_cleanup(c->quizzes.vals[i]);
			free(c->quizzes.vals[i]);
		}
	free(c->questions.keys);
	free(c->questions.vals);
	free(c->quizzes.keys);
	free(c->quizzes.vals);
	for (size_t i = 0; i < c->attempts.cap; i++)
		free(c->attempts.vals[i]);
	free(c->attempts.keys);
	free(c->attempts.vals);
	for (size_t i = 0; i < c->npools; i++)
		free(c->pools[i].ids);
	free(c->pools);
	pthread_rwlock_destroy(&c->lock);
	free(c);
}

const struct db_question *quiz_qcache_get(struct quiz_qcache *c, struct db *db, int64_t id)
{
	pthread_rwlock_rdlock(&c->lock);
	struct cached_question *q = idmap_find(&c->questions, id);
	pthread_rwlock_unlock(&c->lock);
	if (q)
		return &q->q;
	struct cached_question *nq = xcalloc(1, sizeof *nq);
	if (db_question_get(db, id, &nq->q) != 1) {
		free(nq);
		return NULL;
	}
	render_question(nq);
	pthread_rwlock_wrlock(&c->lock);
	q = idmap_find(&c->questions, id);
	if (!q) {
		idmap_put(&c->questions, id, nq);
		q = nq;
		nq = NULL;
	}
	pthread_rwlock_unlock(&c->lock);
	cached_question_free(nq);
	return &q->q;
}

const struct db_quiz *quiz_qcache_quiz(struct quiz_qcache *c, struct db *db, int64_t id, int *found)
{
	pthread_rwlock_rdlock(&c->lock);
	struct db_quiz *q = idmap_find(&c->quizzes, id);
	pthread_rwlock_unlock(&c->lock);
	*found = 1;
	if (q)
		return q;
	struct db_quiz *nq = xcalloc(1, sizeof *nq);
	int rc = db_quiz_get(db, id, nq);
	if (rc != 1) {
		free(nq);
		*found = rc;
		return NULL;
	}
	pthread_rwlock_wrlock(&c->lock);
	q = idmap_find(&c->quizzes, id);
	if (!q) {
		idmap_put(&c->quizzes, id, nq);
		q = nq;
		nq = NULL;
	}
	pthread_rwlock_unlock(&c->lock);
	if (nq) {
		db_quiz_cleanup(nq);
		free(nq);
	}
	return q;
}

/* What never changes about an attempt: whose it is, its deadline, its
 * questions. Its state does change, so it is not here: the writing
 * transaction checks it (db_answers_save). */
struct attempt_facts {
	int64_t user_id;
	int64_t deadline;
	size_t n;
	int64_t qids[]; /* sorted */
};

/* Past this many attempts the cache starts again empty (bounded memory). */
#define ATTEMPT_CACHE_MAX 200000

/* The facts of attempt_id, checking question_id against its draw: 1 with
 * *user, *deadline and *drawn set, 0 when there is no such attempt, -1 on
 * a storage error. */
static int attempt_facts(struct quiz_qcache *c, struct db *db, int64_t attempt_id,
			 int64_t question_id, int64_t *user, int64_t *deadline, bool *drawn)
{
	pthread_rwlock_rdlock(&c->lock);
	struct attempt_facts *f = idmap_find(&c->attempts, attempt_id);
	if (f) {
		*user = f->user_id;
		*deadline = f->deadline;
		*drawn = bsearch(&question_id, f->qids, f->n, sizeof *f->qids, cmp_i64) != NULL;
	}
	pthread_rwlock_unlock(&c->lock);
	if (f)
		return 1;
	struct db_attempt a;
	struct db_attempt_question *qs = NULL;
	size_t nq = 0;
	int rc = db_attempt_get(db, attempt_id, &a);
	if (rc <= 0)
		return rc;
	if (db_attempt_questions(db, attempt_id, &qs, &nq))
		return -1;
	f = xmalloc(sizeof *f + (nq + 1) * sizeof *f->qids);
	f->user_id = a.user_id;
	f->deadline = a.deadline;
	f->n = nq;
	for (size_t i = 0; i < nq; i++)
		f->qids[i] = qs[i].question_id;
	db_attempt_questions_free(qs, nq);
	qsort(f->qids, f->n, sizeof *f->qids, cmp_i64);
	*user = f->user_id;
	*deadline = f->deadline;
	*drawn = bsearch(&question_id, f->qids, f->n, sizeof *f->qids, cmp_i64) != NULL;
	pthread_rwlock_wrlock(&c->lock);
	if (idmap_find(&c->attempts, attempt_id)) {
		free(f);
	} else {
		if (c->attempts.n >= ATTEMPT_CACHE_MAX) {
			for (size_t i = 0; i < c->attempts.cap; i++)
				free(c->attempts.vals[i]);
			memset(c->attempts.vals, 0, c->attempts.cap * sizeof *c->attempts.vals);
			c->attempts.n = 0;
		}
		idmap_put(&c->attempts, attempt_id, f);
	}
	pthread_rwlock_unlock(&c->lock);
	return 1;
}

/* The current question ids matching a draw rule (new array, caller frees),
 * from the cache while the bank has not been re-imported. */
static int pool_ids(struct quiz_qcache *c, struct db *db, const struct db_quiz_draw *d,
		    int64_t **ids, size_t *n)
{
	int64_t gen = 0;
	if (db_bank_generation(db, d->bank_id, &gen))
		return -1;
	pthread_rwlock_rdlock(&c->lock);
	for (size_t i = 0; i < c->npools; i++) {
		struct pool_entry *e = &c->pools[i];
		if (e->bank_id == d->bank_id && e->difficulty == d->difficulty &&
		    !strcmp(e->topic, d->topic) && e->generation == gen) {
			*n = e->n;
			*ids = xmalloc((e->n + 1) * sizeof **ids);
			memcpy(*ids, e->ids, e->n * sizeof **ids);
			pthread_rwlock_unlock(&c->lock);
			return 0;
		}
	}
	pthread_rwlock_unlock(&c->lock);
	if (db_question_pool(db, d->bank_id, d->topic, d->difficulty, ids, n))
		return -1;
	int64_t *copy = xmalloc((*n + 1) * sizeof *copy);
	memcpy(copy, *ids, *n * sizeof *copy);
	pthread_rwlock_wrlock(&c->lock);
	struct pool_entry *slot = NULL;
	for (size_t i = 0; i < c->npools && !slot; i++)
		if (c->pools[i].bank_id == d->bank_id && c->pools[i].difficulty == d->difficulty &&
		    !strcmp(c->pools[i].topic, d->topic))
			slot = &c->pools[i];
	if (!slot) {
		c->pools = xrealloc(c->pools, (c->npools + 1) * sizeof *c->pools);
		slot = &c->pools[c->npools++];
		memset(slot, 0, sizeof *slot);
		slot->bank_id = d->bank_id;
		slot->difficulty = d->difficulty;
		util_strlcpy(slot->topic, d->topic, sizeof slot->topic);
	}
	if (gen >= slot->generation) {
		free(slot->ids);
		slot->ids = copy;
		slot->n = *n;
		slot->generation = gen;
		copy = NULL;
	}
	pthread_rwlock_unlock(&c->lock);
	free(copy);
	return 0;
}

/* ---- writes: preparing -------------------------------------------------- */

void quiz_write_cleanup(struct quiz_write *w)
{
	if (!w)
		return;
	db_attempt_questions_free(w->questions, w->nquestions);
	free(w->choices);
	free(w->text);
	w->questions = NULL;
	w->nquestions = 0;
	w->choices = w->text = NULL;
}

/* "[12,7,9]": the id list as stored (a JSON array of integers). Written
 * by hand: printf-family formatting was a quarter of an attempt start. */
static char *ids_json_text(const int64_t *ids, size_t n)
{
	char *out = xmalloc(n * 21 + 3);
	char *p = out;
	*p++ = '[';
	for (size_t i = 0; i < n; i++) {
		if (i)
			*p++ = ',';
		uint64_t v = ids[i] < 0 ? (uint64_t)0 - (uint64_t)ids[i] : (uint64_t)ids[i];
		if (ids[i] < 0)
			*p++ = '-';
		char digits[20];
		int k = 0;
		do
			digits[k++] = (char)('0' + v % 10);
		while ((v /= 10) && k < 20);
		while (k)
			*p++ = digits[--k];
	}
	*p++ = ']';
	*p = '\0';
	return out;
}

/* Reads the id list this module stores ("[12,7,9]", written by
 * ids_json_text or a JSON array of integers); new array or NULL when
 * empty. */
static int64_t *ids_from_text(const char *text, size_t *n)
{
	*n = 0;
	if (!text)
		return NULL;
	size_t cap = 1;
	for (const char *p = text; *p; p++)
		cap += *p == ',';
	int64_t *ids = xmalloc(cap * sizeof *ids);
	const char *p = text;
	while (*p && *n < cap) {
		while (*p && (*p < '0' || *p > '9') && *p != '-')
			p++;
		if (!*p)
			break;
		char *end;
		ids[(*n)++] = strtoll(p, &end, 10);
		p = end;
	}
	if (!*n) {
		free(ids);
		return NULL;
	}
	return ids;
}

enum quiz_status quiz_start_prepare(struct db *db, struct quiz_qcache *qc, const struct db_quiz *q,
				    const struct quiz_participant *p, int64_t now_ms,
				    int64_t grace_ms, struct quiz_write *w)
{
	memset(w, 0, sizeof *w);
	w->kind = QUIZ_WRITE_START;
	w->now_ms = now_ms;
	w->grace_ms = grace_ms;
	if (!quiz_visible_to(q, p))
		return w->status = QUIZ_FORBIDDEN;
	const struct db_quiz_round *round = quiz_round_at(q, now_ms);
	if (!round) {
		set_msg(w->message, sizeof w->message, "The quiz is %s.",
			now_ms < q->opens_at     ? "not open yet"
			: now_ms >= q->closes_at ? "closed"
						 : "between rounds");
		return w->status = QUIZ_NOT_OPEN;
	}
	struct db_attempt *a = &w->attempt;
	a->quiz_id = q->id;
	a->user_id = p->user_id;
	a->unit_id = p->unit_id;
	util_strlcpy(a->audience, p->audience ? p->audience : "", sizeof a->audience);
	util_strlcpy(a->round_code, round->code, sizeof a->round_code);
	/* The seed is stored as a signed 64-bit integer: keep it positive. */
	a->seed = rng_u64() & (uint64_t)INT64_MAX;
	a->started_at = now_ms;
	a->deadline = quiz_deadline(q, now_ms);
	w->max_attempts = q->max_attempts;
	w->pass_percent = q->pass_percent;

	struct quiz_pool *pools = xcalloc(q->ndraws, sizeof *pools);
	int64_t **ids = xcalloc(q->ndraws, sizeof *ids);
	int total = quiz_question_count(q);
	int64_t *drawn = xcalloc((size_t)total + 1, sizeof *drawn);
	for (size_t i = 0; i < q->ndraws; i++) {
		const struct db_quiz_draw *d = &q->draws[i];
		if (pool_ids(qc, db, d, &ids[i], &pools[i].n)) {
			set_msg(w->message, sizeof w->message, "%s", db_errmsg(db));
			w->status = QUIZ_INTERNAL;
			goto out;
		}
		pools[i].ids = ids[i];
		pools[i].count = d->count;
	}
	int n = quiz_draw(a->seed, pools, q->ndraws, q->shuffle_questions, drawn);
	if (n < 0) {
		set_msg(w->message, sizeof w->message,
			"The question banks no longer hold enough questions for this quiz.");
		w->status = QUIZ_INTERNAL;
		goto out;
	}
	w->questions = xcalloc((size_t)n + 1, sizeof *w->questions);
	for (int i = 0; i < n; i++) {
		const struct db_question *qq = quiz_qcache_get(qc, db, drawn[i]);
		if (!qq) {
			set_msg(w->message, sizeof w->message, "loading question %lld: %s",
				(long long)drawn[i], db_errmsg(db));
			w->status = QUIZ_INTERNAL;
			goto out;
		}
		if (qq->noptions > QUIZ_OPTIONS_MAX) {
			set_msg(w->message, sizeof w->message,
				"Question %lld has %zu options; an attempt shows at most %d.",
				(long long)drawn[i], qq->noptions, QUIZ_OPTIONS_MAX);
			w->status = QUIZ_INTERNAL;
			goto out;
		}
		int64_t order[QUIZ_OPTIONS_MAX];
		size_t no = quiz_option_order(a->seed, qq, q->shuffle_options, order);
		w->questions[i].question_id = drawn[i];
		w->questions[i].option_order = ids_json_text(order, no);
		w->nquestions++;
	}
	w->status = QUIZ_OK;
out:
	for (size_t i = 0; i < q->ndraws; i++)
		free(ids[i]);
	free(ids);
	free(pools);
	free(drawn);
	return w->status;
}

enum quiz_status quiz_answer_prepare(struct db *db, struct quiz_qcache *qc, int64_t user_id,
				     int64_t attempt_id, int64_t question_id, json_t *body,
				     int64_t now_ms, int64_t grace_ms, struct quiz_write *w)
{
	memset(w, 0, sizeof *w);
	w->kind = QUIZ_WRITE_ANSWER;
	w->now_ms = now_ms;
	w->grace_ms = grace_ms;
	w->attempt_id = attempt_id;
	w->question_id = question_id;
	bool drawn = false;
	int64_t owner = 0, deadline = 0;
	/* Only what never changes is checked here (from the cache); whether the
	 * attempt is still in progress is checked where it counts, inside the
	 * writing transaction. */
	int rc = attempt_facts(qc, db, attempt_id, question_id, &owner, &deadline, &drawn);
	if (rc < 0)
		goto internal;
	if (rc == 0 || owner != user_id)
		return w->status = QUIZ_NOT_FOUND;
	if (now_ms > deadline + grace_ms)
		return w->status = QUIZ_TIME_OVER;
	w->attempt.deadline = deadline;
	if (!drawn) {
		set_msg(w->message, sizeof w->message, "Question %lld is not in this attempt.",
			(long long)question_id);
		return w->status = QUIZ_INVALID;
	}
	const struct db_question *q = quiz_qcache_get(qc, db, question_id);
	if (!q)
		goto internal;
	if (!json_is_object(body)) {
		set_msg(w->message, sizeof w->message, "The body must be a JSON object.");
		return w->status = QUIZ_INVALID;
	}
	json_t *choices = json_object_get(body, "choices");
	json_t *text = json_object_get(body, "text");
	if (json_object_size(body) != 1 || (!choices && !text)) {
		set_msg(w->message, sizeof w->message,
			"The body must be {\"choices\":[option_id,...]} or {\"text\":\"...\"}.");
		return w->status = QUIZ_INVALID;
	}
	if (!strcmp(q->type, "short")) {
		if (!json_is_string(text) || json_string_length(text) > QUIZ_ANSWER_TEXT_MAX ||
		    strlen(json_string_value(text)) != json_string_length(text)) {
			set_msg(w->message, sizeof w->message,
				"Field 'text' must be a string of at most %d bytes (this question "
				"takes "
				"a typed answer).",
				QUIZ_ANSWER_TEXT_MAX);
			return w->status = QUIZ_INVALID;
		}
		w->text = xstrdup(json_string_value(text));
		return w->status = QUIZ_OK;
	}
	if (!json_is_array(choices)) {
		set_msg(w->message, sizeof w->message,
			"Field 'choices' must be an array of option ids (this question takes "
			"choices).");
		return w->status = QUIZ_INVALID;
	}
	size_t n = json_array_size(choices);
	size_t max = !strcmp(q->type, "multiple") ? q->noptions : 1;
	if (n > max) {
		set_msg(w->message, sizeof w->message,
			"Field 'choices': a %s question takes at most %zu choice%s.", q->type, max,
			max == 1 ? "" : "s");
		return w->status = QUIZ_INVALID;
	}
	/* The bound that keeps ids safe is checked here, next to it, whatever
	 * the stored question holds. */
	int64_t ids[QUIZ_OPTIONS_MAX];
	if (n > QUIZ_OPTIONS_MAX) {
		set_msg(w->message, sizeof w->message,
			"Field 'choices': at most %d choices are accepted.", QUIZ_OPTIONS_MAX);
		return w->status = QUIZ_INVALID;
	}
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_array_get(choices, i);
		if (!json_is_integer(c) || !find_option(q, json_integer_value(c))) {
			set_msg(w->message, sizeof w->message,
				"Field 'choices': element %zu is not an option of question %lld.",
				i + 1, (long long)question_id);
			return w->status = QUIZ_INVALID;
		}
		ids[i] = json_integer_value(c);
		for (size_t j = 0; j < i; j++)
			if (ids[j] == ids[i]) {
				set_msg(w->message, sizeof w->message,
					"Field 'choices': option %lld is repeated.",
					(long long)ids[i]);
				return w->status = QUIZ_INVALID;
			}
	}
	qsort(ids, n, sizeof *ids, cmp_i64);
	w->choices = ids_json_text(ids, n);
	return w->status = QUIZ_OK;
internal:
	set_msg(w->message, sizeof w->message, "%s", db_errmsg(db));
	return w->status = QUIZ_INTERNAL;
}

void quiz_finish_prepare(int64_t attempt_id, bool submit, bool has_prediction, int64_t prediction,
			 int64_t now_ms, int64_t grace_ms, struct quiz_write *w)
{
	memset(w, 0, sizeof *w);
	w->kind = QUIZ_WRITE_FINISH;
	w->attempt_id = attempt_id;
	w->submit = submit;
	w->has_prediction = has_prediction;
	w->prediction = prediction;
	w->now_ms = now_ms;
	w->grace_ms = grace_ms;
}

void quiz_sweep_prepare(int64_t now_ms, int64_t grace_ms, size_t limit, struct quiz_write *w)
{
	memset(w, 0, sizeof *w);
	w->kind = QUIZ_WRITE_SWEEP;
	w->now_ms = now_ms;
	w->grace_ms = grace_ms;
	w->limit = limit;
}

/* ---- writes: applying --------------------------------------------------- */

/* Scores and closes attempt id if it is in progress: submitted when submit
 * is set and it is not past deadline + grace, expired (at its deadline)
 * when past deadline + grace; otherwise left alone. Returns 0 or -1. */
static int finalise(struct db *db, struct quiz_qcache *qc, int64_t id, bool submit,
		    bool has_prediction, int64_t prediction, int64_t now_ms, int64_t grace_ms,
		    bool *changed)
{
	struct db_attempt a;
	struct db_attempt_question *qs = NULL;
	struct db_answer *as = NULL;
	size_t nq = 0, na = 0;
	int ret = -1;
	*changed = false;
	int rc = db_attempt_get(db, id, &a);
	if (rc <= 0)
		return rc;
	if (strcmp(a.state, "in_progress") != 0)
		return 0;
	bool late = now_ms > a.deadline + grace_ms;
	if (!late && !submit)
		return 0;
	int found;
	const struct db_quiz *q = quiz_qcache_quiz(qc, db, a.quiz_id, &found);
	if (!q)
		return found < 0 ? -1 : 0;
	if (db_attempt_questions(db, id, &qs, &nq) || db_answers(db, id, &as, &na))
		goto out;
	double score = 0;
	int correct = 0;
	for (size_t i = 0; i < na; i++) {
		const struct db_question *qq = quiz_qcache_get(qc, db, as[i].question_id);
		if (!qq)
			goto out;
		size_t nc = 0;
		int64_t *choices = ids_from_text(as[i].choices, &nc);
		double s = quiz_score_answer(qq, choices, nc, as[i].text);
		free(choices);
		if (db_answer_set_score(db, id, as[i].question_id, s))
			goto out;
		score += s;
		if (s > 1 - EPS)
			correct++;
	}
	util_strlcpy(a.state, late ? "expired" : "submitted", sizeof a.state);
	a.finished_at = late || now_ms > a.deadline ? a.deadline : now_ms;
	a.score = score;
	a.max_score = (double)nq;
	a.correct_count = correct;
	a.question_count = (int)nq;
	double percent = nq ? score * 100.0 / (double)nq : 0;
	a.passed = percent + EPS >= q->pass_percent;
	a.duration_ms = a.finished_at - a.started_at;
	a.has_prediction = !late && has_prediction && q->prediction_question;
	a.prediction = prediction;
	rc = db_attempt_finish(db, &a);
	if (rc < 0)
		goto out;
	*changed = rc == 1;
	ret = 0;
out:
	db_attempt_questions_free(qs, nq);
	db_answers_free(as, na);
	return ret;
}

static int apply_start(struct db *db, struct quiz_qcache *qc, struct quiz_write *w)
{
	struct db_attempt cur;
	bool changed;
	for (;;) {
		int rc = db_attempt_in_progress(db, w->attempt.quiz_id, w->attempt.user_id, &cur);
		if (rc < 0)
			return -1;
		if (rc == 0)
			break;
		if (w->now_ms <= cur.deadline + w->grace_ms) {
			w->attempt = cur;
			w->created = false;
			w->status = QUIZ_OK;
			return 0;
		}
		/* Past its deadline: finalise it first (it counts as completed). */
		if (finalise(db, qc, cur.id, false, false, 0, w->now_ms, w->grace_ms, &changed))
			return -1;
		if (!changed)
			return -1;
	}
	int used = 0;
	if (db_attempt_count(db, w->attempt.quiz_id, w->attempt.user_id, &used))
		return -1;
	if (w->max_attempts && used >= w->max_attempts) {
		w->status = QUIZ_NO_ATTEMPTS_LEFT;
		return 0;
	}
	if (db_attempt_insert(db, &w->attempt, w->questions, w->nquestions))
		return -1;
	w->created = true;
	w->status = QUIZ_OK;
	return 0;
}

/* Saves per statement; db_answers_save splits larger groups itself. */
#define ANSWER_GROUP 32

/* Writes one group (no (attempt, question) twice) with one statement and
 * sets each write's status: saved, or refused by the storage rule, in which
 * case the attempt's state now (inside the writing transaction) decides
 * between attempt_closed and time_over. */
static int answers_flush(struct db *db, struct quiz_write **g, size_t k)
{
	struct db_answer_write rows[ANSWER_GROUP] = { { 0 } };
	for (size_t i = 0; i < k; i++)
		rows[i] = (struct db_answer_write){ g[i]->attempt_id, g[i]->question_id,
						    g[i]->choices, g[i]->text, g[i]->now_ms };
	size_t saved = 0;
	if (db_answers_save(db, rows, k, g[0]->grace_ms, &saved))
		return -1;
	for (size_t i = 0; i < k; i++) {
		g[i]->status = QUIZ_OK;
		/* All saved is the common case; otherwise each attempt says which
		 * rows the rule of db_answers_save refused. */
		if (saved < k) {
			struct db_attempt a;
			if (db_attempt_get(db, g[i]->attempt_id, &a) < 0)
				return -1;
			if (strcmp(a.state, "in_progress") ||
			    a.deadline + g[i]->grace_ms < g[i]->now_ms)
				g[i]->status = !strcmp(a.state, "submitted") ? QUIZ_ATTEMPT_CLOSED
									     : QUIZ_TIME_OVER;
		}
	}
	return 0;
}

int quiz_answers_apply(struct db *db, struct quiz_write **ws, size_t n)
{
	struct quiz_write *g[ANSWER_GROUP];
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		/* A second save of the same question starts a new statement, so
		 * the two apply in order, each under its own arrival time. */
		bool repeat = false;
		for (size_t j = 0; j < k && !repeat; j++)
			repeat = g[j]->attempt_id == ws[i]->attempt_id &&
				 g[j]->question_id == ws[i]->question_id;
		if (repeat || k == ANSWER_GROUP) {
			if (answers_flush(db, g, k))
				return -1;
			k = 0;
		}
		g[k++] = ws[i];
	}
	return k ? answers_flush(db, g, k) : 0;
}

static int apply_sweep(struct db *db, struct quiz_qcache *qc, struct quiz_write *w)
{
	int64_t *ids = NULL;
	size_t n = 0;
	if (db_attempts_due(db, w->now_ms - w->grace_ms, w->limit, &ids, &n))
		return -1;
	for (size_t i = 0; i < n; i++) {
		bool changed;
		if (finalise(db, qc, ids[i], false, false, 0, w->now_ms, w->grace_ms, &changed)) {
			free(ids);
			return -1;
		}
		w->swept += changed;
	}
	free(ids);
	w->status = QUIZ_OK;
	return 0;
}

int quiz_write_apply(struct db *db, struct quiz_qcache *qc, struct quiz_write *w)
{
	bool changed;
	switch (w->kind) {
	case QUIZ_WRITE_START:
		return apply_start(db, qc, w);
	case QUIZ_WRITE_ANSWER:
		/* One save is a group of one: the same rule, the same statement. */
		return quiz_answers_apply(db, &w, 1);
	case QUIZ_WRITE_FINISH:
		if (finalise(db, qc, w->attempt_id, w->submit, w->has_prediction, w->prediction,
			     w->now_ms, w->grace_ms, &changed))
			return -1;
		w->status = QUIZ_OK;
		return 0;
	case QUIZ_WRITE_SWEEP:
		return apply_sweep(db, qc, w);
	}
	return -1;
}

int quiz_write_run(struct db *db, struct quiz_qcache *qc, struct quiz_write *w)
{
	if (db_begin_write(db))
		goto fail;
	if (quiz_write_apply(db, qc, w)) {
		db_rollback(db);
		goto fail;
	}
	if (db_commit(db)) {
		db_rollback(db);
		goto fail;
	}
	return 0;
fail:
	w->status = QUIZ_INTERNAL;
	set_msg(w->message, sizeof w->message, "%s", db_errmsg(db));
	return -1;
}

/* ---- participant views -------------------------------------------------- */

static double round_to(double v, double unit)
{
	return round(v / unit) * unit;
}

/* The review of one question: new reference. */
static json_t *review_entry(const struct db_question *qq, const struct db_answer *ans)
{
	size_t nc = 0;
	int64_t *choices = ans ? ids_from_text(ans->choices, &nc) : NULL;
	double s = quiz_score_answer(qq, choices, nc, ans ? ans->text : NULL);
	free(choices);
	json_t *right = json_array();
	json_t *accepted = json_array();
	for (size_t k = 0; k < qq->noptions; k++) {
		if (!strcmp(qq->type, "short"))
			json_array_append_new(accepted, json_string(qq->options[k].text));
		else if (qq->options[k].weight > EPS)
			json_array_append_new(right, json_integer(qq->options[k].id));
	}
	json_t *entry = json_pack("{s:I,s:b,s:f,s:o,s:s}", "question_id", (json_int_t)qq->id,
				  "correct", s > 1 - EPS, "score", round_to(s, 0.0001),
				  "correct_choices", right, "explanation", qq->explanation);
	if (!strcmp(qq->type, "short"))
		json_object_set_new(entry, "accepted_answers", accepted);
	else
		json_decref(accepted);
	if (qq->reference)
		json_object_set_new(entry, "reference", json_string(qq->reference));
	return entry;
}

/* The attempt object from its rows (borrowed). */
static char *attempt_text(struct db *db, struct quiz_qcache *qc, const struct db_quiz *q,
			  const struct db_attempt *a, const struct db_attempt_question *qs,
			  size_t nq, const struct db_answer *as, size_t na, int64_t now_ms)
{
	char *out = NULL;
	json_t *review = NULL;
	struct strbuf sb;
	sb_init(&sb);
	bool finished = strcmp(a->state, "in_progress") != 0;
	bool review_open = quiz_review_open(q, a, now_ms);
	char started[40], deadline[40];
	clock_format(a->started_at, started);
	clock_format(a->deadline, deadline);
	int64_t remaining = finished || now_ms >= a->deadline ? 0 : a->deadline - now_ms;
	sb_printf(&sb,
		  "{\"id\":%lld,\"quiz_id\":%lld,\"state\":\"%s\",\"round_code\":\"%s\","
		  "\"started_at\":\"%s\",\"deadline\":\"%s\",\"remaining_ms\":%lld,\"questions\":[",
		  (long long)a->id, (long long)a->quiz_id, a->state, a->round_code, started,
		  deadline, (long long)remaining);
	if (review_open)
		review = json_array();
	for (size_t i = 0; i < nq; i++) {
		const struct db_question *qq = quiz_qcache_get(qc, db, qs[i].question_id);
		if (!qq)
			goto done;
		const struct cached_question *cq = cached_of(qq);
		sb_puts(&sb, i ? "," : "");
		sb_puts(&sb, cq->head);
		size_t no = 0;
		int64_t *order = ids_from_text(qs[i].option_order, &no);
		bool first = true;
		for (size_t k = 0; k < no && cq->options; k++)
			for (size_t m = 0; m < qq->noptions; m++)
				if (qq->options[m].id == order[k]) {
					sb_puts(&sb, first ? "" : ",");
					sb_puts(&sb, cq->options[m]);
					first = false;
				}
		free(order);
		sb_puts(&sb, "]}");
		if (review) {
			const struct db_answer *ans = NULL;
			for (size_t k = 0; k < na && !ans; k++)
				if (as[k].question_id == qq->id)
					ans = &as[k];
			json_array_append_new(review, review_entry(qq, ans));
		}
	}
	sb_puts(&sb, "],\"answers\":{");
	for (size_t i = 0; i < na; i++) {
		sb_printf(&sb, "%s\"%lld\":", i ? "," : "", (long long)as[i].question_id);
		if (as[i].text) {
			char *t = json_text(json_string(as[i].text));
			sb_printf(&sb, "{\"text\":%s}", t ? t : "\"\"");
			free(t);
		} else {
			/* choices are stored as written by ids_json_text */
			sb_printf(&sb, "{\"choices\":%s}", as[i].choices ? as[i].choices : "[]");
		}
	}
	sb_puts(&sb, "},\"result\":");
	if (finished) {
		double percent = a->max_score > 0 ? a->score * 100.0 / a->max_score : 0;
		json_t *result = json_pack(
			"{s:f,s:f,s:f,s:i,s:i,s:b,s:I}", "score", round_to(a->score, 0.01),
			"max_score", a->max_score, "percent", round_to(percent, 0.1),
			"correct_count", a->correct_count, "question_count", a->question_count,
			"passed", a->passed, "duration_ms", (json_int_t)a->duration_ms);
		if (a->has_prediction)
			json_object_set_new(result, "prediction", json_integer(a->prediction));
		char *t = json_text(result);
		sb_puts(&sb, t);
		free(t);
	} else {
		sb_puts(&sb, "null");
	}
	sb_puts(&sb, ",\"review\":");
	if (review) {
		char *t = json_text(review);
		review = NULL;
		sb_puts(&sb, t);
		free(t);
	} else {
		sb_puts(&sb, "null");
	}
	if (q->prediction_question && !finished) {
		char *t = json_text(json_string(q->prediction_question));
		sb_printf(&sb, ",\"prediction_question\":%s", t);
		free(t);
	}
	sb_puts(&sb, "}");
	out = sb_steal(&sb);
done:
	json_decref(review);
	sb_cleanup(&sb);
	return out;
}

char *quiz_attempt_text(struct db *db, struct quiz_qcache *qc, const struct db_quiz *q,
			const struct db_attempt *a, int64_t now_ms)
{
	struct db_attempt_question *qs = NULL;
	struct db_answer *as = NULL;
	size_t nq = 0, na = 0;
	char *out = NULL;
	if (!db_attempt_questions(db, a->id, &qs, &nq) && !db_answers(db, a->id, &as, &na))
		out = attempt_text(db, qc, q, a, qs, nq, as, na, now_ms);
	db_attempt_questions_free(qs, nq);
	db_answers_free(as, na);
	return out;
}

char *quiz_started_text(struct db *db, struct quiz_qcache *qc, const struct db_quiz *q,
			const struct quiz_write *w, int64_t now_ms)
{
	if (w->kind != QUIZ_WRITE_START || !w->created)
		return quiz_attempt_text(db, qc, q, &w->attempt, now_ms);
	return attempt_text(db, qc, q, &w->attempt, w->questions, w->nquestions, NULL, 0, now_ms);
}

json_t *quiz_attempt_json(struct db *db, struct quiz_qcache *qc, const struct db_quiz *q,
			  const struct db_attempt *a, int64_t now_ms)
{
	char *text = quiz_attempt_text(db, qc, q, a, now_ms);
	if (!text)
		return NULL;
	json_error_t e;
	json_t *j = json_loads(text, 0, &e);
	free(text);
	return j;
}

json_t *quiz_list_json(struct db *db, struct quiz_qcache *qc, const struct quiz_participant *p,
		       int64_t now_ms)
{
	int64_t *ids = NULL;
	size_t n = 0;
	if (db_quiz_ids(db, &ids, &n))
		return NULL;
	json_t *arr = json_array();
	bool failed = false;
	for (size_t i = 0; i < n && !failed; i++) {
		int found;
		const struct db_quiz *q = quiz_qcache_quiz(qc, db, ids[i], &found);
		if (!q) {
			failed = found < 0;
			continue;
		}
		if (!quiz_visible_to(q, p))
			continue;
		int used = 0;
		struct db_attempt best, cur;
		int has_best = 0, has_cur = 0;
		if (db_attempt_count(db, q->id, p->user_id, &used) ||
		    (has_best = db_attempt_best(db, q->id, p->user_id, &best)) < 0 ||
		    (has_cur = db_attempt_in_progress(db, q->id, p->user_id, &cur)) < 0) {
			failed = true;
			continue;
		}
		json_t *jbest = json_null();
		if (has_best)
			jbest = json_pack(
				"{s:f,s:f,s:f}", "score", round_to(best.score, 0.01), "max_score",
				best.max_score, "percent",
				round_to(best.max_score > 0 ? best.score * 100 / best.max_score : 0,
					 0.1));
		json_array_append_new(
			arr,
			json_pack("{s:I,s:s,s:s,s:s,s:b,s:I,s:i,s:o,s:o,s:i,s:i,s:s,s:o,s:o}", "id",
				  (json_int_t)q->id, "code", q->code, "title", q->title, "kind",
				  q->kind, "mandatory", q->mandatory, "time_limit_s",
				  (json_int_t)q->time_limit_s, "question_count",
				  quiz_question_count(q), "opens_at", time_json(q->opens_at),
				  "closes_at", time_json(q->closes_at), "max_attempts",
				  q->max_attempts, "attempts_used", used, "state",
				  quiz_time_state(q, now_ms), "best", jbest, "attempt_in_progress",
				  has_cur && now_ms <= cur.deadline ? json_integer(cur.id)
								    : json_null()));
	}
	free(ids);
	if (failed) {
		json_decref(arr);
		return NULL;
	}
	return json_pack("{s:o}", "quizzes", arr);
}
