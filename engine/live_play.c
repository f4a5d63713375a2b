/* live_play.c - live games as their people play them: the host creates and
 * paces a game, players join with its PIN and answer; the finished game's
 * export and the accounts that took part. */
#include "live_priv.h"

#include <assert.h>
#include <math.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cards.h"
#include "clock.h"
#include "db_account.h"
#include "export.h"
#include "quiz_rules.h"
#include "quiz_write.h"
#include "rng.h"

int64_t live_points(bool correct, int64_t left_ms, int64_t question_ms)
{
	if (!correct || question_ms <= 0)
		return 0;
	if (left_ms < 0)
		left_ms = 0;
	if (left_ms > question_ms)
		left_ms = question_ms;
	return (int64_t)llround(1000.0 * (0.5 + 0.5 * (double)left_ms / (double)question_ms));
}

/* ---- creating ------------------------------------------------------------- */

/* Appends count ids drawn at random from the bank's live questions (topic
 * NULL or "": any) to ids, skipping those already there. */
static enum outcome draw(struct db *db, const char *bank, const char *topic, int64_t difficulty,
			 int64_t count, int64_t *ids, size_t *n, struct problem *p)
{
	int64_t *pool = NULL;
	size_t npool = 0;
	if (db_live_question_ids(db, bank, topic && *topic ? topic : NULL, (int)difficulty, &pool,
				 &npool))
		return problem_set(p, OUTCOME_INTERNAL, "live questions: %s", db_errmsg(db));
	size_t fresh = 0;
	for (size_t i = 0; i < npool; i++) {
		bool dup = false;
		for (size_t k = 0; k < *n && !dup; k++)
			dup = ids[k] == pool[i];
		if (!dup)
			pool[fresh++] = pool[i];
	}
	if ((int64_t)fresh < count) {
		free(pool);
		return problem_set(
			p, OUTCOME_INVALID,
			"Bank %s has %zu single-choice and true/false questions for this "
			"draw; %lld are asked for.",
			bank, fresh, (long long)count);
	}
	for (size_t i = 0; i < (size_t)count; i++) {
		size_t j = i + (size_t)(rng_u64() % (fresh - i));
		int64_t t = pool[i];
		pool[i] = pool[j];
		pool[j] = t;
		ids[(*n)++] = pool[i];
	}
	free(pool);
	return OUTCOME_OK;
}

/* Banks and quizzes are the admin's (api.md); a unit administrator hosts
 * from what its units' quizzes use: a quiz whose unit scope meets its
 * subtree (quiz_scope_meets, the leaderboards' rule) or a bank such a quiz
 * draws from. */
static bool hosts_from_anything(const struct db_user *host)
{
	return strcmp(host->role, "admin") == 0;
}

static enum outcome check_bank_scope(struct db *db, const struct db_user *host, const char *bank,
				     struct problem *p)
{
	if (hosts_from_anything(host))
		return OUTCOME_OK;
	struct db_live_scope *scopes = NULL;
	size_t n = 0;
	if (db_live_bank_scopes(db, bank, &scopes, &n))
		return problem_set(p, OUTCOME_INTERNAL, "live bank: %s", db_errmsg(db));
	bool allowed = false;
	for (size_t i = 0; i < n && !allowed; i++)
		allowed = quiz_scope_meets(scopes[i].path, host->unit_path);
	free(scopes);
	if (!allowed)
		return problem_set(p, OUTCOME_FORBIDDEN,
				   "Bank %.64s is drawn by no quiz of your units; ask an "
				   "administrator, or host from one of your units' quizzes.",
				   bank);
	return OUTCOME_OK;
}

static enum outcome draw_quiz(struct db *db, const struct db_user *host, int64_t quiz_id,
			      int64_t *ids, size_t *n, struct problem *p)
{
	struct db_live_draw *draws = NULL;
	size_t ndraws = 0;
	bool found = false;
	char scope[DB_LIVE_PATH_MAX] = "";
	if (db_live_quiz_draws(db, quiz_id, &draws, &ndraws, &found, scope))
		return problem_set(p, OUTCOME_INTERNAL, "live quiz: %s", db_errmsg(db));
	if (!found)
		return problem_set(p, OUTCOME_NOT_FOUND, "No such quiz.");
	if (!hosts_from_anything(host) && !quiz_scope_meets(scope, host->unit_path)) {
		free(draws);
		return problem_set(p, OUTCOME_FORBIDDEN, "Quiz %lld is outside your units.",
				   (long long)quiz_id);
	}
	enum outcome o = OUTCOME_OK;
	int64_t total = 0;
	for (size_t i = 0; i < ndraws; i++)
		total += draws[i].count;
	if (total < 1 || total > LIVE_QUESTIONS_MAX)
		o = problem_set(p, OUTCOME_INVALID,
				"The quiz draws %lld questions; a live game asks "
				"1 to %d.",
				(long long)total, LIVE_QUESTIONS_MAX);
	for (size_t i = 0; i < ndraws && o == OUTCOME_OK; i++)
		o = draw(db, draws[i].bank, draws[i].topic, draws[i].difficulty, draws[i].count,
			 ids, n, p);
	free(draws);
	return o;
}

static enum outcome check_new(const struct live_new *req, struct problem *p)
{
	if (req->seconds < LIVE_SECONDS_MIN || req->seconds > LIVE_SECONDS_MAX)
		return problem_set(p, OUTCOME_INVALID,
				   "seconds_per_question must be between %d and %d.",
				   LIVE_SECONDS_MIN, LIVE_SECONDS_MAX);
	if (req->quiz_id > 0)
		return OUTCOME_OK;
	if (!req->bank || !*req->bank)
		return problem_set(p, OUTCOME_INVALID, "bank or quiz_id is required.");
	if (req->count < 1 || req->count > LIVE_QUESTIONS_MAX)
		return problem_set(p, OUTCOME_INVALID, "count must be between 1 and %d.",
				   LIVE_QUESTIONS_MAX);
	if (req->difficulty < 0 || req->difficulty > 3)
		return problem_set(p, OUTCOME_INVALID, "difficulty must be 1, 2 or 3.");
	return OUTCOME_OK;
}

enum outcome live_create(struct db *db, const struct db_user *host, const struct live_new *req,
			 int64_t *id, char pin[LIVE_PIN_LEN + 1], struct problem *p)
{
	enum outcome o = check_new(req, p);
	if (o != OUTCOME_OK)
		return o;
	int64_t ids[LIVE_QUESTIONS_MAX];
	size_t n = 0;
	if (req->quiz_id > 0)
		o = draw_quiz(db, host, req->quiz_id, ids, &n, p);
	else if ((o = check_bank_scope(db, host, req->bank, p)) == OUTCOME_OK)
		o = draw(db, req->bank, req->topic, req->difficulty, req->count, ids, &n, p);
	if (o != OUTCOME_OK)
		return o;
	struct strbuf list;
	sb_init(&list);
	for (size_t i = 0; i < n; i++)
		sb_printf(&list, "%s%lld", i ? "," : "", (long long)ids[i]);
	/* A PIN is unique among games that have not ended; a clash draws
	 * another (a million PINs, so a few tries suffice). */
	int rc = DB_CONFLICT;
	for (int attempt = 0; attempt < 32 && rc == DB_CONFLICT; attempt++) {
		snprintf(pin, LIVE_PIN_LEN + 1, "%06u", (unsigned)(rng_u64() % 1000000u));
		rc = db_live_game_insert(db, pin, host->id, req->seconds, list.data, clock_now_ms(),
					 id);
	}
	sb_cleanup(&list);
	if (rc == DB_CONFLICT)
		return problem_set(p, OUTCOME_UNAVAILABLE, "No free PIN; try again.");
	if (rc)
		return problem_set(p, OUTCOME_INTERNAL, "live game: %s", db_errmsg(db));
	return OUTCOME_OK;
}

/* ---- joining -------------------------------------------------------------- */

/* The nickname without surrounding spaces into out; OUTCOME_INVALID when
 * it is empty, too long, not UTF-8 or holds control characters. */
static enum outcome check_nickname(const char *nickname, char out[64], struct problem *p)
{
	while (*nickname == ' ')
		nickname++;
	size_t len = strlen(nickname);
	while (len && nickname[len - 1] == ' ')
		len--;
	if (!len || len > LIVE_NICKNAME_MAX || !util_valid_utf8_len(nickname, len))
		return problem_set(p, OUTCOME_INVALID, "nickname must be 1 to %d bytes of text.",
				   LIVE_NICKNAME_MAX);
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)nickname[i] < 0x20 || nickname[i] == 0x7f)
			return problem_set(p, OUTCOME_INVALID,
					   "nickname must not hold control characters.");
	memcpy(out, nickname, len);
	out[len] = '\0';
	return OUTCOME_OK;
}

static bool valid_pin(const char *pin)
{
	if (strlen(pin) != LIVE_PIN_LEN)
		return false;
	for (const char *s = pin; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

enum outcome live_join_qr(const struct cards_site *site, const char *pin, char **svg,
			  struct problem *p)
{
	char base[300], url[340];
	if (!pin || !valid_pin(pin))
		return problem_set(p, OUTCOME_INVALID, "pin must be %d digits.", LIVE_PIN_LEN);
	if (cards_site_url(site, base, sizeof base))
		return problem_set(
			p, OUTCOME_INVALID,
			"The site's address is unknown: no Host header (set --public-url).");
	snprintf(url, sizeof url, "%s/live-play.html?pin=%s", base, pin);
	*svg = cards_qr_svg(url);
	if (!*svg)
		return problem_set(p, OUTCOME_INTERNAL, "The QR image cannot be drawn.");
	return OUTCOME_OK;
}

/* Stores a player of game_id with a new token; its id in *id and the
 * token's hash in hash. */
static enum outcome store_player(struct db *db, int64_t game_id, const char *nickname,
				 int64_t user_id, char token[LIVE_TOKEN_LEN + 1], int64_t *id,
				 unsigned char hash[32], struct problem *p)
{
	unsigned char raw[LIVE_TOKEN_LEN / 2];
	rng_bytes(raw, sizeof raw);
	sodium_bin2hex(token, LIVE_TOKEN_LEN + 1, raw, sizeof raw);
	live_token_hash(token, hash);
	int rc = db_live_player_insert(db, game_id, nickname, hash, user_id, clock_now_ms(), id);
	if (rc == DB_CONFLICT)
		return problem_set(p, OUTCOME_NICKNAME_TAKEN,
				   "The nickname %s is taken in this game.", nickname);
	if (rc)
		return problem_set(p, OUTCOME_INTERNAL, "live player: %s", db_errmsg(db));
	return OUTCOME_OK;
}

/* A join of a game this process does not hold: the proxy sends a game's
 * requests to the instance that owns it, which takes the player in from
 * storage (live_player_known, and its timer within LIVE_CHECK_MS), so
 * nothing is cached here. */
static enum outcome join_stored(struct db *db, int64_t live_id, const char *nickname,
				int64_t user_id, char token[LIVE_TOKEN_LEN + 1], struct problem *p)
{
	int64_t count = db_live_player_count(db, live_id);
	if (count < 0)
		return problem_set(p, OUTCOME_INTERNAL, "live players: %s", db_errmsg(db));
	if (count >= LIVE_PLAYERS_MAX)
		return problem_set(p, OUTCOME_CONFLICT, "The game is full (%d players).",
				   LIVE_PLAYERS_MAX);
	int64_t id;
	unsigned char hash[32];
	return store_player(db, live_id, nickname, user_id, token, &id, hash, p);
}

enum outcome live_join(struct db *db, const char *pin, const char *nickname, int64_t user_id,
		       int64_t *live_id, char token[LIVE_TOKEN_LEN + 1], struct problem *p)
{
	char name[64];
	enum outcome o = check_nickname(nickname, name, p);
	if (o != OUTCOME_OK)
		return o;
	if (!valid_pin(pin))
		return problem_set(p, OUTCOME_INVALID, "pin must be %d digits.", LIVE_PIN_LEN);
	int rc = db_live_game_by_pin(db, pin, live_id);
	if (rc < 0)
		return problem_set(p, OUTCOME_INTERNAL, "live pin: %s", db_errmsg(db));
	if (rc == 0)
		return problem_set(p, OUTCOME_NOT_FOUND, "No game is open with this PIN.");
	struct live_game *g;
	o = live_game_if_cached(*live_id, &g, p);
	if (o != OUTCOME_OK)
		return o;
	if (!g)
		return join_stored(db, *live_id, name, user_id, token, p);
	int64_t id;
	unsigned char hash[32];
	if (g->state == LIVE_ENDED) {
		o = problem_set(p, OUTCOME_NOT_FOUND, "No game is open with this PIN.");
	} else if (g->nplayers >= LIVE_PLAYERS_MAX) {
		o = problem_set(p, OUTCOME_CONFLICT, "The game is full (%d players).",
				LIVE_PLAYERS_MAX);
	} else if ((o = store_player(db, g->id, name, user_id, token, &id, hash, p)) ==
		   OUTCOME_OK) {
		live_player_add(g, id, user_id, name, hash);
		if (g->state == LIVE_LOBBY)
			live_broadcast_lobby(g, clock_now_ms());
	}
	pthread_mutex_unlock(&live_lock);
	return o;
}

/* ---- pacing --------------------------------------------------------------- */

enum outcome live_next(struct db *db, int64_t live_id, const struct db_user *user,
		       struct problem *p)
{
	struct live_game *g;
	enum outcome o = live_game_locked(db, live_id, &g, p);
	if (o != OUTCOME_OK)
		return o;
	int64_t now = clock_now_ms();
	if (!live_is_host(g, user)) {
		o = problem_set(p, OUTCOME_NOT_FOUND, "No such live game.");
	} else if (g->state == LIVE_ENDED) {
		o = problem_set(p, OUTCOME_CONFLICT, "The game has ended.");
	} else if (g->index + 1 >= (int64_t)g->nquestions) {
		live_end(db, g, now);
	} else {
		live_close_question(g);
		struct db_live_game row = { .id = g->id,
					    .question_index = g->index + 1,
					    .question_started_at = now,
					    .question_ends_at = now + g->seconds * 1000 };
		util_strlcpy(row.state, "question", sizeof row.state);
		if (db_live_game_update(db, &row)) {
			o = problem_set(p, OUTCOME_INTERNAL, "live next: %s", db_errmsg(db));
		} else {
			g->state = LIVE_QUESTION;
			g->index = row.question_index;
			g->started_at = row.question_started_at;
			g->ends_at = row.question_ends_at;
			g->closed = false;
			g->nanswered = 0;
			memset(g->distribution, 0, sizeof g->distribution);
			live_broadcast_question(g, now);
			live_timer_poke();
		}
	}
	pthread_mutex_unlock(&live_lock);
	return o;
}

/* ---- answering ------------------------------------------------------------ */

/* The checks of an answer (live_lock held): fills *pl and the option's
 * place in the question. */
static enum outcome check_answer(struct db *db, struct live_game *g, const char *token,
				 int64_t index, int64_t choice, int64_t now,
				 struct live_player **pl, size_t *option, struct problem *p)
{
	*pl = live_player_known(db, g, token);
	if (!*pl)
		return problem_set(p, OUTCOME_NOT_FOUND, "No such live game.");
	if (g->state == LIVE_LOBBY || index > g->index || index < 0)
		return problem_set(p, OUTCOME_INVALID, "Question %lld has not been asked.",
				   (long long)index);
	if ((*pl)->answered_index == index && g->state == LIVE_QUESTION && index == g->index)
		return problem_set(p, OUTCOME_ALREADY_ANSWERED, "This question is answered.");
	if (g->state == LIVE_ENDED || index < g->index || g->closed || now > g->ends_at)
		return problem_set(p, OUTCOME_TIME_OVER, "The time for this question is over.");
	const struct db_live_question *q = &g->questions[g->index];
	for (*option = 0; *option < q->noptions; (*option)++)
		if (q->options[*option].id == choice)
			return OUTCOME_OK;
	return problem_set(p, OUTCOME_INVALID, "choice is not an option of this question.");
}

enum outcome live_answer_begin(struct db *db, int64_t live_id, const char *player_token,
			       int64_t index, int64_t choice, struct quiz_write *w,
			       struct problem *p)
{
	memset(w, 0, sizeof *w);
	if (!player_token)
		return problem_set(p, OUTCOME_UNAUTHORIZED, "A player token is needed.");
	struct live_game *g;
	enum outcome o = live_game_locked(db, live_id, &g, p);
	if (o != OUTCOME_OK)
		return o;
	int64_t now = clock_now_ms();
	struct live_player *pl;
	size_t option = 0;
	o = check_answer(db, g, player_token, index, choice, now, &pl, &option, p);
	if (o == OUTCOME_OK) {
		bool correct = g->questions[index].options[option].correct != 0;
		w->kind = QUIZ_WRITE_LIVE_ANSWER;
		w->now_ms = now;
		w->live = (struct quiz_live_answer){
			.game_id = live_id,
			.player_id = pl->id,
			.index = index,
			.option_id = choice,
			.points = live_points(correct, g->ends_at - now, g->seconds * 1000),
			.correct = correct,
		};
		/* Held in memory (a second answer is refused at once) until it
		 * is stored; the pending write keeps the game cached. */
		w->live_previous = pl->answered_index;
		pl->answered_index = index;
		g->writes_pending++;
	}
	pthread_mutex_unlock(&live_lock);
	return o;
}

enum outcome live_answer_end(struct quiz_write *w, struct problem *p)
{
	const struct quiz_live_answer *a = &w->live;
	struct live_game *g = live_game_pinned(a->game_id);
	g->writes_pending--;
	/* players may have moved (a join reallocates): find the player again */
	struct live_player *pl = live_player_by_id(g, a->player_id);
	assert(pl);
	enum outcome o = w->status;
	if (o != OUTCOME_OK) {
		if (o != OUTCOME_ALREADY_ANSWERED)
			pl->answered_index = w->live_previous;
		pthread_mutex_unlock(&live_lock);
		*p = w->problem;
		return o;
	}
	pl->score += a->points;
	pl->last_points = a->points;
	if (g->index == a->index && !g->closed) {
		const struct db_live_question *q = &g->questions[a->index];
		for (size_t k = 0; k < q->noptions; k++)
			if (q->options[k].id == a->option_id)
				g->distribution[k]++;
		if (++g->nanswered >= g->nplayers)
			live_close_question(g);
	}
	pthread_mutex_unlock(&live_lock);
	return OUTCOME_OK;
}

enum outcome live_answer(struct db *db, int64_t live_id, const char *player_token, int64_t index,
			 int64_t choice, struct problem *p)
{
	struct quiz_write w;
	enum outcome o = live_answer_begin(db, live_id, player_token, index, choice, &w, p);
	if (o != OUTCOME_OK)
		return o;
	quiz_write_run(db, NULL, &w);
	o = live_answer_end(&w, p);
	quiz_write_cleanup(&w);
	return o;
}

/* ---- after the game ------------------------------------------------------- */

/* The game, checked ended (and hosted by user when user is not NULL). */
static enum outcome ended_game(struct db *db, int64_t live_id, const struct db_user *user,
			       bool need_host, struct problem *p)
{
	struct live_game *g;
	enum outcome o = live_game_locked(db, live_id, &g, p);
	if (o != OUTCOME_OK)
		return o;
	if (need_host && !live_is_host(g, user))
		o = problem_set(p, OUTCOME_NOT_FOUND, "No such live game.");
	else if (g->state != LIVE_ENDED)
		o = problem_set(p, OUTCOME_CONFLICT, "The game has not ended.");
	pthread_mutex_unlock(&live_lock);
	return o;
}

enum outcome live_export_csv(struct db *db, int64_t live_id, const struct db_user *user, char **csv,
			     size_t *len, struct problem *p)
{
	enum outcome o = ended_game(db, live_id, user, true, p);
	if (o != OUTCOME_OK)
		return o;
	struct db_live_result *rows = NULL;
	size_t n = 0;
	if (db_live_results(db, live_id, &rows, &n))
		return problem_set(p, OUTCOME_INTERNAL, "live results: %s", db_errmsg(db));
	struct strbuf sb;
	sb_init(&sb);
	sb_puts(&sb, "\xEF\xBB\xBFrank,nickname,username,score,correct,answered\r\n");
	int64_t rank = 0;
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || rows[i].score != rows[i - 1].score)
			rank = (int64_t)i + 1;
		sb_printf(&sb, "%lld,", (long long)rank);
		export_csv_cell(&sb, rows[i].nickname);
		sb_puts(&sb, ",");
		export_csv_cell(&sb, rows[i].username);
		sb_printf(&sb, ",%lld,%lld,%lld\r\n", (long long)rows[i].score,
			  (long long)rows[i].correct, (long long)rows[i].answered);
	}
	free(rows);
	*len = sb.len;
	*csv = sb_steal(&sb);
	return OUTCOME_OK;
}

enum outcome live_game_participants(struct db *db, int64_t live_id, int64_t **user_ids, size_t *n,
				    struct problem *p)
{
	enum outcome o = ended_game(db, live_id, NULL, false, p);
	if (o != OUTCOME_OK)
		return o;
	if (db_live_game_users(db, live_id, user_ids, n))
		return problem_set(p, OUTCOME_INTERNAL, "live players: %s", db_errmsg(db));
	return OUTCOME_OK;
}
