/* api.h - the HTTP handlers, one per route of routes.c, in sections named
 * after the file that holds them. Each reads its input, calls the domain,
 * and answers its outcome (api_fail) or the JSON of api.md. Role checks
 * already ran (see http.h). */
#ifndef QUIZ_API_H
#define QUIZ_API_H

#include <jansson.h>
#include <stddef.h>

#include "http.h"
#include "outcome.h"

/* routes.c */
extern const struct route api_routes[];
extern const size_t api_nroutes;

/* Shared helpers (api_common.c). */
/* {"id","username","full_name","role","unit_code","audience"}: new reference. */
json_t *api_user_json(const struct db_user *u);
/* The string field name of obj, or NULL after filling out with a 400 naming
 * the field. max_bytes bounds its UTF-8 length; required: absent is an error. */
const char *api_string_field(json_t *obj, const char *name, size_t max_bytes, bool required,
			     struct resp *out);
/* True when the request body is CSV (by Content-Type). */
bool api_body_is_csv(const struct req *r);
/* Answers a failed domain call: the status and code of o from the one table
 * (outcome.h), with p's message (or a generic one when p is NULL or empty).
 * Returns 0. */
int api_fail(struct resp *out, enum outcome o, const struct problem *p);
/* The integer query argument name into *value, left alone when absent or
 * empty. Returns OUTCOME_OK, or OUTCOME_INVALID naming it. */
enum outcome api_query_int(struct req *r, const char *name, long long *value, struct problem *p);

/* api_service.c */
int api_healthz(struct req *r, struct resp *out);
int api_metrics(struct req *r, struct resp *out);

/* api_auth.c: POST /api/v1/auth/login, /auth/logout, /auth/register */
int api_login(struct req *r, struct resp *out);
int api_logout(struct req *r, struct resp *out);
int api_register(struct req *r, struct resp *out);
/* POST /api/v1/auth/card (api_auth.c) */
int api_card_login(struct req *r, struct resp *out);
struct account_op;
struct account_result;
/* Suspends r while op (account.h) hashes on the pool; resume(r, out) then
 * runs on the server's thread and calls api_account_resumed. */
void api_account_suspend(struct req *r, struct account_op *op,
			 int (*resume)(struct req *r, struct resp *out));
/* Finishes the operation r was suspended for: true with res filled, or
 * false after answering its failure (api_fail, plus Retry-After for
 * OUTCOME_RATE_LIMITED). */
bool api_account_resumed(struct req *r, struct resp *out, struct account_result *res);
/* Answers a refused account operation: api_fail, plus Retry-After (from
 * res->retry_after_s) for OUTCOME_RATE_LIMITED. Returns 0. */
int api_account_fail(struct resp *out, enum outcome o, const struct problem *p,
		     const struct account_result *res);

/* api_registration.c: GET /api/v1/registration and
 * /api/v1/registration/{id}/units (public), GET /api/v1/admin/users/unconfirmed,
 * GET/POST/DELETE
 * /api/v1/admin/contests/{id}/registration, POST
 * /api/v1/admin/users/{id}/confirm and /api/v1/admin/users/confirm */
int api_registration_list(struct req *r, struct resp *out);
int api_registration_units(struct req *r, struct resp *out);
int api_admin_registration_get(struct req *r, struct resp *out);
int api_admin_registration_open(struct req *r, struct resp *out);
int api_admin_registration_close(struct req *r, struct resp *out);
int api_admin_users_unconfirmed(struct req *r, struct resp *out);
int api_admin_user_confirm(struct req *r, struct resp *out);
int api_admin_users_confirm(struct req *r, struct resp *out);

/* api_me.c: GET /api/v1/me, GET /api/v1/me/history, POST
 * /api/v1/me/password */
int api_me(struct req *r, struct resp *out);
int api_me_history(struct req *r, struct resp *out);
int api_change_password(struct req *r, struct resp *out);

/* api_admin_org.c: POST /api/v1/admin/units, PUT
 * /api/v1/admin/units/{code}/headcounts, POST /api/v1/admin/users */
int api_admin_units(struct req *r, struct resp *out);
int api_admin_headcounts(struct req *r, struct resp *out);
int api_admin_users(struct req *r, struct resp *out);

/* api_admin_people.c: GET /api/v1/admin/units, GET /api/v1/admin/users,
 * GET /api/v1/admin/users/{id}/attempts, PATCH /api/v1/admin/users/{id},
 * GET /api/v1/admin/audit */
int api_admin_units_list(struct req *r, struct resp *out);
int api_admin_users_list(struct req *r, struct resp *out);
int api_admin_user_attempts(struct req *r, struct resp *out);
int api_admin_user_patch(struct req *r, struct resp *out);
int api_admin_audit(struct req *r, struct resp *out);
/* POST /api/v1/admin/users/{id}/password, POST /api/v1/admin/units/{code}/cards */
int api_admin_user_password(struct req *r, struct resp *out);
int api_admin_cards(struct req *r, struct resp *out);
/* Writes the audit-log entry of a write the caller of r has just committed
 * (for the domain functions that do not take an actor): action, target,
 * detail (stolen; NULL for {}). A failure is logged, the answer stays. */
void api_audit(struct req *r, const char *action, const char *target, json_t *detail);

/* api_activities.c: POST and GET /api/v1/admin/activities, PATCH
 * /api/v1/admin/activities/{id}, POST and GET
 * /api/v1/admin/activities/{id}/attendees, GET
 * /api/v1/admin/activities/{id}/check-in, POST /api/v1/activities/{id}/check-in */
int api_admin_activity_create(struct req *r, struct resp *out);
int api_admin_activity_list(struct req *r, struct resp *out);
int api_admin_activity_patch(struct req *r, struct resp *out);
int api_admin_activity_attendees_add(struct req *r, struct resp *out);
int api_admin_activity_attendees(struct req *r, struct resp *out);
int api_admin_activity_check_in_page(struct req *r, struct resp *out);
int api_activity_check_in(struct req *r, struct resp *out);

/* api_banks.c: POST /api/v1/admin/banks */
int api_admin_banks(struct req *r, struct resp *out);

/* api_bank_admin.c: GET /api/v1/admin/banks, GET /api/v1/admin/banks/{code},
 * PUT and DELETE /api/v1/admin/banks/{code}/questions/{question_code},
 * GET /api/v1/admin/banks/{code}/export */
int api_admin_bank_list(struct req *r, struct resp *out);
int api_admin_bank_get(struct req *r, struct resp *out);
int api_admin_question_put(struct req *r, struct resp *out);
int api_admin_question_retire(struct req *r, struct resp *out);
int api_admin_bank_export(struct req *r, struct resp *out);
/* POST /api/v1/admin/banks/{code}/questions/{question_code}/rescore */
int api_admin_question_rescore(struct req *r, struct resp *out);

/* api_quiz_admin.c: GET /api/v1/admin/quizzes, GET /api/v1/admin/quizzes/{id},
 * GET /api/v1/admin/quizzes/{id}/results */
int api_admin_quiz_list(struct req *r, struct resp *out);
int api_admin_quiz_get(struct req *r, struct resp *out);
int api_admin_quiz_results(struct req *r, struct resp *out);
/* POST /api/v1/admin/quizzes/check, POST /api/v1/admin/quizzes/{id}/preview */
int api_admin_quiz_check(struct req *r, struct resp *out);
int api_admin_quiz_preview(struct req *r, struct resp *out);
/* PUT /api/v1/admin/quizzes/{id} */
int api_admin_quiz_put(struct req *r, struct resp *out);

/* api_quizzes.c: POST /api/v1/admin/quizzes, GET /api/v1/quizzes */
int api_admin_quizzes(struct req *r, struct resp *out);
int api_quizzes(struct req *r, struct resp *out);
/* Shared by the quiz handlers (api_quizzes.c): the running quiz service,
 * or NULL after answering 503; the caller as a quiz participant; and
 * api_fail that logs an OUTCOME_INTERNAL's message once and shows none of
 * it. */
struct quiz_service;
struct quiz_participant;
struct quiz_service *api_quiz_service(struct req *r, struct resp *out);
/* Queues w to s's group commit with r suspended: once w is applied, the
 * committer calls wake(ctx) (which wakes r, http_wake) and resume(r, out)
 * answers on the server's thread (r->resume_ctx is ctx) and ends with
 * quiz_service_leave(s). False, with 503 answered and nothing queued,
 * while the service stops. */
struct quiz_write;
bool api_queue_write(struct req *r, struct resp *out, struct quiz_service *s, struct quiz_write *w,
		     int (*resume)(struct req *r, struct resp *out), void *ctx,
		     void (*wake)(void *ctx));
void api_quiz_participant(const struct req *r, struct quiz_participant *p);
int api_quiz_fail(struct resp *out, enum outcome o, const struct problem *p);

/* api_attempts.c: POST /api/v1/quizzes/{id}/attempts, GET
 * /api/v1/attempts/{id}, PUT /api/v1/attempts/{id}/answers/{question_id},
 * POST /api/v1/attempts/{id}/submit */
int api_attempt_start(struct req *r, struct resp *out);
int api_attempt_get(struct req *r, struct resp *out);
int api_answer_save(struct req *r, struct resp *out);
int api_attempt_submit(struct req *r, struct resp *out);

/* api_contests.c: GET /api/v1/contests/{id}/leaderboard */
int api_contest_leaderboard(struct req *r, struct resp *out);
/* GET /api/v1/contests/{id}/standings, GET /api/v1/contests/{id}/results,
 * POST /api/v1/admin/contests/{id}/publish, GET
 * /api/v1/admin/contests/{id}/winners, GET /api/v1/admin/contests/{id}/integrity */
int api_contest_standings(struct req *r, struct resp *out);
int api_contest_results(struct req *r, struct resp *out);
int api_contest_publish(struct req *r, struct resp *out);
int api_contest_winners(struct req *r, struct resp *out);
int api_contest_integrity(struct req *r, struct resp *out);

/* api_privacy.c: GET /api/v1/admin/users/{id}/export, DELETE
 * /api/v1/admin/users/{id} */
int api_admin_user_export(struct req *r, struct resp *out);
int api_admin_user_erase(struct req *r, struct resp *out);

/* api_reports.c: GET /api/v1/reports/participation, /reports/participation/weekly,
 * /reports/plans/{plan_code}, /reports/missing, /reports/yearly, /reports/questions */
int api_report_participation(struct req *r, struct resp *out);
int api_report_weekly(struct req *r, struct resp *out);
int api_report_plan(struct req *r, struct resp *out);
int api_report_missing(struct req *r, struct resp *out);
int api_report_yearly(struct req *r, struct resp *out);
int api_report_questions(struct req *r, struct resp *out);

/* api_plans.c: GET /api/v1/admin/plans, PUT /api/v1/admin/plans/{code} */
int api_admin_plans(struct req *r, struct resp *out);
int api_admin_plan_put(struct req *r, struct resp *out);

/* api_certificates.c: GET /api/v1/attempts/{id}/certificate,
 * GET /api/v1/activities/{id}/certificate, GET /api/v1/certificates/{code} */
int api_certificate(struct req *r, struct resp *out);
int api_activity_certificate(struct req *r, struct resp *out);
int api_certificate_check(struct req *r, struct resp *out);

/* api_live.c: POST /api/v1/live, POST /api/v1/live/join, GET
 * /api/v1/live/{id}/events, POST /api/v1/live/{id}/next, POST
 * /api/v1/live/{id}/answers, GET /api/v1/live/{id}/export */
int api_live_create(struct req *r, struct resp *out);
int api_live_join(struct req *r, struct resp *out);
int api_live_events(struct req *r, struct resp *out);
int api_live_next(struct req *r, struct resp *out);
int api_live_answer(struct req *r, struct resp *out);
int api_live_export(struct req *r, struct resp *out);
/* GET /api/v1/live/qr?pin= (public): the join QR image as SVG */
int api_live_qr(struct req *r, struct resp *out);

#endif
