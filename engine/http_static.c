/* http_static.c - the web pages under --web: content types, ETag
 * revalidation, gzip for clients that accept it. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "http_priv.h"

static const char *mime_of(const char *path)
{
	const char *dot = strrchr(path, '.');
	if (!dot)
		return "application/octet-stream";
	static const char *const types[][2] = {
		{ ".html", "text/html; charset=utf-8" },
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".json", "application/json" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".ico", "image/x-icon" },
		{ ".txt", "text/plain; charset=utf-8" },
		{ ".webmanifest", "application/manifest+json" },
	};
	for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
		if (strcasecmp(dot, types[i][0]) == 0)
			return types[i][1];
	return "application/octet-stream";
}

/* Pages, scripts and styles go out gzip-compressed to clients that take it:
 * most users are on phones with poor connections, and text shrinks to a
 * third or less. */
static bool compressible(const char *type)
{
	return strncmp(type, "text/", 5) == 0 || strcmp(type, "application/json") == 0 ||
	       strcmp(type, "image/svg+xml") == 0 || strcmp(type, "application/manifest+json") == 0;
}

static bool accepts_gzip(const char *accept)
{
	const char *g = accept ? strcasestr(accept, "gzip") : NULL;
	if (!g)
		return false;
	/* "gzip;q=0" refuses it. */
	const char *q = g + 4 + strspn(g + 4, " ");
	if (*q != ';')
		return true;
	q += 1 + strspn(q + 1, " ");
	return strncmp(q, "q=", 2) != 0 || strtod(q + 2, NULL) > 0;
}

/* Reads len bytes of fd and returns them gzip-compressed (new buffer, its
 * length in *out_len), or NULL. */
static char *gzip_file(int fd, size_t len, size_t *out_len)
{
	char *raw = xmalloc(len ? len : 1), *z = NULL;
	size_t got = 0;
	while (got < len) {
		ssize_t n = read(fd, raw + got, len - got);
		if (n <= 0)
			goto out;
		got += (size_t)n;
	}
	z_stream zs = { 0 };
	if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		goto out;
	size_t cap = deflateBound(&zs, (uLong)len);
	z = xmalloc(cap);
	zs.next_in = (Bytef *)raw;
	zs.avail_in = (uInt)len;
	zs.next_out = (Bytef *)z;
	zs.avail_out = (uInt)cap;
	int rc = deflate(&zs, Z_FINISH);
	*out_len = zs.total_out;
	deflateEnd(&zs);
	if (rc != Z_STREAM_END) {
		free(z);
		z = NULL;
	}
out:
	free(raw);
	return z;
}

/* Pages
 * are revalidated with an ETag on every use, so a phone on a poor
 * connection gets a 304 of a few bytes instead of the file again, and an
 * upgrade is seen at once. */
bool http_static_serve(struct http_server *srv, struct MHD_Connection *c, const char *url,
		       struct resp *out, int *fd_out, size_t *size_out)
{
	if (!srv->web_dir || strstr(url, "..") || url[0] != '/')
		return false;
	char path[1024];
	const char *rel = url[1] ? url + 1 : "index.html";
	struct stat st;
	/* The charting library of the administration pages comes from its
	 * Debian package (--chartjs), not from a copy in web/. */
	bool vendor = strcmp(url, "/vendor/chart.js") == 0;
	if (vendor)
		snprintf(path, sizeof path, "%s", srv->chartjs);
	else
		snprintf(path, sizeof path, "%s/%s", srv->web_dir, rel);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		size_t n = strlen(path);
		snprintf(path + n, sizeof path - n, "%sindex.html", path[n - 1] == '/' ? "" : "/");
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return false;
	}
	const char *type = mime_of(vendor ? url : path);
	bool gzip =
		st.st_size >= 256 && st.st_size <= (1 << 20) && compressible(type) &&
		accepts_gzip(MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Encoding"));
	char etag[80];
	snprintf(etag, sizeof etag, "\"%llx-%llx-%lx%s\"", (unsigned long long)st.st_mtim.tv_sec,
		 (unsigned long long)st.st_size, (long)st.st_mtim.tv_nsec, gzip ? "-gz" : "");
	resp_header(out, "ETag", etag);
	resp_header(out, "Cache-Control", "no-cache");
	resp_header(out, "Vary", "Accept-Encoding");
	const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "If-None-Match");
	if (inm && strcmp(inm, etag) == 0) {
		close(fd);
		out->status = 304;
		return true;
	}
	if (gzip) {
		size_t zlen = 0;
		char *z = gzip_file(fd, (size_t)st.st_size, &zlen);
		close(fd);
		if (!z)
			return false;
		resp_raw(out, 200, type, z, zlen);
		free(z);
		resp_header(out, "Content-Encoding", "gzip");
		return true;
	}
	out->status = 200;
	out->content_type = type;
	*fd_out = fd;
	*size_out = (size_t)st.st_size;
	return true;
}
