/* routes.c - the route table: method, path pattern, handler, least role.
 * Authentication and role checks run in http.c before any handler. */
#include "api.h"

const struct route api_routes[] = {
	{"GET", "/healthz", api_healthz, ROLE_PUBLIC, 0},
	{"GET", "/metrics", api_metrics, ROLE_PUBLIC, 0},

	{"POST", "/api/v1/auth/login", api_login, ROLE_PUBLIC, 0},
	{"POST", "/api/v1/auth/logout", api_logout, ROLE_PARTICIPANT, 0},
	{"POST", "/api/v1/auth/register", api_register, ROLE_PUBLIC, 0},
	{"GET", "/api/v1/me", api_me, ROLE_PARTICIPANT, 0},
	{"POST", "/api/v1/me/password", api_change_password, ROLE_PARTICIPANT, 0},

	{"POST", "/api/v1/admin/units", api_admin_units, ROLE_UNIT_ADMIN, ROUTE_UPLOAD},
	{"PUT", "/api/v1/admin/units/{code}/headcounts", api_admin_headcounts, ROLE_UNIT_ADMIN, 0},
	{"POST", "/api/v1/admin/users", api_admin_users, ROLE_UNIT_ADMIN, ROUTE_UPLOAD},

	{"GET", "/api/v1/contests/{id}/leaderboard", api_contest_leaderboard, ROLE_PARTICIPANT, 0},
	{"GET", "/api/v1/reports/questions", api_report_questions, ROLE_UNIT_ADMIN, 0},
};

const size_t api_nroutes = sizeof api_routes / sizeof api_routes[0];
