/* live.h - live games (api.md, "Live games"): a host paces questions to
 * players who joined with a PIN, answers are scored from the server's
 * clock, and every listener (host and players) follows the game as
 * server-sent events.
 *
 * The game, its players, answers and scores are stored (db_live.h); each
 * process keeps the games it serves in memory as a cache with their
 * listeners, and one timer thread closes questions whose time ran out,
 * ends games left without a host for LIVE_HOST_ABSENT_MS and compares each
 * game with storage every LIVE_CHECK_MS (several instances: the proxy
 * routes a game's requests to one; joins through another instance are
 * taken in, a copy another instance moved on is retired). A listener costs
 * no thread: the caller hands a wake callback that the game calls when the
 * listener has something to read (see http_stream_wake). */
#ifndef QUIZ_LIVE_H
#define QUIZ_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "outcome.h"

struct db;
struct db_user;

#define LIVE_PIN_LEN 6
#define LIVE_TOKEN_LEN 40 /* 20 random bytes in hex; not a session token's length */
#define LIVE_NICKNAME_MAX 32 /* bytes of UTF-8 */
#define LIVE_QUESTIONS_MAX 100
#define LIVE_PLAYERS_MAX 20000
#define LIVE_SECONDS_MIN 5
#define LIVE_SECONDS_MAX 300
#define LIVE_HOST_ABSENT_MS (30LL * 60 * 1000)
#define LIVE_TOP 5
/* Lobby events (every player's nickname) go out at most this often per
 * game; the timer sends the one a burst of joins left due. */
#define LIVE_LOBBY_EVERY_MS 250
/* Each game this process holds is compared with storage at most this
 * often (by the timer): players who joined through another instance are
 * taken in, and a copy that storage shows moved on elsewhere is retired. */
#define LIVE_CHECK_MS 1000

/* Starts the timer thread; db is a connection the service owns from now on
 * (closed by live_service_stop). 0, or -1 with a message in err. */
int live_service_start(struct db *db, char *err, size_t errlen);
/* Ends every listener's stream (their connections can then finish) and
 * refuses new ones, before the HTTP server stops. */
void live_service_quiesce(void);
/* Stops the timer thread and frees every cached game (also those a
 * process without the timer, such as a test, loaded); safe when not
 * started. */
void live_service_stop(void);

/* What a host asks for: questions drawn from a bank (topic NULL: any,
 * difficulty 0: any), or those a quiz draws (quiz_id > 0). */
struct live_new {
	const char *bank;
	const char *topic;
	int64_t count, difficulty, seconds, quiz_id;
};
/* Creates a game in the lobby hosted by host: its id and PIN (NUL ended).
 * OUTCOME_INVALID for a bad request or a bank without enough single-choice
 * and true/false questions, OUTCOME_NOT_FOUND for an unknown quiz,
 * OUTCOME_FORBIDDEN when host is a unit administrator and the quiz's unit
 * scope does not meet its subtree, or no quiz whose scope does draws from
 * the bank (an admin hosts from any bank or quiz). */
enum outcome live_create(struct db *db, const struct db_user *host, const struct live_new *req,
			 int64_t *id, char pin[LIVE_PIN_LEN + 1], struct problem *p);
/* Adds a player named nickname to the game holding pin; user_id links a
 * logged-in participant (0: none). Fills the game id and the player's
 * token (NUL ended). OUTCOME_NOT_FOUND for an unknown or ended game,
 * OUTCOME_NICKNAME_TAKEN, OUTCOME_INVALID for a bad nickname. */
enum outcome live_join(struct db *db, const char *pin, const char *nickname, int64_t user_id,
		       int64_t *live_id, char token[LIVE_TOKEN_LEN + 1], struct problem *p);

/* The QR image (SVG document, new string) of the player page's address
 * with pin filled in: site's address + "/live-play.html?pin=PIN".
 * OUTCOME_INVALID for a PIN that is not LIVE_PIN_LEN digits or no usable
 * site address. Nothing is looked up: the PIN is what the projector shows. */
struct cards_site;
enum outcome live_join_qr(const struct cards_site *site, const char *pin, char **svg,
			  struct problem *p);

/* Who is asking: a player by token, or else the logged-in user (NULL:
 * anonymous); the host is the user who created the game, or an admin. */
struct live_caller {
	const char *player_token;
	const struct db_user *user;
};

struct live_listener;
/* Subscribes the caller to the game's events; the listener's first read
 * holds the game's current state. wake(wake_ctx) is called, from any
 * thread, whenever there is more to read. OUTCOME_UNAUTHORIZED without
 * credentials, OUTCOME_NOT_FOUND when the game or the caller's place in it
 * is unknown, OUTCOME_UNAVAILABLE while stopping. */
enum outcome live_listen(struct db *db, int64_t live_id, const struct live_caller *who,
			 void (*wake)(void *ctx), void *wake_ctx, struct live_listener **out,
			 struct problem *p);
/* Copies up to max bytes of pending events into buf: the count, 0 when
 * there is nothing now (wake will be called), -1 when the stream is over
 * (the game ended or the service stops). */
long live_listener_read(void *listener, char *buf, size_t max);
/* Unsubscribes and frees; accepts NULL. Once it returns, wake is never
 * called again for this listener. */
void live_listener_free(void *listener);

/* The host moves on: the lobby or a closed question goes to the next
 * question (an open one is closed first), the last one to the end.
 * OUTCOME_NOT_FOUND when the game is unknown or the caller is not its
 * host, OUTCOME_CONFLICT once it has ended. */
enum outcome live_next(struct db *db, int64_t live_id, const struct db_user *user,
		       struct problem *p);
/* A player answers question index with option choice, stored in a
 * transaction of its own (quizd stores through the group commit: see
 * live_answer_begin). OUTCOME_TIME_OVER
 * after the question's end (or once it closed), OUTCOME_ALREADY_ANSWERED,
 * OUTCOME_INVALID for an index not asked yet or a choice not among its
 * options, OUTCOME_UNAUTHORIZED without a token, OUTCOME_NOT_FOUND for an
 * unknown game or token. */
enum outcome live_answer(struct db *db, int64_t live_id, const char *player_token, int64_t index,
			 int64_t choice, struct problem *p);
/* live_answer in two halves, for a caller that stores the answer through
 * the quiz service's group commit (quiz_service_submit): begin checks it as
 * live_answer does, holds it in memory (a second answer is refused at
 * once) and fills w, a QUIZ_WRITE_LIVE_ANSWER with its points from the
 * server's clock now; once w was applied, end (for every w that begin
 * filled, even when it was never queued: set w->status) counts it, or lets
 * the player answer again when it was not stored, and returns w->status
 * (OUTCOME_ALREADY_ANSWERED when storage held an answer already). */
struct quiz_write;
enum outcome live_answer_begin(struct db *db, int64_t live_id, const char *player_token,
			       int64_t index, int64_t choice, struct quiz_write *w,
			       struct problem *p);
enum outcome live_answer_end(struct quiz_write *w, struct problem *p);
/* The points of a right answer given with left_ms of question_ms to go:
 * 1000 x (0.5 + 0.5 x left / total), rounded; 0 for a wrong one. */
int64_t live_points(bool correct, int64_t left_ms, int64_t question_ms);

/* A finished game's players by score as CSV (UTF-8 with BOM): rank,
 * nickname, username, score, correct, answered. *csv new (caller frees).
 * OUTCOME_NOT_FOUND for an unknown game or a caller who is not its host,
 * OUTCOME_CONFLICT before it ends. */
enum outcome live_export_csv(struct db *db, int64_t live_id, const struct db_user *user, char **csv,
			     size_t *len, struct problem *p);
/* The accounts of the players of an ended game who were logged in when
 * they joined (attendance for the activities' "live_game" kind): a new
 * array (caller frees), sorted. OUTCOME_NOT_FOUND for an unknown game,
 * OUTCOME_CONFLICT before it ends. */
enum outcome live_game_participants(struct db *db, int64_t live_id, int64_t **user_ids, size_t *n,
				    struct problem *p);

#endif
