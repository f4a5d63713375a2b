/* test_static.c - the web pages: served from --web with revalidation, and
 * nothing outside that directory but the charting library (--chartjs). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "harness.h"

static struct server srv;
static char chartjs[] = "/tmp/quiz-chartjs-XXXXXX";

#define CHART_TEXT "/* a stand-in for Chart.js */ window.Chart = function () {};\n"

static int setup(void **state)
{
	(void)state;
	int fd = mkstemp(chartjs);
	if (fd < 0)
		return -1;
	ssize_t n = write(fd, CHART_TEXT, strlen(CHART_TEXT));
	close(fd);
	if (n != (ssize_t)strlen(CHART_TEXT))
		return -1;
	const char *const extra[] = { "--web", "web", "--chartjs", chartjs, NULL };
	return server_up(&srv, extra);
}

static int teardown(void **state)
{
	(void)state;
	unlink(chartjs);
	return server_stop(&srv, true);
}

static void index_is_served_with_an_etag_and_revalidates_to_304(void **state)
{
	(void)state;
	struct http_res res;
	assert_int_equal(http_get(&srv, "/", NULL, &res), 0);
	assert_int_equal(res.status, 200);
	char *ct = http_res_header(&res, "Content-Type");
	assert_non_null(strstr(ct, "text/html"));
	char *etag = http_res_header(&res, "ETag");
	assert_non_null(etag);
	char *cache = http_res_header(&res, "Cache-Control");
	assert_string_equal(cache, "no-cache");
	http_res_free(&res);
	char inm[128];
	snprintf(inm, sizeof inm, "If-None-Match: %s", etag);
	const char *const h[] = { inm, NULL };
	assert_int_equal(http_call(&srv, "GET", "/index.html", NULL, NULL, NULL, h, &res), 0);
	assert_int_equal(res.status, 304);
	assert_int_equal(res.len, 0);
	http_res_free(&res);
	const char *const stale[] = { "If-None-Match: \"0-0-0\"", NULL };
	assert_int_equal(http_call(&srv, "GET", "/index.html", NULL, NULL, NULL, stale, &res), 0);
	assert_int_equal(res.status, 200);
	http_res_free(&res);
	free(ct);
	free(etag);
	free(cache);
}

static void modules_have_the_javascript_type(void **state)
{
	(void)state;
	struct http_res res;
	assert_int_equal(http_get(&srv, "/js/api.js", NULL, &res), 0);
	assert_int_equal(res.status, 200);
	char *ct = http_res_header(&res, "Content-Type");
	assert_non_null(strstr(ct, "text/javascript"));
	free(ct);
	http_res_free(&res);
}

static void pages_go_out_gzipped_to_clients_that_take_it(void **state)
{
	(void)state;
	struct http_res plain, zipped, refused;
	const char *const gz[] = { "Accept-Encoding: gzip, deflate", NULL };
	const char *const no[] = { "Accept-Encoding: gzip;q=0, identity", NULL };
	assert_int_equal(http_get(&srv, "/js/api.js", NULL, &plain), 0);
	assert_int_equal(http_call(&srv, "GET", "/js/api.js", NULL, NULL, NULL, gz, &zipped), 0);
	assert_int_equal(http_call(&srv, "GET", "/js/api.js", NULL, NULL, NULL, no, &refused), 0);
	assert_int_equal(zipped.status, 200);
	char *enc = http_res_header(&zipped, "Content-Encoding");
	assert_string_equal(enc, "gzip");
	free(enc);
	assert_true(zipped.len < plain.len);
	assert_int_equal((unsigned char)zipped.body[0], 0x1f);
	assert_int_equal((unsigned char)zipped.body[1], 0x8b);
	/* The compressed copy is another representation: its own ETag. */
	char *e1 = http_res_header(&plain, "ETag"), *e2 = http_res_header(&zipped, "ETag");
	assert_string_not_equal(e1, e2);
	assert_null(http_res_header(&plain, "Content-Encoding"));
	assert_null(http_res_header(&refused, "Content-Encoding"));
	assert_int_equal(refused.len, plain.len);
	free(e1);
	free(e2);
	http_res_free(&plain);
	http_res_free(&zipped);
	http_res_free(&refused);
}

static void nothing_outside_the_web_directory_is_served(void **state)
{
	(void)state;
	const char *paths[] = { "/../Makefile", "/js/../../Makefile", "/%2e%2e/Makefile",
				"/no-such-page.html", NULL };
	for (int i = 0; paths[i]; i++) {
		struct http_res res;
		assert_int_equal(http_get(&srv, paths[i], NULL, &res), 0);
		assert_int_equal(res.status, 404);
		assert_string_equal(http_error_code(&res), "not_found");
		http_res_free(&res);
	}
}

static void the_charting_library_comes_from_its_configured_path(void **state)
{
	(void)state;
	struct http_res res;
	assert_int_equal(http_get(&srv, "/vendor/chart.js", NULL, &res), 0);
	assert_int_equal(res.status, 200);
	char *ct = http_res_header(&res, "Content-Type");
	assert_non_null(strstr(ct, "text/javascript"));
	free(ct);
	assert_int_equal(res.len, strlen(CHART_TEXT));
	assert_memory_equal(res.body, CHART_TEXT, res.len);
	http_res_free(&res);
	/* Nothing else under /vendor, and a missing file is a plain 404. */
	assert_int_equal(http_get(&srv, "/vendor/other.js", NULL, &res), 0);
	assert_int_equal(res.status, 404);
	http_res_free(&res);
	unlink(chartjs);
	assert_int_equal(http_get(&srv, "/vendor/chart.js", NULL, &res), 0);
	assert_int_equal(res.status, 404);
	assert_string_equal(http_error_code(&res), "not_found");
	http_res_free(&res);
}

static void api_answers_are_never_cached(void **state)
{
	(void)state;
	struct http_res res;
	assert_int_equal(http_get(&srv, "/healthz", NULL, &res), 0);
	char *cache = http_res_header(&res, "Cache-Control");
	assert_string_equal(cache, "no-store");
	free(cache);
	http_res_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(index_is_served_with_an_etag_and_revalidates_to_304),
		cmocka_unit_test(modules_have_the_javascript_type),
		cmocka_unit_test(pages_go_out_gzipped_to_clients_that_take_it),
		cmocka_unit_test(nothing_outside_the_web_directory_is_served),
		cmocka_unit_test(api_answers_are_never_cached),
		cmocka_unit_test(the_charting_library_comes_from_its_configured_path),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
