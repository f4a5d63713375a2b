/* quiz_rules.c - the pure rules: visibility, the window and rounds, the
 * attempt clock, seeded draws and option orders, scoring, the stored id
 * list format and the participant-facing refusal messages. */
#include "quiz_rules.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include "rng.h"
#include "util.h"

int quiz_cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
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

bool quiz_scope_meets(const char *scope_path, const char *unit_path)
{
	if (!unit_path || !*unit_path)
		return false;
	if (!scope_path || !*scope_path)
		return true;
	size_t scope = strlen(scope_path), unit = strlen(unit_path);
	return strncmp(unit_path, scope_path, scope) == 0 ||
	       strncmp(scope_path, unit_path, unit) == 0;
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
	if (!q->time_limit_s)
		return q->closes_at; /* practice without a time limit */
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

/* The smallest pool first, so a narrow rule is not starved by a broad one
 * drawn before it. */
void quiz_fill_order(const size_t *sizes, size_t npools, size_t *order)
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
	quiz_fill_order(sizes, npools, order);
	int64_t *cand = xmalloc((maxn + 1) * sizeof *cand);
	int64_t *taken = xmalloc((total + 1) * sizeof *taken); /* sorted, for lookups */
	size_t ntaken = 0;
	int ret = -1;
	for (size_t k = 0; k < npools; k++) {
		const struct quiz_pool *pool = &pools[order[k]];
		size_t nc = 0;
		for (size_t i = 0; i < pool->n; i++)
			if (!bsearch(&pool->ids[i], taken, ntaken, sizeof *taken, quiz_cmp_i64))
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

const struct db_option *quiz_find_option(const struct db_question *q, int64_t id)
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
			const struct db_option *o = quiz_find_option(q, choices[i]);
			if (o)
				sum += o->weight;
		}
		if (sum < 0)
			sum = 0;
		if (sum > 1 - QUIZ_SCORE_EPS)
			sum = 1;
		return sum;
	}
	if (nchoices != 1)
		return 0;
	const struct db_option *o = quiz_find_option(q, choices[0]);
	return o && o->weight > 1 - QUIZ_SCORE_EPS ? 1 : 0;
}

/* "[12,7,9]": the id list as stored (a JSON array of integers). Written
 * by hand: printf-family formatting was a quarter of an attempt start. */
char *quiz_ids_text(const int64_t *ids, size_t n)
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
 * quiz_ids_text or a JSON array of integers); new array or NULL when
 * empty. */
int64_t *quiz_ids_parse(const char *text, size_t *n)
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

int quiz_question_count(const struct db_quiz *q)
{
	int n = 0;
	for (size_t i = 0; i < q->ndraws; i++)
		n += q->draws[i].count;
	return n;
}

enum outcome quiz_refusal(struct problem *p, enum outcome o, const char *detail)
{
	switch (o) {
	case OUTCOME_NOT_FOUND:
		return problem_set(p, o, "Không tìm thấy. (No such attempt.)");
	case OUTCOME_FORBIDDEN:
		return problem_set(p, o,
				   "Bài thi không dành cho bạn. (This quiz is not open to your "
				   "audience or unit.)");
	case OUTCOME_QUIZ_NOT_OPEN:
		return problem_set(p, o, "Bài thi chưa mở hoặc đã đóng. (%s)",
				   detail && *detail ? detail : "The quiz is not open.");
	case OUTCOME_NO_ATTEMPTS_LEFT:
		return problem_set(p, o, "Bạn đã dùng hết số lượt làm bài. (No attempts left.)");
	case OUTCOME_TIME_OVER:
		return problem_set(p, o, "Đã hết giờ làm bài. (Time is over.)");
	case OUTCOME_ATTEMPT_CLOSED:
		return problem_set(p, o, "Bài làm đã nộp. (The attempt was submitted.)");
	case OUTCOME_ALREADY_ANSWERED:
		return problem_set(p, o,
				   "Câu này đã được trả lời; khi luyện tập mỗi câu chỉ trả lời một "
				   "lần. (This practice question was already answered.)");
	default:
		return problem_set(p, o, "%s", detail ? detail : "");
	}
}
