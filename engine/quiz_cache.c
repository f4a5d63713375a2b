/* quiz_cache.c - the process-wide cache of questions (with their JSON
 * rendered once), quiz definitions, attempt facts and draw pools. */
#include "quiz_cache.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "db.h"
#include "db_attempt.h"
#include "quiz_rules.h"
#include "util.h"

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

char *quiz_json_text(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	json_decref(j);
	return s;
}

static void render_question(struct cached_question *cq)
{
	const struct db_question *q = &cq->q;
	char *head = quiz_json_text(json_pack("{s:I,s:s,s:s}", "id", (json_int_t)q->id, "type",
					      q->type, "stem", q->stem));
	/* Drop the closing brace to append "options". */
	head[strlen(head) - 1] = '\0';
	cq->head = xasprintf("%s,\"options\":[", head);
	free(head);
	if (!strcmp(q->type, "short"))
		return;
	cq->options = xcalloc(q->noptions, sizeof *cq->options);
	for (size_t i = 0; i < q->noptions; i++)
		cq->options[i] =
			quiz_json_text(json_pack("{s:I,s:s}", "id", (json_int_t)q->options[i].id,
						 "text", q->options[i].text));
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

const char *quiz_qcache_head(const struct db_question *q)
{
	return cached_of(q)->head;
}

const char *quiz_qcache_option(const struct db_question *q, size_t i)
{
	const struct cached_question *cq = cached_of(q);
	return cq->options ? cq->options[i] : NULL;
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

/* A cached definition and when its revision was last found current
 * (NOT_CHECKED: not trusted, read the revision on the next use). */
struct cached_quiz {
	struct db_quiz q; /* first: quiz_qcache_quiz hands out &q */
	_Atomic int64_t checked_ms;
};

#define NOT_CHECKED INT64_MIN

struct quiz_qcache {
	pthread_rwlock_t lock;
	struct idmap questions; /* id -> struct cached_question */
	struct idmap quizzes; /* id -> struct cached_quiz */
	/* Moved by every quiz_qcache_forget (under the write lock): a revision
	 * read that started before a forget never marks an entry current. */
	uint64_t forgets;
	struct idmap attempts; /* id -> struct attempt_facts */
	struct pool_entry *pools;
	size_t npools;
	struct cached_quiz **replaced; /* definitions an edit replaced */
	size_t nreplaced;
};

struct quiz_qcache *quiz_qcache_new(void)
{
	struct quiz_qcache *c = xcalloc(1, sizeof *c);
	pthread_rwlock_init(&c->lock, NULL);
	return c;
}

static void cached_quiz_free(struct cached_quiz *cq)
{
	if (!cq)
		return;
	db_quiz_cleanup(&cq->q);
	free(cq);
}

void quiz_qcache_free(struct quiz_qcache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->questions.cap; i++)
		cached_question_free(c->questions.vals[i]);
	for (size_t i = 0; i < c->quizzes.cap; i++)
		cached_quiz_free(c->quizzes.vals[i]);
	free(c->questions.keys);
	free(c->questions.vals);
	free(c->quizzes.keys);
	free(c->quizzes.vals);
	for (size_t i = 0; i < c->nreplaced; i++)
		cached_quiz_free(c->replaced[i]);
	free(c->replaced);
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

/* Points the map's entry for id at val (id present). */
static void idmap_set(struct idmap *m, int64_t id, void *val)
{
	for (size_t i = slot_of(id, m->cap);; i = (i + 1) & (m->cap - 1))
		if (m->vals[i] && m->keys[i] == id) {
			m->vals[i] = val;
			return;
		}
}

/* Puts nq (loaded at its revision, read from checked_ms on) in the cache
 * unless an entry at least as new is there; a replaced entry is kept until
 * the cache is freed, since callers may still hold it. The entry is marked
 * current only when no forget came after the read began (forgets still
 * c->forgets). Returns the entry to use; under the write lock. */
static struct cached_quiz *keep_quiz(struct quiz_qcache *c, struct cached_quiz *nq,
				     int64_t checked_ms, uint64_t forgets)
{
	int64_t mark = c->forgets == forgets ? checked_ms : NOT_CHECKED;
	struct cached_quiz *cur = idmap_find(&c->quizzes, nq->q.id);
	if (!cur) {
		atomic_store(&nq->checked_ms, mark);
		idmap_put(&c->quizzes, nq->q.id, nq);
		return nq;
	}
	if (cur->q.revision >= nq->q.revision) {
		cached_quiz_free(nq);
		return cur;
	}
	atomic_store(&nq->checked_ms, mark);
	idmap_set(&c->quizzes, nq->q.id, nq);
	c->replaced = xrealloc(c->replaced, (c->nreplaced + 1) * sizeof *c->replaced);
	c->replaced[c->nreplaced++] = cur;
	return nq;
}

/* Whether an entry found current at checked_ms may be used at now_ms
 * without reading its revision again. */
static bool trusted(int64_t checked_ms, int64_t now_ms)
{
	return checked_ms != NOT_CHECKED && now_ms >= checked_ms &&
	       now_ms - checked_ms < QUIZ_CACHE_TRUST_MS;
}

const struct db_quiz *quiz_qcache_quiz(struct quiz_qcache *c, struct db *db, int64_t id, int *found)
{
	int64_t now = clock_now_ms();
	pthread_rwlock_rdlock(&c->lock);
	struct cached_quiz *q = idmap_find(&c->quizzes, id);
	uint64_t forgets = c->forgets;
	bool fresh = q && trusted(atomic_load(&q->checked_ms), now);
	pthread_rwlock_unlock(&c->lock);
	*found = 1;
	if (fresh)
		return &q->q;
	int64_t revision = 0;
	int rc = db_quiz_revision(db, id, &revision);
	*found = rc;
	if (rc != 1)
		return NULL;
	if (q && q->q.revision == revision) {
		pthread_rwlock_rdlock(&c->lock);
		if (c->forgets == forgets)
			atomic_store(&q->checked_ms, now);
		pthread_rwlock_unlock(&c->lock);
		return &q->q;
	}
	struct cached_quiz *nq = xcalloc(1, sizeof *nq);
	rc = db_quiz_get(db, id, &nq->q);
	if (rc != 1) {
		free(nq);
		*found = rc;
		return NULL;
	}
	pthread_rwlock_wrlock(&c->lock);
	q = keep_quiz(c, nq, now, forgets);
	pthread_rwlock_unlock(&c->lock);
	return &q->q;
}

void quiz_qcache_forget(struct quiz_qcache *c, int64_t id)
{
	if (!c)
		return;
	pthread_rwlock_wrlock(&c->lock);
	c->forgets++;
	struct cached_quiz *q = idmap_find(&c->quizzes, id);
	if (q)
		atomic_store(&q->checked_ms, NOT_CHECKED);
	pthread_rwlock_unlock(&c->lock);
}

/* What never changes about an attempt: whose it is, its deadline, its
 * questions. Its state does change, so it is not here: the writing
 * transaction checks it (db_answers_save). */
struct attempt_facts {
	int64_t user_id;
	int64_t deadline;
	bool practice;
	size_t n;
	int64_t qids[]; /* sorted */
};

/* Past this many attempts the cache starts again empty (bounded memory). */
#define ATTEMPT_CACHE_MAX 200000

/* The facts of attempt_id, checking question_id against its draw: 1 with
 * *user, *deadline and *drawn set, 0 when there is no such attempt, -1 on
 * a storage error. */
int quiz_qcache_attempt(struct quiz_qcache *c, struct db *db, int64_t attempt_id,
			int64_t question_id, int64_t *user, int64_t *deadline, bool *drawn,
			bool *practice)
{
	pthread_rwlock_rdlock(&c->lock);
	struct attempt_facts *f = idmap_find(&c->attempts, attempt_id);
	if (f) {
		*user = f->user_id;
		*deadline = f->deadline;
		*practice = f->practice;
		*drawn =
			bsearch(&question_id, f->qids, f->n, sizeof *f->qids, quiz_cmp_i64) != NULL;
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
	f->practice = a.practice;
	f->n = nq;
	for (size_t i = 0; i < nq; i++)
		f->qids[i] = qs[i].question_id;
	db_attempt_questions_free(qs, nq);
	qsort(f->qids, f->n, sizeof *f->qids, quiz_cmp_i64);
	*user = f->user_id;
	*deadline = f->deadline;
	*practice = f->practice;
	*drawn = bsearch(&question_id, f->qids, f->n, sizeof *f->qids, quiz_cmp_i64) != NULL;
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
int quiz_qcache_pool(struct quiz_qcache *c, struct db *db, const struct db_quiz_draw *d,
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
