/* routes.c - the route table: method, path pattern, handler, least role.
 * Authentication and role checks run in http.c before any handler. */
#include "api.h"

const struct route api_routes[] = {
	{ "GET", "/healthz", api_healthz, ROLE_PUBLIC, 0 },
	{ "GET", "/metrics", api_metrics, ROLE_PUBLIC, 0 },

	{ "POST", "/api/v1/auth/login", api_login, ROLE_PUBLIC, 0 },
	{ "POST", "/api/v1/auth/logout", api_logout, ROLE_PARTICIPANT, 0 },
	{ "POST", "/api/v1/auth/register", api_register, ROLE_PUBLIC, 0 },
	{ "POST", "/api/v1/auth/card", api_card_login, ROLE_PUBLIC, 0 },
	{ "GET", "/api/v1/me", api_me, ROLE_PARTICIPANT, 0 },
	{ "POST", "/api/v1/me/password", api_change_password, ROLE_PARTICIPANT, 0 },

	{ "POST", "/api/v1/admin/units", api_admin_units, ROLE_UNIT_ADMIN, ROUTE_UPLOAD },
	{ "PUT", "/api/v1/admin/units/{code}/headcounts", api_admin_headcounts, ROLE_UNIT_ADMIN,
	  0 },
	{ "POST", "/api/v1/admin/users", api_admin_users, ROLE_UNIT_ADMIN, ROUTE_UPLOAD },
	{ "GET", "/api/v1/admin/units", api_admin_units_list, ROLE_UNIT_ADMIN, 0 },
	{ "GET", "/api/v1/admin/users", api_admin_users_list, ROLE_UNIT_ADMIN, 0 },
	{ "PATCH", "/api/v1/admin/users/{id}", api_admin_user_patch, ROLE_UNIT_ADMIN, 0 },
	{ "GET", "/api/v1/admin/audit", api_admin_audit, ROLE_ADMIN, 0 },
	{ "POST", "/api/v1/admin/users/{id}/password", api_admin_user_password, ROLE_UNIT_ADMIN,
	  0 },
	{ "POST", "/api/v1/admin/units/{code}/cards", api_admin_cards, ROLE_UNIT_ADMIN, 0 },

	{ "POST", "/api/v1/admin/banks", api_admin_banks, ROLE_ADMIN, ROUTE_UPLOAD },
	{ "GET", "/api/v1/admin/banks", api_admin_bank_list, ROLE_ADMIN, 0 },
	{ "GET", "/api/v1/admin/banks/{code}", api_admin_bank_get, ROLE_ADMIN, 0 },
	{ "PUT", "/api/v1/admin/banks/{code}/questions/{question_code}", api_admin_question_put,
	  ROLE_ADMIN, 0 },
	{ "DELETE", "/api/v1/admin/banks/{code}/questions/{question_code}",
	  api_admin_question_retire, ROLE_ADMIN, 0 },
	{ "GET", "/api/v1/admin/banks/{code}/export", api_admin_bank_export, ROLE_ADMIN, 0 },
	{ "POST", "/api/v1/admin/banks/{code}/questions/{question_code}/rescore",
	  api_admin_question_rescore, ROLE_ADMIN, 0 },
	{ "POST", "/api/v1/admin/quizzes", api_admin_quizzes, ROLE_ADMIN, 0 },
	{ "GET", "/api/v1/admin/quizzes", api_admin_quiz_list, ROLE_ADMIN, 0 },
	{ "GET", "/api/v1/admin/quizzes/{id}", api_admin_quiz_get, ROLE_ADMIN, 0 },
	{ "POST", "/api/v1/admin/quizzes/check", api_admin_quiz_check, ROLE_ADMIN, 0 },
	{ "POST", "/api/v1/admin/quizzes/{id}/preview", api_admin_quiz_preview, ROLE_ADMIN, 0 },
	{ "GET", "/api/v1/admin/quizzes/{id}/results", api_admin_quiz_results, ROLE_UNIT_ADMIN, 0 },
	{ "GET", "/api/v1/quizzes", api_quizzes, ROLE_PARTICIPANT, 0 },
	{ "POST", "/api/v1/quizzes/{id}/attempts", api_attempt_start, ROLE_PARTICIPANT, 0 },
	{ "GET", "/api/v1/attempts/{id}", api_attempt_get, ROLE_PARTICIPANT, 0 },
	{ "PUT", "/api/v1/attempts/{id}/answers/{question_id}", api_answer_save, ROLE_PARTICIPANT,
	  0 },
	{ "POST", "/api/v1/attempts/{id}/submit", api_attempt_submit, ROLE_PARTICIPANT, 0 },

	{ "GET", "/api/v1/contests/{id}/leaderboard", api_contest_leaderboard, ROLE_PARTICIPANT,
	  0 },
	{ "GET", "/api/v1/reports/questions", api_report_questions, ROLE_UNIT_ADMIN, 0 },

	{ "GET", "/api/v1/reports/participation", api_report_participation, ROLE_UNIT_ADMIN, 0 },
	{ "GET", "/api/v1/reports/plans/{plan_code}", api_report_plan, ROLE_UNIT_ADMIN, 0 },
	{ "GET", "/api/v1/reports/missing", api_report_missing, ROLE_UNIT_ADMIN, 0 },
	{ "GET", "/api/v1/reports/yearly", api_report_yearly, ROLE_UNIT_ADMIN, 0 },
	{ "GET", "/api/v1/admin/plans", api_admin_plans, ROLE_ADMIN, 0 },
	{ "PUT", "/api/v1/admin/plans/{code}", api_admin_plan_put, ROLE_ADMIN, 0 },
	{ "GET", "/api/v1/attempts/{id}/certificate", api_certificate, ROLE_PARTICIPANT, 0 },
	{ "GET", "/api/v1/certificates/{code}", api_certificate_check, ROLE_PUBLIC, 0 },
	{ "GET", "/api/v1/admin/users/{id}/export", api_admin_user_export, ROLE_ADMIN, 0 },
	{ "DELETE", "/api/v1/admin/users/{id}", api_admin_user_erase, ROLE_ADMIN, 0 },
};

const size_t api_nroutes = sizeof api_routes / sizeof api_routes[0];
