/* cert.c - certificate signing, checking and the printable page. */
#include "cert.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "db.h"
#include "db_cert.h"
#include "html.h"
#include "util.h"

#define CANONICAL_TAG "quiz-certificate/1"

void cert_key_path(const char *data_dir, const char *db_path, char *buf, size_t buflen)
{
	if (data_dir && *data_dir) {
		snprintf(buf, buflen, "%s/%s", data_dir, CERT_KEY_FILE);
		return;
	}
	const char *slash = db_path ? strrchr(db_path, '/') : NULL;
	if (!slash)
		snprintf(buf, buflen, "%s", CERT_KEY_FILE);
	else
		snprintf(buf, buflen, "%.*s/%s", (int)(slash - db_path), db_path, CERT_KEY_FILE);
}

/* Reads the secret key (which embeds the public key). */
static int load_key(const char *path, unsigned char sk[crypto_sign_SECRETKEYBYTES], char *err,
		    size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "cannot open the certificate key %s: %s", path,
			 strerror(errno));
		return -1;
	}
	ssize_t n = read(fd, sk, crypto_sign_SECRETKEYBYTES);
	close(fd);
	if (n != crypto_sign_SECRETKEYBYTES) {
		snprintf(err, errlen, "the certificate key %s is damaged", path);
		return -1;
	}
	return 0;
}

int cert_key_ensure(const char *data_dir, const char *db_path, bool *created, char *err,
		    size_t errlen)
{
	char path[1024];
	cert_key_path(data_dir, db_path, path, sizeof path);
	if (created)
		*created = false;
	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium failed to start");
		return -1;
	}
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0) {
		crypto_sign_keypair(pk, sk);
		ssize_t n = write(fd, sk, sizeof sk);
		int synced = fsync(fd);
		close(fd);
		sodium_memzero(sk, sizeof sk);
		if (n != (ssize_t)sizeof sk || synced) {
			unlink(path);
			snprintf(err, errlen, "cannot write the certificate key %s", path);
			return -1;
		}
		if (created)
			*created = true;
		return 0;
	}
	if (errno != EEXIST) {
		snprintf(err, errlen, "cannot create the certificate key %s: %s", path,
			 strerror(errno));
		return -1;
	}
	int rc = load_key(path, sk, err, errlen);
	sodium_memzero(sk, sizeof sk);
	return rc;
}

static void score_text(double score, double max_score, char *buf, size_t len)
{
	snprintf(buf, len, "%g/%g", score, max_score);
}

static char *canonical_text(const struct cert *c)
{
	return xasprintf(CANONICAL_TAG "\nattempt:%lld\nname:%s\nquiz:%s\ndate:%s\nscore:%s\n",
			 (long long)c->attempt_id, c->full_name, c->quiz_title, c->date, c->score);
}

/* Reads the canonical text back into c; false when it is not one. */
static bool parse_canonical(const char *text, struct cert *c)
{
	static const char *const keys[] = { "attempt:", "name:", "quiz:", "date:", "score:" };
	const char *p = text;
	size_t tag = strlen(CANONICAL_TAG);
	if (strncmp(p, CANONICAL_TAG "\n", tag + 1) != 0)
		return false;
	p += tag + 1;
	for (int k = 0; k < 5; k++) {
		size_t kl = strlen(keys[k]);
		const char *nl = strchr(p, '\n');
		if (!nl || strncmp(p, keys[k], kl) != 0)
			return false;
		const char *v = p + kl;
		size_t vl = (size_t)(nl - v);
		char buf[512];
		if (vl >= sizeof buf)
			return false;
		memcpy(buf, v, vl);
		buf[vl] = '\0';
		switch (k) {
		case 0:
			c->attempt_id = strtoll(buf, NULL, 10);
			break;
		case 1:
			util_strlcpy(c->full_name, buf, sizeof c->full_name);
			break;
		case 2:
			util_strlcpy(c->quiz_title, buf, sizeof c->quiz_title);
			break;
		case 3:
			util_strlcpy(c->date, buf, sizeof c->date);
			break;
		case 4:
			util_strlcpy(c->score, buf, sizeof c->score);
			break;
		}
		p = nl + 1;
	}
	return *p == '\0';
}

/* Logs a failure once and fills p with a message fit to show. */
static enum outcome internal(const char *what, const char *why, struct problem *p)
{
	fprintf(stderr, "certificate: %s\n", why);
	return problem_set(p, OUTCOME_INTERNAL, "The certificate could not be %s.", what);
}

/* Why an attempt earns no certificate, or OUTCOME_OK. */
static enum outcome check_eligible(const struct db_cert_attempt *a, struct problem *p)
{
	if (strcmp(a->state, "in_progress") == 0 || !a->passed)
		return problem_set(p, OUTCOME_NO_CERTIFICATE,
				   "Attempt %lld is not a passed, finished attempt.",
				   (long long)a->attempt_id);
	if (!a->mandatory)
		return problem_set(p, OUTCOME_NO_CERTIFICATE,
				   "Quiz %s is not a mandatory test; certificates are issued for "
				   "mandatory tests only.",
				   a->quiz_code);
	/* Newlines would break the canonical layout; names never hold them. */
	if (strchr(a->full_name, '\n') || strchr(a->quiz_title, '\n'))
		return problem_set(p, OUTCOME_NO_CERTIFICATE,
				   "A name or title holds a line break.");
	return OUTCOME_OK;
}

/* Signs c's canonical text with the key at key_path into c->code; the
 * text is returned (caller frees), NULL with a message in err. */
static char *sign(const char *key_path, struct cert *c, char *err, size_t errlen)
{
	unsigned char sk[crypto_sign_SECRETKEYBYTES], sig[crypto_sign_BYTES];
	if (load_key(key_path, sk, err, errlen))
		return NULL;
	char *text = canonical_text(c);
	crypto_sign_detached(sig, NULL, (const unsigned char *)text, strlen(text), sk);
	sodium_memzero(sk, sizeof sk);
	sodium_bin2base64(c->code, sizeof c->code, sig, sizeof sig,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return text;
}

enum outcome cert_issue(struct db *db, const char *data_dir, const char *db_path,
			int64_t attempt_id, int64_t owner_id, struct cert *out, struct problem *p)
{
	struct db_cert_attempt a;
	char key_path[1024], err[512];
	int found = db_cert_attempt(db, attempt_id, &a);
	if (found < 0)
		return internal("issued", db_errmsg(db), p);
	if (!found || a.user_id != owner_id)
		return problem_set(p, OUTCOME_NOT_FOUND, "Attempt not found.");
	enum outcome o = check_eligible(&a, p);
	if (o != OUTCOME_OK)
		return o;
	memset(out, 0, sizeof *out);
	out->attempt_id = a.attempt_id;
	util_strlcpy(out->full_name, a.full_name, sizeof out->full_name);
	util_strlcpy(out->quiz_title, a.quiz_title, sizeof out->quiz_title);
	int64_t vn = a.finished_at + CLOCK_VN_OFFSET_MS;
	char stamp[32];
	clock_format(vn, stamp);
	snprintf(out->date, sizeof out->date, "%.10s", stamp);
	score_text(a.score, a.max_score, out->score, sizeof out->score);
	cert_key_path(data_dir, db_path, key_path, sizeof key_path);
	if (cert_key_ensure(data_dir, db_path, NULL, err, sizeof err))
		return internal("issued", err, p);
	char *text = sign(key_path, out, err, sizeof err);
	if (!text)
		return internal("issued", err, p);
	out->issued_at = clock_now_ms();
	int rc = db_cert_store(db, out->code, out->attempt_id, owner_id, text, out->issued_at);
	free(text);
	return rc ? internal("issued", db_errmsg(db), p) : OUTCOME_OK;
}

enum outcome cert_verify(struct db *db, const char *data_dir, const char *db_path, const char *code,
			 struct cert *out, struct problem *p)
{
	unsigned char sig[crypto_sign_BYTES];
	size_t siglen = 0;
	char key_path[1024], err[512];
	enum outcome o = problem_set(p, OUTCOME_NOT_FOUND, "No certificate has this code.");
	if (strlen(code) != CERT_CODE_LEN ||
	    sodium_base642bin(sig, sizeof sig, code, strlen(code), NULL, &siglen, NULL,
			      sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
	    siglen != sizeof sig)
		return o;
	int64_t attempt_id = 0, issued_at = 0;
	char *text = NULL;
	int found = db_cert_by_code(db, code, &attempt_id, &text, &issued_at);
	if (found < 0)
		return internal("checked", db_errmsg(db), p);
	if (!found)
		return o;
	unsigned char sk[crypto_sign_SECRETKEYBYTES], pk[crypto_sign_PUBLICKEYBYTES];
	cert_key_path(data_dir, db_path, key_path, sizeof key_path);
	if (load_key(key_path, sk, err, sizeof err)) {
		o = internal("checked", err, p);
		goto out;
	}
	crypto_sign_ed25519_sk_to_pk(pk, sk);
	sodium_memzero(sk, sizeof sk);
	memset(out, 0, sizeof *out);
	if (crypto_sign_verify_detached(sig, (const unsigned char *)text, strlen(text), pk) != 0 ||
	    !parse_canonical(text, out) || out->attempt_id != attempt_id)
		goto out;
	util_strlcpy(out->code, code, sizeof out->code);
	out->issued_at = issued_at;
	o = OUTCOME_OK;
out:
	free(text);
	return o;
}

json_t *cert_json(const struct cert *c)
{
	char issued[32];
	clock_format(c->issued_at, issued);
	return json_pack("{s:{s:b,s:s,s:I,s:s,s:s,s:s,s:s,s:s}}", "certificate", "valid", 1, "code",
			 c->code, "attempt_id", (json_int_t)c->attempt_id, "full_name",
			 c->full_name, "quiz_title", c->quiz_title, "date", c->date, "score",
			 c->score, "issued_at", issued);
}

/* s escaped for HTML: a new string (caller frees). */
static char *escaped(const char *s)
{
	struct strbuf sb;
	sb_init(&sb);
	html_append(&sb, s);
	return sb_steal(&sb);
}

char *cert_html(const struct cert *c, const char *verify_path)
{
	char *name = escaped(c->full_name);
	char *title = escaped(c->quiz_title);
	char *score = escaped(c->score);
	int y = 0, m = 0, d = 0;
	sscanf(c->date, "%d-%d-%d", &y, &m, &d);
	char *page = xasprintf(
		"<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
		"<title>Giấy chứng nhận</title><style>"
		"body{font-family:'Times New Roman',serif;margin:0;background:#fff;color:#000}"
		".page{width:25cm;margin:1cm auto;padding:1.5cm;border:6px double #8b0000;"
		"text-align:center}"
		"h1{font-size:30pt;color:#8b0000;margin:.3em 0}.nation{font-weight:bold}"
		".name{font-size:24pt;font-weight:bold;margin:.5em 0}"
		".code{font-family:monospace;font-size:9pt;word-break:break-all}"
		"@media print{.page{margin:0;border-width:4px}}"
		"</style></head><body><div class=\"page\">"
		"<p class=\"nation\">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>"
		"Độc lập – Tự do – Hạnh phúc</p>"
		"<h1>GIẤY CHỨNG NHẬN</h1>"
		"<p>Chứng nhận</p><p class=\"name\">%s</p>"
		"<p>đã hoàn thành và đạt yêu cầu bài kiểm tra</p>"
		"<p><strong>%s</strong></p>"
		"<p>Điểm: %s</p>"
		"<p>Ngày %d tháng %d năm %d</p>"
		"<p>Mã xác thực (chữ ký Ed25519):</p><p class=\"code\">%s</p>"
		"<p>Kiểm tra giấy chứng nhận tại: <span class=\"code\">%s%s</span></p>"
		"</div></body></html>\n",
		name, title, score, d, m, y, c->code, verify_path, c->code);
	free(name);
	free(title);
	free(score);
	return page;
}
