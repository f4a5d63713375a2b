/* contest_award.h - what a contest ends with: unit standings, publication,
 * the public results, the winners list, and the integrity report. Every
 * view ranks through the kept boards of contest_board.h and obeys the
 * leaderboard's freeze for everyone but admins.
 *
 * Prizes: the definition's "prizes":{"1":n1,"2":n2,"3":n3,"consolation":n4}
 * mark places by rank: an entry of rank r gets prize "1" when r <= n1, "2"
 * when r <= n1+n2, "3" when r <= n1+n2+n3, "consolation" when r <=
 * n1+n2+n3+n4, none otherwise; entries that share a rank share the prize.
 *
 * Standings: one row per unit, covering its subtree: entrants (people whose
 * best attempt was made in the subtree), headcount (the participation
 * report's figure summed over the contest's audiences, for the year the
 * contest closes in), participation_percent = entrants / headcount x 100
 * (one decimal; 0 when the headcount is 0), mean_score of the entrants'
 * best scores, prizes (how many entrants won each prize), and points =
 * participation_weight x participation_percent + the prize points of its
 * entrants (definition "standings":{"participation_weight","prize_points":
 * {"1","2","3","consolation"}}; weight 1 and no prize points by default).
 * Ranked by points (equal points share a rank), then by unit code.
 *
 * Integrity (nothing is disqualified; each flag is for a person to judge):
 *   shared_phone   - people with counted attempts whose phone numbers are
 *                    equal once spaces, dots and dashes are dropped;
 *   shared_address - people whose official attempts started from one
 *                    client address;
 *   too_fast       - an attempt whose duration is shorter than reading its
 *                    questions allows: CONTEST_READ_CHARS_PER_S characters
 *                    per second of its stems and options, and at least
 *                    CONTEST_READ_MIN_MS per question;
 *   same_answers   - people whose attempts drew the same questions and gave
 *                    the same answer to every one, when at least
 *                    CONTEST_SAME_MIN_WRONG of those answers are wrong (all
 *                    right answers alike prove nothing). */
#ifndef QUIZ_CONTEST_AWARD_H
#define QUIZ_CONTEST_AWARD_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "audit.h"
#include "outcome.h"

struct db;

/* A fast reader: about 300 words a minute of Vietnamese text. */
#define CONTEST_READ_CHARS_PER_S 25
#define CONTEST_READ_MIN_MS 1000
#define CONTEST_SAME_MIN_WRONG 1
#define CONTEST_WINNERS_TOP_MAX 10000

/* GET /contests/{id}/standings. unit_code NULL or "": the contest's unit
 * scope (or every root when it has none); depth >= 1. Answers
 * {"units":[{"rank","unit_code","unit_name","entrants","headcount",
 * "participation_percent","mean_score","prizes":{"1","2","3",
 * "consolation"},"points"}],"frozen","formula":{"participation_weight",
 * "prize_points":{...}}}. OUTCOME_NOT_FOUND (no such contest),
 * OUTCOME_INVALID (round, unit, depth), OUTCOME_INTERNAL. */
enum outcome contest_standings_view(struct db *db, int64_t quiz_id, const char *round,
				    const char *unit_code, int depth, bool admin, json_t **out,
				    struct problem *p);

/* POST /admin/contests/{id}/publish at now by actor (audited, in the same
 * transaction): {"published_at"}; publishing again keeps the first time.
 * OUTCOME_NOT_FOUND, OUTCOME_QUIZ_NOT_CLOSED (before closes_at),
 * OUTCOME_INTERNAL. */
enum outcome contest_publish(struct db *db, int64_t quiz_id, const struct audit_actor *actor,
			     json_t **out, struct problem *p);

/* GET /contests/{id}/results (public): {"entries":[{"rank","full_name",
 * "unit_name","score"}],"prizes":[{"rank","full_name","unit_name",
 * "prize"}]}, frozen for everyone but admins. OUTCOME_NOT_FOUND until
 * published. */
enum outcome contest_results_view(struct db *db, int64_t quiz_id, bool admin, json_t **out,
				  struct problem *p);

/* GET /admin/contests/{id}/winners: the first top entries (0: every
 * prized place, at least 10) of round (NULL: all rounds), with personal
 * details: {"winners":[{"rank","user_id","username","full_name",
 * "unit_code","unit_name","birth_year","phone","score","duration_ms",
 * "prediction","prize"}]}. For admins, so the live board. */
enum outcome contest_winners_view(struct db *db, int64_t quiz_id, const char *round, long long top,
				  json_t **out, struct problem *p);
/* The winners JSON as a file: format "csv" or "xlsx". */
enum outcome contest_winners_file(json_t *winners, const char *format, char **data, size_t *len,
				  struct problem *p);

/* GET /admin/contests/{id}/integrity: {"flags":[{"kind","user_ids",
 * "detail"}]}. */
enum outcome contest_integrity_view(struct db *db, int64_t quiz_id, json_t **out,
				    struct problem *p);

#endif
