/* db_live.c - migration 12 (live games, their players and answers) and the
 * SQL of live games. */
#include "db_live.h"

#include <stdlib.h>
#include <string.h>

#include "db_priv.h"
#include "util.h"

const char db_sql_live[] =
	"CREATE TABLE live_games ("
	"  id INTEGER PRIMARY KEY,"
	"  pin TEXT NOT NULL,"
	"  host_user_id INTEGER NOT NULL REFERENCES users(id),"
	"  seconds INTEGER NOT NULL,"
	"  question_ids TEXT NOT NULL," /* comma list, in the order asked */
	"  state TEXT NOT NULL CHECK (state IN ('lobby','question','ended')),"
	"  question_index INTEGER NOT NULL DEFAULT -1,"
	"  question_started_at INTEGER NOT NULL DEFAULT 0,"
	"  question_ends_at INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL,"
	"  ended_at INTEGER NOT NULL DEFAULT 0);"
	"CREATE UNIQUE INDEX live_games_pin ON live_games(pin) WHERE state <> 'ended';"
	"CREATE TABLE live_players ("
	"  id INTEGER PRIMARY KEY,"
	"  game_id INTEGER NOT NULL REFERENCES live_games(id),"
	"  nickname TEXT NOT NULL,"
	"  token_hash BLOB NOT NULL UNIQUE,"
	"  user_id INTEGER REFERENCES users(id),"
	"  score INTEGER NOT NULL DEFAULT 0,"
	"  joined_at INTEGER NOT NULL,"
	"  UNIQUE (game_id, nickname));"
	"CREATE INDEX live_players_user ON live_players(user_id) WHERE user_id IS NOT NULL;"
	"CREATE TABLE live_answers ("
	"  player_id INTEGER NOT NULL REFERENCES live_players(id),"
	"  question_index INTEGER NOT NULL,"
	"  game_id INTEGER NOT NULL REFERENCES live_games(id),"
	"  option_id INTEGER NOT NULL,"
	"  correct INTEGER NOT NULL,"
	"  points INTEGER NOT NULL,"
	"  answered_at INTEGER NOT NULL,"
	"  PRIMARY KEY (player_id, question_index)) WITHOUT ROWID;"
	"CREATE INDEX live_answers_game ON live_answers(game_id, question_index);";

static const char SQL_QUESTION_IDS[] =
	"SELECT q.id FROM questions q JOIN banks b ON b.id = q.bank_id"
	" WHERE b.code = ?1 AND q.current = 1 AND q.type IN ('single','true_false')"
	" AND (CAST(?2 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM question_topics t"
	"  WHERE t.question_id = q.id AND t.topic = ?2))"
	" AND (?3 = 0 OR q.difficulty = ?3) ORDER BY q.id";
static const char SQL_QUIZ_SCOPE[] =
	"SELECT COALESCE(u.path, '') FROM quizzes q LEFT JOIN units u ON u.id = q.unit_scope_id"
	" WHERE q.id = ?1";
static const char SQL_BANK_SCOPES[] =
	"SELECT DISTINCT COALESCE(u.path, '') FROM quiz_draws d JOIN banks b ON b.id = d.bank_id"
	" JOIN quizzes q ON q.id = d.quiz_id LEFT JOIN units u ON u.id = q.unit_scope_id"
	" WHERE b.code = ?1";
static const char SQL_QUIZ_DRAWS[] =
	"SELECT b.code, COALESCE(d.topic, ''), COALESCE(d.difficulty, 0), d.count"
	" FROM quiz_draws d JOIN banks b ON b.id = d.bank_id WHERE d.quiz_id = ?1"
	" ORDER BY d.position";
static const char SQL_QUESTION[] = "SELECT stem FROM questions WHERE id = ?1";
static const char SQL_OPTIONS[] =
	"SELECT id, text, weight > 0 FROM options WHERE question_id = ?1 ORDER BY position";
/* Inserts that may meet a unique key (a PIN, a nickname, an answer given)
 * do nothing then, and the caller reads no change as the conflict: a failed
 * statement would end the whole transaction on PostgreSQL. */
static const char SQL_GAME_INSERT[] =
	"INSERT INTO live_games (pin, host_user_id, seconds, question_ids, state, created_at)"
	" VALUES (?1, ?2, ?3, ?4, 'lobby', ?5) ON CONFLICT DO NOTHING";
DB_PG_RETURNING_ID(SQL_GAME_INSERT);
static const char SQL_GAME_GET[] =
	"SELECT id, pin, host_user_id, seconds, question_ids, state, question_index,"
	" question_started_at, question_ends_at, created_at, ended_at FROM live_games WHERE id = "
	"?1";
static const char SQL_GAME_BY_PIN[] =
	"SELECT id FROM live_games WHERE pin = ?1 AND state <> 'ended'";
static const char SQL_GAME_UPDATE[] =
	"UPDATE live_games SET state = ?2, question_index = ?3, question_started_at = ?4,"
	" question_ends_at = ?5, ended_at = ?6 WHERE id = ?1";
static const char SQL_PLAYER_INSERT[] =
	"INSERT INTO live_players (game_id, nickname, token_hash, user_id, joined_at)"
	" VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT DO NOTHING";
DB_PG_RETURNING_ID(SQL_PLAYER_INSERT);
static const char SQL_PLAYERS[] =
	"SELECT id, nickname, token_hash, COALESCE(user_id, 0), score FROM live_players"
	" WHERE game_id = ?1 AND id > ?2 ORDER BY id";
static const char SQL_PLAYER_COUNT[] = "SELECT count(*) FROM live_players WHERE game_id = ?1";
static const char SQL_ANSWER_INSERT[] =
	"INSERT INTO live_answers (player_id, question_index, game_id, option_id, correct, points,"
	" answered_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT DO NOTHING";
static const char SQL_SCORE_ADD[] = "UPDATE live_players SET score = score + ?2 WHERE id = ?1";
static const char SQL_ANSWERS[] = "SELECT player_id, option_id, points, correct FROM live_answers"
				  " WHERE game_id = ?1 AND question_index = ?2";
static const char SQL_RESULTS[] =
	"SELECT p.nickname, COALESCE(u.username, ''), p.score,"
	" (SELECT COUNT(*) FROM live_answers a WHERE a.player_id = p.id AND a.correct <> 0),"
	" (SELECT COUNT(*) FROM live_answers a WHERE a.player_id = p.id)"
	" FROM live_players p LEFT JOIN users u ON u.id = p.user_id AND u.erased_at IS NULL"
	" WHERE p.game_id = ?1 ORDER BY p.score DESC, p.id";
static const char SQL_GAME_USERS[] =
	"SELECT DISTINCT p.user_id FROM live_players p JOIN live_games g ON g.id = p.game_id"
	" WHERE p.game_id = ?1 AND g.state = 'ended' AND p.user_id IS NOT NULL ORDER BY p.user_id";

int db_live_question_ids(struct db *db, const char *bank, const char *topic, int difficulty,
			 int64_t **ids, size_t *n)
{
	db_st *st = db_stmt(db, SQL_QUESTION_IDS);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, bank, -1, DBS_STATIC);
	db_bind_text_or_null(st, 2, topic);
	dbs_bind_int(st, 3, difficulty);
	return db_collect_ids(db, st, "live questions", ids, n);
}

static void read_draw(db_st *st, void *row)
{
	struct db_live_draw *d = row;
	util_strlcpy(d->bank, db_col_text(st, 0), sizeof d->bank);
	util_strlcpy(d->topic, db_col_text(st, 1), sizeof d->topic);
	d->difficulty = dbs_column_int64(st, 2);
	d->count = dbs_column_int64(st, 3);
}

int db_live_quiz_draws(struct db *db, int64_t quiz_id, struct db_live_draw **rows, size_t *n,
		       bool *found, char scope_path[DB_LIVE_PATH_MAX])
{
	*rows = NULL;
	*n = 0;
	db_st *st = db_stmt(db, SQL_QUIZ_SCOPE);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, quiz_id);
	int ret = db_step_row(db, st, "live quiz");
	if (ret == 1)
		util_strlcpy(scope_path, db_col_text(st, 0), DB_LIVE_PATH_MAX);
	dbs_reset(st);
	if (ret < 0)
		return -1;
	*found = ret == 1;
	if (!*found)
		return 0;
	st = db_stmt(db, SQL_QUIZ_DRAWS);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, quiz_id);
	return db_collect_rows(db, st, sizeof **rows, read_draw, (void **)rows, n,
			       "live quiz draws");
}

static void read_scope(db_st *st, void *row)
{
	struct db_live_scope *scope = row;
	util_strlcpy(scope->path, db_col_text(st, 0), sizeof scope->path);
}

int db_live_bank_scopes(struct db *db, const char *bank, struct db_live_scope **rows, size_t *n)
{
	*rows = NULL;
	*n = 0;
	db_st *st = db_stmt(db, SQL_BANK_SCOPES);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, bank, -1, DBS_STATIC);
	return db_collect_rows(db, st, sizeof **rows, read_scope, (void **)rows, n,
			       "live bank scopes");
}

static void read_option(db_st *st, void *row)
{
	struct db_live_option *o = row;
	o->id = dbs_column_int64(st, 0);
	o->text = db_col_dup(st, 1);
	o->correct = dbs_column_int(st, 2);
}

int db_live_question(struct db *db, int64_t id, struct db_live_question *q)
{
	memset(q, 0, sizeof *q);
	db_st *st = db_stmt(db, SQL_QUESTION);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, id);
	int ret = db_step_row(db, st, "live question");
	if (ret == 1) {
		q->id = id;
		q->stem = db_col_dup(st, 0);
	}
	dbs_reset(st);
	if (ret != 1)
		return ret;
	st = db_stmt(db, SQL_OPTIONS);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, id);
	struct db_live_option *opts = NULL;
	size_t n = 0;
	if (db_collect_rows(db, st, sizeof *opts, read_option, (void **)&opts, &n,
			    "live options")) {
		db_live_question_cleanup(q);
		return -1;
	}
	for (size_t i = 0; i < n; i++) {
		if (i < DB_LIVE_OPTIONS_MAX)
			q->options[q->noptions++] = opts[i];
		else
			free(opts[i].text);
	}
	free(opts);
	return 1;
}

void db_live_question_cleanup(struct db_live_question *q)
{
	free(q->stem);
	for (size_t i = 0; i < q->noptions; i++)
		free(q->options[i].text);
	memset(q, 0, sizeof *q);
}

int db_live_game_insert(struct db *db, const char *pin, int64_t host_user_id, int64_t seconds,
			const char *question_ids, int64_t now_ms, int64_t *id)
{
	db_st *st = db_stmt(db, SQL_GAME_INSERT);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, pin, -1, DBS_STATIC);
	dbs_bind_int64(st, 2, host_user_id);
	dbs_bind_int64(st, 3, seconds);
	dbs_bind_text(st, 4, question_ids, -1, DBS_STATIC);
	dbs_bind_int64(st, 5, now_ms);
	int rc = db_exec_stmt(db, st, "insert live game");
	if (rc == 0 && db_changes(db) == 0)
		rc = DB_CONFLICT; /* the PIN of a game not ended */
	if (rc == 0)
		*id = db_last_insert_id(db);
	return rc;
}

int db_live_game_get(struct db *db, int64_t id, struct db_live_game *g)
{
	db_st *st = db_stmt(db, SQL_GAME_GET);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, id);
	int ret = db_step_row(db, st, "live game");
	if (ret == 1) {
		memset(g, 0, sizeof *g);
		g->id = dbs_column_int64(st, 0);
		util_strlcpy(g->pin, db_col_text(st, 1), sizeof g->pin);
		g->host_user_id = dbs_column_int64(st, 2);
		g->seconds = dbs_column_int64(st, 3);
		g->question_ids = db_col_dup(st, 4);
		util_strlcpy(g->state, db_col_text(st, 5), sizeof g->state);
		g->question_index = dbs_column_int64(st, 6);
		g->question_started_at = dbs_column_int64(st, 7);
		g->question_ends_at = dbs_column_int64(st, 8);
		g->created_at = dbs_column_int64(st, 9);
		g->ended_at = dbs_column_int64(st, 10);
	}
	dbs_reset(st);
	return ret;
}

int db_live_game_by_pin(struct db *db, const char *pin, int64_t *id)
{
	db_st *st = db_stmt(db, SQL_GAME_BY_PIN);
	if (!st)
		return -1;
	dbs_bind_text(st, 1, pin, -1, DBS_STATIC);
	int ret = db_step_row(db, st, "live game by pin");
	if (ret == 1)
		*id = dbs_column_int64(st, 0);
	dbs_reset(st);
	return ret;
}

int db_live_game_update(struct db *db, const struct db_live_game *g)
{
	db_st *st = db_stmt(db, SQL_GAME_UPDATE);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, g->id);
	dbs_bind_text(st, 2, g->state, -1, DBS_STATIC);
	dbs_bind_int64(st, 3, g->question_index);
	dbs_bind_int64(st, 4, g->question_started_at);
	dbs_bind_int64(st, 5, g->question_ends_at);
	dbs_bind_int64(st, 6, g->ended_at);
	return db_exec_stmt(db, st, "update live game") ? -1 : 0;
}

int db_live_player_insert(struct db *db, int64_t game_id, const char *nickname,
			  const unsigned char token_hash[32], int64_t user_id, int64_t now_ms,
			  int64_t *id)
{
	db_st *st = db_stmt(db, SQL_PLAYER_INSERT);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, game_id);
	dbs_bind_text(st, 2, nickname, -1, DBS_STATIC);
	dbs_bind_blob(st, 3, token_hash, 32, DBS_STATIC);
	if (user_id)
		dbs_bind_int64(st, 4, user_id);
	dbs_bind_int64(st, 5, now_ms);
	int rc = db_exec_stmt(db, st, "insert live player");
	if (rc == 0 && db_changes(db) == 0)
		rc = DB_CONFLICT; /* the nickname, in this game */
	if (rc == 0)
		*id = db_last_insert_id(db);
	return rc;
}

static void read_player(db_st *st, void *row)
{
	struct db_live_player *p = row;
	p->id = dbs_column_int64(st, 0);
	util_strlcpy(p->nickname, db_col_text(st, 1), sizeof p->nickname);
	if (dbs_column_bytes(st, 2) == 32)
		memcpy(p->token_hash, dbs_column_blob(st, 2), 32);
	p->user_id = dbs_column_int64(st, 3);
	p->score = dbs_column_int64(st, 4);
}

int db_live_players(struct db *db, int64_t game_id, int64_t after_id, struct db_live_player **rows,
		    size_t *n)
{
	db_st *st = db_stmt(db, SQL_PLAYERS);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, game_id);
	dbs_bind_int64(st, 2, after_id);
	return db_collect_rows(db, st, sizeof **rows, read_player, (void **)rows, n,
			       "live players");
}

int64_t db_live_player_count(struct db *db, int64_t game_id)
{
	db_st *st = db_stmt(db, SQL_PLAYER_COUNT);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, game_id);
	int rc = db_step_row(db, st, "live player count");
	int64_t count = rc == 1 ? dbs_column_int64(st, 0) : rc;
	dbs_reset(st);
	return count;
}

int db_live_answer_store(struct db *db, int64_t game_id, int64_t player_id, int64_t index,
			 int64_t option_id, int correct, int64_t points, int64_t now_ms)
{
	db_st *st = db_stmt(db, SQL_ANSWER_INSERT);
	int rc = -1;
	if (!st)
		goto out;
	dbs_bind_int64(st, 1, player_id);
	dbs_bind_int64(st, 2, index);
	dbs_bind_int64(st, 3, game_id);
	dbs_bind_int64(st, 4, option_id);
	dbs_bind_int(st, 5, correct);
	dbs_bind_int64(st, 6, points);
	dbs_bind_int64(st, 7, now_ms);
	rc = db_exec_stmt(db, st, "insert live answer");
	if (rc == 0 && db_changes(db) == 0)
		rc = DB_CONFLICT; /* answered already */
	if (rc != 0)
		goto out;
	st = db_stmt(db, SQL_SCORE_ADD);
	if (!st) {
		rc = -1;
		goto out;
	}
	dbs_bind_int64(st, 1, player_id);
	dbs_bind_int64(st, 2, points);
	rc = db_exec_stmt(db, st, "add live score") ? -1 : 0;
out:
	return rc == 0 ? 0 : rc == DB_CONFLICT ? DB_CONFLICT : -1;
}

static void read_answer(db_st *st, void *row)
{
	struct db_live_answer *a = row;
	a->player_id = dbs_column_int64(st, 0);
	a->option_id = dbs_column_int64(st, 1);
	a->points = dbs_column_int64(st, 2);
	a->correct = dbs_column_int(st, 3);
}

int db_live_answers(struct db *db, int64_t game_id, int64_t index, struct db_live_answer **rows,
		    size_t *n)
{
	db_st *st = db_stmt(db, SQL_ANSWERS);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, game_id);
	dbs_bind_int64(st, 2, index);
	return db_collect_rows(db, st, sizeof **rows, read_answer, (void **)rows, n,
			       "live answers");
}

static void read_result(db_st *st, void *row)
{
	struct db_live_result *r = row;
	util_strlcpy(r->nickname, db_col_text(st, 0), sizeof r->nickname);
	util_strlcpy(r->username, db_col_text(st, 1), sizeof r->username);
	r->score = dbs_column_int64(st, 2);
	r->correct = dbs_column_int64(st, 3);
	r->answered = dbs_column_int64(st, 4);
}

int db_live_results(struct db *db, int64_t game_id, struct db_live_result **rows, size_t *n)
{
	db_st *st = db_stmt(db, SQL_RESULTS);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, game_id);
	return db_collect_rows(db, st, sizeof **rows, read_result, (void **)rows, n,
			       "live results");
}

int db_live_game_users(struct db *db, int64_t game_id, int64_t **user_ids, size_t *n)
{
	db_st *st = db_stmt(db, SQL_GAME_USERS);
	if (!st)
		return -1;
	dbs_bind_int64(st, 1, game_id);
	return db_collect_ids(db, st, "live game users", user_ids, n);
}
