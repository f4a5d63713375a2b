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
#include "settings.h"
#include "util.h"

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

/* The issuing body a certificate of attendance names: the department of
 * the settings (quizadm settings set body.department ...). */
static void issuer_name(struct db *db, char *buf, size_t size)
{
	settings_get(db, SETTINGS_DEPARTMENT, buf, size);
}

struct cert_signer {
	const char *data_dir, *db_path;
	bool loaded;
	unsigned char sk[crypto_sign_SECRETKEYBYTES];
};

struct cert_signer *cert_signer_new(const char *data_dir, const char *db_path)
{
	struct cert_signer *s = xcalloc(1, sizeof *s);
	s->data_dir = data_dir;
	s->db_path = db_path;
	return s;
}

void cert_signer_free(struct cert_signer *s)
{
	if (!s)
		return;
	sodium_memzero(s->sk, sizeof s->sk);
	free(s);
}

/* The key, made when missing and read once: 0, or -1 with err. */
static int signer_load(struct cert_signer *s, char *err, size_t errlen)
{
	if (s->loaded)
		return 0;
	char path[1024];
	if (cert_key_ensure(s->data_dir, s->db_path, NULL, err, errlen))
		return -1;
	cert_key_path(s->data_dir, s->db_path, path, sizeof path);
	if (load_key(path, s->sk, err, errlen))
		return -1;
	s->loaded = true;
	return 0;
}

/* The lines of each kind's canonical text after its tag, in order. */
enum field {
	F_ATTEMPT,
	F_ACTIVITY,
	F_PERSON,
	F_NAME,
	F_TITLE, /* a quiz's */
	F_ACTIVITY_TITLE,
	F_KIND,
	F_DATE,
	F_SCORE,
	F_ISSUER,
};
static const struct layout {
	const char *tag;
	size_t n;
	enum field fields[8];
} LAYOUTS[] = {
	[CERT_QUIZ] = { "quiz-certificate/1", 5, { F_ATTEMPT, F_NAME, F_TITLE, F_DATE, F_SCORE } },
	[CERT_ATTENDANCE] = { "quiz-attendance/1",
			      7,
			      { F_ACTIVITY, F_PERSON, F_NAME, F_ACTIVITY_TITLE, F_KIND, F_DATE,
				F_ISSUER } },
};
static const char *const FIELD_KEYS[] = {
	[F_ATTEMPT] = "attempt", [F_ACTIVITY] = "activity", [F_PERSON] = "person",
	[F_NAME] = "name",       [F_TITLE] = "quiz",        [F_ACTIVITY_TITLE] = "title",
	[F_KIND] = "kind",       [F_DATE] = "date",         [F_SCORE] = "score",
	[F_ISSUER] = "issuer",
};

/* The field's value in c: text into buf. */
static void field_text(const struct cert *c, enum field f, char *buf, size_t size)
{
	switch (f) {
	case F_ATTEMPT:
		snprintf(buf, size, "%lld", (long long)c->attempt_id);
		break;
	case F_ACTIVITY:
		snprintf(buf, size, "%lld", (long long)c->activity_id);
		break;
	case F_PERSON:
		snprintf(buf, size, "%lld", (long long)c->user_id);
		break;
	case F_NAME:
		util_strlcpy(buf, c->full_name, size);
		break;
	case F_TITLE:
	case F_ACTIVITY_TITLE:
		util_strlcpy(buf, c->title, size);
		break;
	case F_KIND:
		util_strlcpy(buf, c->activity_kind, size);
		break;
	case F_DATE:
		util_strlcpy(buf, c->date, size);
		break;
	case F_SCORE:
		util_strlcpy(buf, c->score, size);
		break;
	case F_ISSUER:
		util_strlcpy(buf, c->issuer, size);
		break;
	}
}

static void field_set(struct cert *c, enum field f, const char *v)
{
	switch (f) {
	case F_ATTEMPT:
		c->attempt_id = strtoll(v, NULL, 10);
		break;
	case F_ACTIVITY:
		c->activity_id = strtoll(v, NULL, 10);
		break;
	case F_PERSON:
		c->user_id = strtoll(v, NULL, 10);
		break;
	case F_NAME:
		util_strlcpy(c->full_name, v, sizeof c->full_name);
		break;
	case F_TITLE:
	case F_ACTIVITY_TITLE:
		util_strlcpy(c->title, v, sizeof c->title);
		break;
	case F_KIND:
		util_strlcpy(c->activity_kind, v, sizeof c->activity_kind);
		break;
	case F_DATE:
		util_strlcpy(c->date, v, sizeof c->date);
		break;
	case F_SCORE:
		util_strlcpy(c->score, v, sizeof c->score);
		break;
	case F_ISSUER:
		util_strlcpy(c->issuer, v, sizeof c->issuer);
		break;
	}
}

/* "TAG\nkey:value\n..." of c's kind: a new string (caller frees). */
static char *canonical_text(const struct cert *c)
{
	const struct layout *l = &LAYOUTS[c->kind];
	struct strbuf sb;
	char value[512];
	sb_init(&sb);
	sb_puts(&sb, l->tag);
	sb_puts(&sb, "\n");
	for (size_t i = 0; i < l->n; i++) {
		field_text(c, l->fields[i], value, sizeof value);
		sb_puts(&sb, FIELD_KEYS[l->fields[i]]);
		sb_puts(&sb, ":");
		sb_puts(&sb, value);
		sb_puts(&sb, "\n");
	}
	return sb_steal(&sb);
}

/* Reads a canonical text of either kind back into c; false when it is
 * not one. */
static bool parse_canonical(const char *text, struct cert *c)
{
	memset(c, 0, sizeof *c);
	for (size_t k = 0; k < sizeof LAYOUTS / sizeof LAYOUTS[0]; k++) {
		const struct layout *l = &LAYOUTS[k];
		size_t tag = strlen(l->tag);
		if (strncmp(text, l->tag, tag) != 0 || text[tag] != '\n')
			continue;
		c->kind = (enum cert_kind)k;
		const char *p = text + tag + 1;
		for (size_t i = 0; i < l->n; i++) {
			const char *key = FIELD_KEYS[l->fields[i]];
			size_t kl = strlen(key);
			const char *nl = strchr(p, '\n');
			if (!nl || strncmp(p, key, kl) != 0 || p[kl] != ':')
				return false;
			const char *v = p + kl + 1;
			size_t vl = (size_t)(nl - v);
			char buf[512];
			if (vl >= sizeof buf)
				return false;
			memcpy(buf, v, vl);
			buf[vl] = '\0';
			field_set(c, l->fields[i], buf);
			p = nl + 1;
		}
		return *p == '\0';
	}
	return false;
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
	return OUTCOME_OK;
}

/* The VN date of ms as YYYY-MM-DD into date. */
static void vn_date(int64_t ms, char date[11])
{
	char stamp[32];
	clock_format(ms + CLOCK_VN_OFFSET_MS, stamp);
	snprintf(date, 11, "%.10s", stamp);
}

/* c (facts filled, code empty) as issued: the certificate stored for the
 * same attempt or attendance when there is one (read back as it was
 * signed), else c signed with s and stored now. */
static enum outcome obtain(struct db *db, struct cert_signer *s, struct cert *c, struct problem *p)
{
	char err[512], code[CERT_CODE_LEN + 1];
	char *text = NULL;
	int64_t issued_at = 0;
	int found = db_cert_issued(db, c->attempt_id, c->activity_id, c->user_id, code, sizeof code,
				   &text, &issued_at);
	if (found < 0)
		return internal("issued", db_errmsg(db), p);
	if (found) {
		bool ok = parse_canonical(text, c);
		free(text);
		if (!ok)
			return internal("issued", "a stored certificate's text is damaged", p);
		util_strlcpy(c->code, code, sizeof c->code);
		c->issued_at = issued_at;
		return OUTCOME_OK;
	}
	/* Newlines would break the canonical layout; names never hold them. */
	if (strchr(c->full_name, '\n') || strchr(c->title, '\n') || strchr(c->issuer, '\n'))
		return problem_set(p, OUTCOME_NO_CERTIFICATE,
				   "A name or title holds a line break.");
	unsigned char sig[crypto_sign_BYTES];
	if (signer_load(s, err, sizeof err))
		return internal("issued", err, p);
	text = canonical_text(c);
	crypto_sign_detached(sig, NULL, (const unsigned char *)text, strlen(text), s->sk);
	sodium_bin2base64(c->code, sizeof c->code, sig, sizeof sig,
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	c->issued_at = clock_now_ms();
	int rc = db_cert_store(db, c->code, c->attempt_id, c->activity_id, c->user_id, text,
			       c->issued_at);
	free(text);
	return rc ? internal("issued", db_errmsg(db), p) : OUTCOME_OK;
}

enum outcome cert_issue(struct db *db, const char *data_dir, const char *db_path,
			int64_t attempt_id, int64_t owner_id, struct cert *out, struct problem *p)
{
	struct db_cert_attempt a;
	int found = db_cert_attempt(db, attempt_id, &a);
	if (found < 0)
		return internal("issued", db_errmsg(db), p);
	if (!found || a.user_id != owner_id)
		return problem_set(p, OUTCOME_NOT_FOUND, "Attempt not found.");
	enum outcome o = check_eligible(&a, p);
	if (o != OUTCOME_OK)
		return o;
	memset(out, 0, sizeof *out);
	out->kind = CERT_QUIZ;
	out->attempt_id = a.attempt_id;
	util_strlcpy(out->full_name, a.full_name, sizeof out->full_name);
	util_strlcpy(out->title, a.quiz_title, sizeof out->title);
	vn_date(a.finished_at, out->date);
	snprintf(out->score, sizeof out->score, "%g/%g", a.score, a.max_score);
	/* Stored with the certificate, so erasure finds it; not signed. */
	out->user_id = owner_id;
	struct cert_signer *s = cert_signer_new(data_dir, db_path);
	o = obtain(db, s, out, p);
	cert_signer_free(s);
	return o;
}

/* The facts of user_id's attendance of activity_id into c: OUTCOME_OK
 * when it may be certified, else OUTCOME_NOT_FOUND (not attended),
 * OUTCOME_NO_CERTIFICATE (none offered) or OUTCOME_INTERNAL. */
static enum outcome attendance_facts(struct db *db, int64_t activity_id, int64_t user_id,
				     struct cert *c, struct problem *p)
{
	struct db_cert_attendance a;
	int found = db_cert_attendance(db, activity_id, user_id, &a);
	if (found < 0)
		return internal("issued", db_errmsg(db), p);
	if (!found)
		return problem_set(p, OUTCOME_NOT_FOUND, "You did not attend activity %lld.",
				   (long long)activity_id);
	if (!a.offered)
		return problem_set(p, OUTCOME_NO_CERTIFICATE,
				   "Activity %s gives no certificate of attendance.", a.code);
	memset(c, 0, sizeof *c);
	c->kind = CERT_ATTENDANCE;
	c->activity_id = activity_id;
	c->user_id = user_id;
	util_strlcpy(c->full_name, a.full_name, sizeof c->full_name);
	util_strlcpy(c->title, a.title, sizeof c->title);
	util_strlcpy(c->activity_kind, a.kind, sizeof c->activity_kind);
	vn_date(a.starts_at, c->date);
	issuer_name(db, c->issuer, sizeof c->issuer);
	return OUTCOME_OK;
}

enum outcome cert_attendance_record(struct db *db, struct cert_signer *s, int64_t activity_id,
				    int64_t user_id, struct problem *p)
{
	struct cert c;
	enum outcome o = attendance_facts(db, activity_id, user_id, &c, p);
	if (o == OUTCOME_NO_CERTIFICATE || o == OUTCOME_NOT_FOUND)
		return OUTCOME_OK;
	return o == OUTCOME_OK ? obtain(db, s, &c, p) : o;
}

enum outcome cert_attendance_backfill(struct db *db, struct cert_signer *s, int64_t activity_id,
				      struct problem *p)
{
	int64_t *ids = NULL;
	size_t n = 0;
	if (db_cert_attendance_missing(db, activity_id, &ids, &n))
		return internal("issued", db_errmsg(db), p);
	enum outcome o = OUTCOME_OK;
	for (size_t i = 0; i < n && o == OUTCOME_OK; i++)
		o = cert_attendance_record(db, s, activity_id, ids[i], p);
	free(ids);
	return o;
}

enum outcome cert_attendance(struct db *db, struct cert_signer *s, int64_t activity_id,
			     int64_t user_id, struct cert *out, struct problem *p)
{
	if (db_begin_write(db))
		return internal("issued", db_errmsg(db), p);
	enum outcome o = attendance_facts(db, activity_id, user_id, out, p);
	if (o == OUTCOME_OK)
		o = obtain(db, s, out, p);
	if (o == OUTCOME_OK && db_commit(db))
		o = internal("issued", db_errmsg(db), p);
	if (o != OUTCOME_OK)
		db_rollback(db);
	return o;
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
	int64_t attempt_id = 0, activity_id = 0, issued_at = 0;
	char *text = NULL;
	int found = db_cert_by_code(db, code, &attempt_id, &activity_id, &text, &issued_at);
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
	/* The row's reference must be the one signed. */
	if (crypto_sign_verify_detached(sig, (const unsigned char *)text, strlen(text), pk) != 0 ||
	    !parse_canonical(text, out) || out->attempt_id != attempt_id ||
	    out->activity_id != activity_id)
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
	if (c->kind == CERT_ATTENDANCE)
		return json_pack("{s:{s:b,s:s,s:s,s:I,s:s,s:s,s:s,s:s,s:s,s:s}}", "certificate",
				 "valid", 1, "kind", "attendance", "code", c->code, "activity_id",
				 (json_int_t)c->activity_id, "full_name", c->full_name,
				 "activity_title", c->title, "activity_kind", c->activity_kind,
				 "date", c->date, "issuer", c->issuer, "issued_at", issued);
	return json_pack("{s:{s:b,s:s,s:s,s:I,s:s,s:s,s:s,s:s,s:s}}", "certificate", "valid", 1,
			 "kind", "quiz", "code", c->code, "attempt_id", (json_int_t)c->attempt_id,
			 "full_name", c->full_name, "quiz_title", c->title, "date", c->date,
			 "score", c->score, "issued_at", issued);
}

/* How the page names what was attended. */
static const char *kind_words(const char *kind)
{
	if (!strcmp(kind, "training"))
		return "lớp tập huấn";
	if (!strcmp(kind, "seminar"))
		return "hội nghị, hội thảo";
	if (!strcmp(kind, "live_game"))
		return "trò chơi, cuộc thi trực tiếp";
	return "sự kiện";
}

char *cert_html(const struct cert *c, const char *verify_path)
{
	struct strbuf sb;
	int y = 0, m = 0, d = 0;
	char line[160];
	sscanf(c->date, "%d-%d-%d", &y, &m, &d);
	sb_init(&sb);
	sb_puts(&sb, "<!doctype html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">"
		     "<title>Giấy chứng nhận</title>"
		     "<link rel=\"stylesheet\" href=\"/css/certificate.css\"></head>"
		     "<body><main class=\"page\">");
	if (c->kind == CERT_ATTENDANCE && c->issuer[0]) {
		sb_puts(&sb, "<p class=\"issuer\">");
		html_append(&sb, c->issuer);
		sb_puts(&sb, "</p>");
	}
	sb_puts(&sb, "<p class=\"nation\">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM<br>"
		     "Độc lập – Tự do – Hạnh phúc</p><h1>GIẤY CHỨNG NHẬN</h1>"
		     "<p>Chứng nhận</p><p class=\"name\">");
	html_append(&sb, c->full_name);
	sb_puts(&sb, "</p><p>");
	if (c->kind == CERT_ATTENDANCE) {
		sb_puts(&sb, "đã tham dự ");
		sb_puts(&sb, kind_words(c->activity_kind));
	} else {
		sb_puts(&sb, "đã hoàn thành và đạt yêu cầu bài kiểm tra");
	}
	sb_puts(&sb, "</p><p class=\"title\"><strong>");
	html_append(&sb, c->title);
	sb_puts(&sb, "</strong></p>");
	if (c->kind == CERT_QUIZ) {
		sb_puts(&sb, "<p>Điểm: ");
		html_append(&sb, c->score);
		sb_puts(&sb, "</p>");
	}
	snprintf(line, sizeof line, "<p>Ngày %d tháng %d năm %d</p>", d, m, y);
	sb_puts(&sb, line);
	sb_puts(&sb, "<p>Mã xác thực (chữ ký Ed25519):</p><p class=\"code\">");
	html_append(&sb, c->code);
	sb_puts(&sb, "</p><p>Kiểm tra giấy chứng nhận tại: <span class=\"code\">");
	html_append(&sb, verify_path);
	html_append(&sb, c->code);
	sb_puts(&sb, "</span></p></main></body></html>\n");
	return sb_steal(&sb);
}
