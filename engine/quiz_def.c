/* quiz_def.c - quiz definitions: parsing and checking the JSON of api.md
 * (each part of a definition by its own function), checking that every
 * draw rule can be filled, storing, and rendering back. */
#include "quiz_def.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bank.h"
#include "clock.h"
#include "db.h"
#include "db_bank.h"
#include "org.h"
#include "quiz_rules.h"
#include "util.h"

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
	"mode",
	"standings",
	"prizes",
	NULL,
};

static bool known_field(const char *key, const char *const *known)
{
	for (size_t i = 0; known[i]; i++)
		if (!strcmp(key, known[i]))
			return true;
	return false;
}

/* Each reader below returns OUTCOME_OK, or OUTCOME_INVALID with a message
 * naming the field (OUTCOME_INTERNAL when storage failed). */

/* An RFC 3339 member (absent or bad is an error). */
static enum outcome def_time(json_t *def, const char *name, int64_t *out, struct problem *p)
{
	json_t *v = json_object_get(def, name);
	if (!json_is_string(v) || clock_parse(json_string_value(v), out))
		return problem_set(p, OUTCOME_INVALID, "Field '%s' must be an RFC 3339 timestamp.",
				   name);
	return OUTCOME_OK;
}

static enum outcome def_bool(json_t *def, const char *name, bool dflt, bool *out, struct problem *p)
{
	json_t *v = json_object_get(def, name);
	if (!v || json_is_null(v)) {
		*out = dflt;
		return OUTCOME_OK;
	}
	if (!json_is_boolean(v))
		return problem_set(p, OUTCOME_INVALID, "Field '%s' must be true or false.", name);
	*out = json_is_true(v);
	return OUTCOME_OK;
}

static enum outcome def_int(json_t *def, const char *name, int64_t min, int64_t max, int64_t *out,
			    struct problem *p)
{
	json_t *v = json_object_get(def, name);
	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return problem_set(p, OUTCOME_INVALID,
				   "Field '%s' must be an integer from %lld to %lld.", name,
				   (long long)min, (long long)max);
	*out = json_integer_value(v);
	return OUTCOME_OK;
}

/* The object itself, no unknown member, code, title, kind, mandatory. */
static enum outcome parse_identity(json_t *def, struct db_quiz *q, struct problem *p)
{
	const char *key;
	json_t *v;
	if (!json_is_object(def))
		return problem_set(p, OUTCOME_INVALID, "A quiz definition must be a JSON object.");
	json_object_foreach(def, key, v)
	{
		if (!known_field(key, DEF_FIELDS))
			return problem_set(p, OUTCOME_INVALID, "Unknown field '%.64s'.", key);
	}
	v = json_object_get(def, "code");
	if (!json_is_string(v) || !util_valid_code(json_string_value(v)))
		return problem_set(p, OUTCOME_INVALID,
				   "Field 'code' must match [A-Za-z0-9_.-]{1,64}.");
	util_strlcpy(q->code, json_string_value(v), sizeof q->code);
	v = json_object_get(def, "title");
	if (!json_is_string(v) || !json_string_length(v) || json_string_length(v) > 256 ||
	    strlen(json_string_value(v)) != json_string_length(v))
		return problem_set(
			p, OUTCOME_INVALID,
			"Field 'title' must be a non-empty string of at most 256 bytes.");
	q->title = xstrdup(json_string_value(v));
	v = json_object_get(def, "kind");
	if (!json_is_string(v) ||
	    (strcmp(json_string_value(v), "quiz") && strcmp(json_string_value(v), "contest")))
		return problem_set(p, OUTCOME_INVALID,
				   "Field 'kind' must be \"quiz\" or \"contest\".");
	util_strlcpy(q->kind, json_string_value(v), sizeof q->kind);
	return def_bool(def, "mandatory", !strcmp(q->kind, "quiz"), &q->mandatory, p);
}

/* audiences and unit_scope. */
static enum outcome parse_who(struct db *db, json_t *def, struct db_quiz *q, struct problem *p)
{
	json_t *v = json_object_get(def, "audiences");
	if (!json_is_array(v) || !json_array_size(v) || json_array_size(v) > 16)
		return problem_set(
			p, OUTCOME_INVALID,
			"Field 'audiences' must be a non-empty array of audience codes.");
	q->audiences = xcalloc(json_array_size(v), sizeof *q->audiences);
	for (size_t i = 0; i < json_array_size(v); i++) {
		json_t *a = json_array_get(v, i);
		if (!json_is_string(a) || !org_valid_audience(json_string_value(a)))
			return problem_set(
				p, OUTCOME_INVALID,
				"Field 'audiences': element %zu is not an audience code.", i + 1);
		util_strlcpy(q->audiences[q->naudiences++], json_string_value(a),
			     sizeof q->audiences[0]);
	}
	v = json_object_get(def, "unit_scope");
	if (!v || json_is_null(v))
		return OUTCOME_OK;
	if (!json_is_string(v))
		return problem_set(p, OUTCOME_INVALID,
				   "Field 'unit_scope' must be a unit code or null.");
	struct db_unit u;
	int rc = db_unit_by_code(db, json_string_value(v), &u);
	if (rc < 0)
		return problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
	if (rc == 0)
		return problem_set(p, OUTCOME_INVALID,
				   "Field 'unit_scope': no unit with code %.64s.",
				   json_string_value(v));
	q->unit_scope_id = u.id;
	util_strlcpy(q->unit_scope_code, u.code, sizeof q->unit_scope_code);
	util_strlcpy(q->unit_scope_path, u.path, sizeof q->unit_scope_path);
	return OUTCOME_OK;
}

/* mode: "exam" (the default) or "practice". */
static enum outcome parse_mode(json_t *def, struct db_quiz *q, struct problem *p)
{
	json_t *v = json_object_get(def, "mode");
	q->practice = false;
	if (!v || json_is_null(v))
		return OUTCOME_OK;
	const char *m = json_string_value(v);
	if (!m || (strcmp(m, "exam") && strcmp(m, "practice")))
		return problem_set(p, OUTCOME_INVALID,
				   "Field 'mode' must be \"exam\" or \"practice\".");
	q->practice = !strcmp(m, "practice");
	return OUTCOME_OK;
}

/* mode, time_limit_s, max_attempts, pass_percent, the window, shuffles. */
static enum outcome parse_limits(json_t *def, struct db_quiz *q, struct problem *p)
{
	int64_t n;
	enum outcome o;
	if ((o = parse_mode(def, q, p)))
		return o;
	/* Practice may run without a time limit and is never limited in
	 * attempts; an exam needs both. */
	json_t *tl = json_object_get(def, "time_limit_s");
	if (q->practice && (!tl || json_is_null(tl)))
		q->time_limit_s = 0;
	else if ((o = def_int(def, "time_limit_s", 1, 7 * 86400, &q->time_limit_s, p)))
		return o;
	json_t *ma = json_object_get(def, "max_attempts");
	if (q->practice &&
	    (!ma || json_is_null(ma) || (json_is_integer(ma) && json_integer_value(ma) == 0)))
		n = 0;
	else if (q->practice)
		return problem_set(
			p, OUTCOME_INVALID,
			"Field 'max_attempts' must be 0 or absent: practice is unlimited.");
	else if ((o = def_int(def, "max_attempts", 0, 1000, &n, p)))
		return o;
	q->max_attempts = (int)n;
	json_t *v = json_object_get(def, "pass_percent");
	if (!json_is_number(v) || json_number_value(v) < 0 || json_number_value(v) > 100)
		return problem_set(p, OUTCOME_INVALID,
				   "Field 'pass_percent' must be a number from 0 to 100.");
	q->pass_percent = json_number_value(v);
	if ((o = def_time(def, "opens_at", &q->opens_at, p)) ||
	    (o = def_time(def, "closes_at", &q->closes_at, p)))
		return o;
	if (q->closes_at <= q->opens_at)
		return problem_set(p, OUTCOME_INVALID,
				   "Field 'closes_at' must be later than 'opens_at'.");
	if ((o = def_bool(def, "shuffle_questions", true, &q->shuffle_questions, p)))
		return o;
	return def_bool(def, "shuffle_options", true, &q->shuffle_options, p);
}

/* review, prediction_question, freeze_at. */
static enum outcome parse_review(json_t *def, struct db_quiz *q, struct problem *p)
{
	json_t *v = json_object_get(def, "review");
	if (!json_is_string(v) ||
	    (strcmp(json_string_value(v), "after_submit") &&
	     strcmp(json_string_value(v), "after_close") && strcmp(json_string_value(v), "never")))
		return problem_set(
			p, OUTCOME_INVALID,
			"Field 'review' must be \"after_submit\", \"after_close\" or \"never\".");
	util_strlcpy(q->review, json_string_value(v), sizeof q->review);
	v = json_object_get(def, "prediction_question");
	if (v && !json_is_null(v)) {
		if (!json_is_string(v) || !json_string_length(v) || json_string_length(v) > 1000)
			return problem_set(
				p, OUTCOME_INVALID,
				"Field 'prediction_question' must be a non-empty string or null.");
		q->prediction_question = xstrdup(json_string_value(v));
	}
	v = json_object_get(def, "freeze_at");
	if (!v || json_is_null(v))
		return OUTCOME_OK;
	enum outcome o = def_time(def, "freeze_at", &q->freeze_at, p);
	if (o)
		return o;
	if (q->freeze_at < q->opens_at || q->freeze_at > q->closes_at)
		return problem_set(p, OUTCOME_INVALID,
				   "Field 'freeze_at' must lie between opens_at and closes_at.");
	return OUTCOME_OK;
}

/* The time member name of round element i, into *out. */
static enum outcome round_time(json_t *r, const char *name, size_t i, int64_t *out,
			       struct problem *p)
{
	const char *text = json_string_value(json_object_get(r, name));
	if (clock_parse(text ? text : "", out))
		return problem_set(p, OUTCOME_INVALID,
				   "Field 'rounds[%zu].%s' must be an RFC 3339 timestamp.", i + 1,
				   name);
	return OUTCOME_OK;
}

/* Round element i (the rounds before it already in q). */
static enum outcome parse_round(json_t *r, size_t i, struct db_quiz *q, struct problem *p)
{
	struct db_quiz_round *rd = &q->rounds[q->nrounds++];
	json_t *c = json_object_get(r, "code");
	if (!json_is_object(r) || !json_is_string(c) || !util_valid_code(json_string_value(c)) ||
	    json_object_size(r) != 3)
		return problem_set(p, OUTCOME_INVALID,
				   "Field 'rounds': element %zu must be "
				   "{\"code\",\"opens_at\",\"closes_at\"} "
				   "with a code of [A-Za-z0-9_.-]{1,64}.",
				   i + 1);
	util_strlcpy(rd->code, json_string_value(c), sizeof rd->code);
	enum outcome o;
	if ((o = round_time(r, "opens_at", i, &rd->opens_at, p)) ||
	    (o = round_time(r, "closes_at", i, &rd->closes_at, p)))
		return o;
	if (rd->closes_at <= rd->opens_at || rd->opens_at < q->opens_at ||
	    rd->closes_at > q->closes_at)
		return problem_set(p, OUTCOME_INVALID,
				   "Field 'rounds': round %s must close after it opens and "
				   "lie inside "
				   "the quiz's opens_at..closes_at.",
				   rd->code);
	for (size_t j = 0; j + 1 < q->nrounds; j++) {
		const struct db_quiz_round *other = &q->rounds[j];
		if (!strcmp(other->code, rd->code))
			return problem_set(p, OUTCOME_INVALID,
					   "Field 'rounds': code %s is repeated.", rd->code);
		if (rd->opens_at < other->closes_at && other->opens_at < rd->closes_at)
			return problem_set(p, OUTCOME_INVALID,
					   "Field 'rounds': rounds %s and %s overlap.", other->code,
					   rd->code);
	}
	return OUTCOME_OK;
}

/* rounds, or the one round "main" spanning the window. */
static enum outcome parse_rounds(json_t *def, struct db_quiz *q, struct problem *p)
{
	json_t *v = json_object_get(def, "rounds");
	if (!v || json_is_null(v)) {
		q->rounds = xcalloc(1, sizeof *q->rounds);
		util_strlcpy(q->rounds[0].code, "main", sizeof q->rounds[0].code);
		q->rounds[0].opens_at = q->opens_at;
		q->rounds[0].closes_at = q->closes_at;
		q->nrounds = 1;
		return OUTCOME_OK;
	}
	if (!json_is_array(v) || !json_array_size(v) || json_array_size(v) > 50)
		return problem_set(p, OUTCOME_INVALID,
				   "Field 'rounds' must be a non-empty array (at most 50).");
	q->rounds = xcalloc(json_array_size(v), sizeof *q->rounds);
	for (size_t i = 0; i < json_array_size(v); i++) {
		enum outcome o = parse_round(json_array_get(v, i), i, q, p);
		if (o)
			return o;
	}
	return OUTCOME_OK;
}

/* Draw rule element i into d. */
static enum outcome parse_draw_rule(struct db *db, json_t *r, size_t i, struct db_quiz_draw *d,
				    struct problem *p)
{
	const char *key;
	json_t *member;
	if (!json_is_object(r))
		return problem_set(p, OUTCOME_INVALID, "Field 'draw': rule %zu must be an object.",
				   i + 1);
	json_object_foreach(r, key, member)
	{
		if (strcmp(key, "bank") && strcmp(key, "topic") && strcmp(key, "difficulty") &&
		    strcmp(key, "count"))
			return problem_set(p, OUTCOME_INVALID,
					   "Field 'draw': rule %zu has an unknown field '%.64s'.",
					   i + 1, key);
	}
	json_t *b = json_object_get(r, "bank");
	if (!json_is_string(b) || !util_valid_code(json_string_value(b)))
		return problem_set(p, OUTCOME_INVALID,
				   "Field 'draw': rule %zu needs 'bank', a bank code.", i + 1);
	struct db_bank bank;
	int rc = db_bank_by_code(db, json_string_value(b), &bank);
	if (rc < 0)
		return problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
	if (rc == 0)
		return problem_set(p, OUTCOME_INVALID,
				   "Field 'draw': rule %zu names bank %.64s, which does not exist.",
				   i + 1, json_string_value(b));
	d->bank_id = bank.id;
	util_strlcpy(d->bank_code, bank.code, sizeof d->bank_code);
	db_bank_cleanup(&bank);
	json_t *t = json_object_get(r, "topic");
	if (t && !json_is_null(t)) {
		if (!json_is_string(t) || !bank_valid_topic(json_string_value(t)))
			return problem_set(p, OUTCOME_INVALID,
					   "Field 'draw': rule %zu has an unknown topic.", i + 1);
		util_strlcpy(d->topic, json_string_value(t), sizeof d->topic);
	}
	json_t *df = json_object_get(r, "difficulty");
	if (df && !json_is_null(df)) {
		if (!json_is_integer(df) || json_integer_value(df) < 1 ||
		    json_integer_value(df) > 3)
			return problem_set(p, OUTCOME_INVALID,
					   "Field 'draw': rule %zu: difficulty must be 1, 2 or 3.",
					   i + 1);
		d->difficulty = (int)json_integer_value(df);
	}
	json_t *c = json_object_get(r, "count");
	if (!json_is_integer(c) || json_integer_value(c) < 1 ||
	    json_integer_value(c) > QUIZ_QUESTIONS_MAX)
		return problem_set(p, OUTCOME_INVALID,
				   "Field 'draw': rule %zu: count must be an integer from 1 to %d.",
				   i + 1, QUIZ_QUESTIONS_MAX);
	d->count = (int)json_integer_value(c);
	return OUTCOME_OK;
}

/* draw: the rules and their total. */
enum outcome quiz_parse_draws(struct db *db, json_t *def, struct db_quiz *q, struct problem *p)
{
	json_t *v = json_object_get(def, "draw");
	if (!json_is_array(v) || !json_array_size(v) || json_array_size(v) > 50)
		return problem_set(
			p, OUTCOME_INVALID,
			"Field 'draw' must be a non-empty array of draw rules (at most 50).");
	q->draws = xcalloc(json_array_size(v), sizeof *q->draws);
	int total = 0;
	for (size_t i = 0; i < json_array_size(v); i++) {
		struct db_quiz_draw *d = &q->draws[q->ndraws++];
		enum outcome o = parse_draw_rule(db, json_array_get(v, i), i, d, p);
		if (o)
			return o;
		total += d->count;
	}
	if (total > QUIZ_QUESTIONS_MAX)
		return problem_set(p, OUTCOME_INVALID,
				   "Field 'draw': the rules draw %d questions; at most %d.", total,
				   QUIZ_QUESTIONS_MAX);
	return OUTCOME_OK;
}

/* Fills q from def, part by part; the first error wins, naming its field. */
static const char *const PRIZE_TIERS[] = { "1", "2", "3", "consolation", NULL };

/* An object whose members are among PRIZE_TIERS, each a number from 0 to
 * max (whole when integral): absent or null is fine. */
static enum outcome check_tiers(json_t *v, const char *name, double max, bool integral,
				struct problem *p)
{
	const char *key;
	json_t *m;
	if (!v || json_is_null(v))
		return OUTCOME_OK;
	if (!json_is_object(v))
		return problem_set(p, OUTCOME_INVALID,
				   "Field '%s' must be an object with members \"1\", \"2\", "
				   "\"3\", \"consolation\".",
				   name);
	json_object_foreach(v, key, m)
	{
		bool ok = known_field(key, PRIZE_TIERS) &&
			  (integral ? json_is_integer(m) : json_is_number(m)) &&
			  json_number_value(m) >= 0 && json_number_value(m) <= max;
		if (!ok)
			return problem_set(p, OUTCOME_INVALID,
					   "Field '%s.%.16s' must be %s from 0 to %g (members: 1, "
					   "2, 3, consolation).",
					   name, key, integral ? "an integer" : "a number", max);
	}
	return OUTCOME_OK;
}

/* standings {participation_weight, prize_points} and prizes (read back
 * from the stored definition by contest_award.c). */
static enum outcome parse_awards(json_t *def, struct problem *p)
{
	json_t *st = json_object_get(def, "standings");
	enum outcome o = check_tiers(json_object_get(def, "prizes"), "prizes", 10000, true, p);
	if (o != OUTCOME_OK || !st || json_is_null(st))
		return o;
	const char *key;
	json_t *m;
	if (!json_is_object(st))
		return problem_set(p, OUTCOME_INVALID, "Field 'standings' must be an object.");
	json_object_foreach(st, key, m)
	{
		if (strcmp(key, "participation_weight") && strcmp(key, "prize_points"))
			return problem_set(p, OUTCOME_INVALID, "Unknown field 'standings.%.32s'.",
					   key);
	}
	json_t *w = json_object_get(st, "participation_weight");
	if (w && (!json_is_number(w) || json_number_value(w) < 0 || json_number_value(w) > 1000))
		return problem_set(p, OUTCOME_INVALID,
				   "Field 'standings.participation_weight' must be a number from "
				   "0 to 1000.");
	return check_tiers(json_object_get(st, "prize_points"), "standings.prize_points", 1e6,
			   false, p);
}

static enum outcome parse_definition(struct db *db, json_t *def, struct db_quiz *q,
				     struct problem *p)
{
	enum outcome o;
	if ((o = parse_identity(def, q, p)) || (o = parse_who(db, def, q, p)) ||
	    (o = parse_limits(def, q, p)) || (o = parse_review(def, q, p)) ||
	    (o = parse_awards(def, p)) || (o = parse_rounds(def, q, p)) ||
	    (o = quiz_parse_draws(db, def, q, p)))
		return o;
	return OUTCOME_OK;
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

enum outcome quiz_draw_availability(struct db *db, const struct db_quiz *q, size_t *matching,
				    size_t *available, struct problem *p)
{
	int64_t **pools = xcalloc(q->ndraws, sizeof *pools);
	size_t *order = xcalloc(q->ndraws, sizeof *order);
	enum outcome ret = OUTCOME_OK;
	for (size_t i = 0; i < q->ndraws; i++) {
		const struct db_quiz_draw *d = &q->draws[i];
		if (db_question_pool(db, d->bank_id, d->topic, d->difficulty, &pools[i],
				     &matching[i])) {
			ret = problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
			goto out;
		}
	}
	quiz_fill_order(matching, q->ndraws, order);
	for (size_t i = 0; i < q->ndraws; i++) {
		size_t rank = 0;
		while (order[rank] != i)
			rank++;
		size_t taken = 0;
		for (size_t k = 0; k < rank; k++) {
			size_t j = order[k];
			size_t inter =
				intersection_size(pools[i], matching[i], pools[j], matching[j]);
			taken += inter < (size_t)q->draws[j].count ? inter
								   : (size_t)q->draws[j].count;
		}
		available[i] = matching[i] > taken ? matching[i] - taken : 0;
	}
out:
	for (size_t i = 0; i < q->ndraws; i++)
		free(pools[i]);
	free(pools);
	free(order);
	return ret;
}

/* Checks that every draw can be filled whatever the rules filled before it
 * take (quiz_draw_availability). Returns OUTCOME_OK when all can,
 * OUTCOME_INVALID with the shortfalls, or OUTCOME_INTERNAL. */
static enum outcome check_draws(struct db *db, const struct db_quiz *q, struct problem *p)
{
	size_t *sizes = xcalloc(q->ndraws, sizeof *sizes);
	size_t *avail = xcalloc(q->ndraws, sizeof *avail);
	struct strbuf sb;
	sb_init(&sb);
	enum outcome ret = quiz_draw_availability(db, q, sizes, avail, p);
	for (size_t i = 0; ret != OUTCOME_INTERNAL && i < q->ndraws; i++) {
		const struct db_quiz_draw *d = &q->draws[i];
		if (avail[i] >= (size_t)d->count)
			continue;
		ret = OUTCOME_INVALID;
		size_t taken = sizes[i] - avail[i];
		sb_printf(&sb, "%sDraw rule %zu (bank %s", sb.len ? " " : "", i + 1, d->bank_code);
		if (d->topic[0])
			sb_printf(&sb, ", topic %s", d->topic);
		if (d->difficulty)
			sb_printf(&sb, ", difficulty %d", d->difficulty);
		sb_printf(&sb, ") needs %d questions but only %zu are available: %zu more needed",
			  d->count, avail[i], (size_t)d->count - avail[i]);
		if (taken)
			sb_printf(&sb, " (%zu match, of which other rules may take %zu)", sizes[i],
				  taken);
		sb_puts(&sb, ".");
	}
	if (ret == OUTCOME_INVALID)
		problem_set(p, ret, "%s", sb.data);
	free(sizes);
	free(avail);
	sb_cleanup(&sb);
	return ret;
}

enum outcome quiz_definition_parse(struct db *db, json_t *def, struct db_quiz *q, struct problem *p)
{
	enum outcome o = parse_definition(db, def, q, p);
	return o != OUTCOME_OK ? o : check_draws(db, q, p);
}

enum outcome quiz_create(struct db *db, json_t *def, int64_t *quiz_id, struct problem *p)
{
	struct db_quiz q;
	memset(&q, 0, sizeof q);
	enum outcome o;
	if (db_begin_write(db)) {
		o = problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
		goto out;
	}
	if ((o = quiz_definition_parse(db, def, &q, p)))
		goto fail;
	q.definition = json_dumps(def, JSON_COMPACT);
	q.created_at = clock_now_ms();
	int rc = db_quiz_insert(db, &q);
	if (rc) {
		o = problem_set(p, rc == DB_CONFLICT ? OUTCOME_CONFLICT : OUTCOME_INTERNAL, "%s",
				db_errmsg(db));
		goto fail;
	}
	if (db_commit(db)) {
		o = problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
		goto fail;
	}
	*quiz_id = q.id;
	o = OUTCOME_OK;
	goto out;
fail:
	db_rollback(db);
out:
	db_quiz_cleanup(&q);
	return o;
}

enum outcome quiz_definition_get(struct db *db, int64_t id, json_t **out, struct problem *p)
{
	struct db_quiz q;
	int rc = db_quiz_get(db, id, &q);
	if (rc < 0)
		return problem_set(p, OUTCOME_INTERNAL, "%s", db_errmsg(db));
	if (rc == 0)
		return problem_set(p, OUTCOME_NOT_FOUND, "No such quiz.");
	*out = quiz_definition_json(&q);
	db_quiz_cleanup(&q);
	return OUTCOME_OK;
}

json_t *quiz_time_json(int64_t ms)
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
		json_array_append_new(
			rounds, json_pack("{s:s,s:o,s:o}", "code", q->rounds[i].code, "opens_at",
					  quiz_time_json(q->rounds[i].opens_at), "closes_at",
					  quiz_time_json(q->rounds[i].closes_at)));
	return json_pack(
		"{s:I,s:s,s:s,s:s,s:s,s:b,s:o,s:o,s:o,s:i,s:o,s:i,s:f,s:o,s:o,s:b,s:b,"
		"s:s,s:o,s:o,s:o}",
		"id", (json_int_t)q->id, "code", q->code, "title", q->title, "kind", q->kind,
		"mode", q->practice ? "practice" : "exam", "mandatory", q->mandatory, "audiences",
		aud, "unit_scope", q->unit_scope_id ? json_string(q->unit_scope_code) : json_null(),
		"draw", draws, "question_count", quiz_question_count(q), "time_limit_s",
		q->time_limit_s ? json_integer(q->time_limit_s) : json_null(), "max_attempts",
		q->max_attempts, "pass_percent", q->pass_percent, "opens_at",
		quiz_time_json(q->opens_at), "closes_at", quiz_time_json(q->closes_at),
		"shuffle_questions", q->shuffle_questions, "shuffle_options", q->shuffle_options,
		"review", q->review, "prediction_question",
		q->prediction_question ? json_string(q->prediction_question) : json_null(),
		"freeze_at", q->freeze_at ? quiz_time_json(q->freeze_at) : json_null(), "rounds",
		rounds);
}
