/* http_addr.c - client addresses: lists of addresses and networks from the
 * command line (--trusted-proxy, --metrics-allow), and the real client of
 * a request, which is the peer of the socket unless that peer is a trusted
 * proxy, in which case it is the right-most address of X-Forwarded-For that
 * is not itself a trusted proxy. */
#include <arpa/inet.h>
#include <assert.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "http_priv.h"

/* An address as 16 bytes: IPv4 is kept as its IPv4-mapped IPv6 form, so
 * that a proxy written "10.0.0.1" matches a peer seen as ::ffff:10.0.0.1. */
static bool addr_parse(const char *text, size_t len, unsigned char out[16])
{
	char buf[INET6_ADDRSTRLEN + 1];
	if (len == 0 || len >= sizeof buf)
		return false;
	memcpy(buf, text, len);
	buf[len] = '\0';
	struct in_addr v4;
	if (inet_pton(AF_INET, buf, &v4) == 1) {
		memset(out, 0, 10);
		out[10] = out[11] = 0xff;
		memcpy(out + 12, &v4, 4);
		return true;
	}
	struct in6_addr v6;
	if (inet_pton(AF_INET6, buf, &v6) == 1) {
		memcpy(out, &v6, 16);
		return true;
	}
	return false;
}

static bool is_v4_mapped(const unsigned char a[16])
{
	static const unsigned char prefix[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	return memcmp(a, prefix, 12) == 0;
}

static bool prefix_equal(const unsigned char a[16], const unsigned char b[16], unsigned bits)
{
	unsigned whole = bits / 8, rest = bits % 8;
	if (memcmp(a, b, whole) != 0)
		return false;
	if (!rest)
		return true;
	unsigned char mask = (unsigned char)(0xff << (8 - rest));
	return (a[whole] & mask) == (b[whole] & mask);
}

/* Trims spaces and tabs around [*s, *e). */
static void trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t'))
		(*e)--;
}

int http_addr_list_parse(const char *text, struct http_addr_list *list, const char *what, char *err,
			 size_t errlen)
{
	memset(list, 0, sizeof *list);
	if (!text || !*text)
		return 0;
	for (const char *p = text; *p;) {
		const char *comma = strchr(p, ',');
		const char *s = p, *e = comma ? comma : p + strlen(p);
		p = comma ? comma + 1 : e;
		trim(&s, &e);
		if (s == e)
			continue;
		if (list->n == HTTP_ADDR_LIST_MAX) {
			snprintf(err, errlen, "%s: at most %d addresses", what, HTTP_ADDR_LIST_MAX);
			return -1;
		}
		struct http_addr_net *net = &list->nets[list->n];
		const char *slash = memchr(s, '/', (size_t)(e - s));
		const char *addr_end = slash ? slash : e;
		if (!addr_parse(s, (size_t)(addr_end - s), net->addr)) {
			snprintf(err, errlen, "%s: '%.*s' is not an IPv4 or IPv6 address", what,
				 (int)(e - s), s);
			return -1;
		}
		bool v4 = is_v4_mapped(net->addr);
		unsigned max = v4 ? 32 : 128;
		net->bits = 128;
		if (slash) {
			char *end = NULL;
			long bits = strtol(slash + 1, &end, 10);
			if (end != e || slash + 1 == e || bits < 0 || bits > (long)max) {
				snprintf(err, errlen, "%s: '%.*s' has a bad prefix length (0..%u)",
					 what, (int)(e - s), s, max);
				return -1;
			}
			net->bits = (unsigned)bits + (v4 ? 96 : 0);
		}
		list->n++;
	}
	return 0;
}

/* True when the text address a (len bytes) is in list. */
static bool list_contains(const struct http_addr_list *list, const char *a, size_t len)
{
	unsigned char addr[16];
	if (!list->n || !addr_parse(a, len, addr))
		return false;
	for (size_t i = 0; i < list->n; i++)
		if (prefix_equal(addr, list->nets[i].addr, list->nets[i].bits))
			return true;
	return false;
}

bool http_addr_in_list(const struct http_addr_list *list, const char *addr)
{
	return list_contains(list, addr, strlen(addr));
}

bool http_addr_is_loopback(const char *text)
{
	unsigned char a[16];
	if (!addr_parse(text, strlen(text), a))
		return false;
	static const unsigned char v6_loopback[16] = { [15] = 1 };
	return memcmp(a, v6_loopback, 16) == 0 || (is_v4_mapped(a) && a[12] == 127);
}

/* An IPv4 address as dotted text, as inet_ntop writes it (without its
 * formatted printing: this runs for every request). */
static void ipv4_text(const unsigned char b[4], char *buf, size_t len)
{
	assert(len >= INET_ADDRSTRLEN);
	char *p = buf;
	for (int i = 0; i < 4; i++) {
		unsigned v = b[i];
		if (i)
			*p++ = '.';
		if (v >= 100)
			*p++ = (char)('0' + v / 100);
		if (v >= 10)
			*p++ = (char)('0' + v / 10 % 10);
		*p++ = (char)('0' + v % 10);
	}
	*p = '\0';
}

/* The peer of the socket as text ("" when unknown). */
static void peer_addr(struct MHD_Connection *c, char *buf, size_t len)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	buf[0] = '\0';
	if (!ci || !ci->client_addr)
		return;
	const struct sockaddr *sa = ci->client_addr;
	if (sa->sa_family == AF_INET)
		ipv4_text((const unsigned char *)&((const struct sockaddr_in *)(const void *)sa)
				  ->sin_addr,
			  buf, len);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			  buf, (socklen_t)len);
}

/* Every X-Forwarded-For header of the request, joined by commas in the
 * order they came (a proxy may add its own header instead of appending). */
struct forwarded {
	char text[2048];
	size_t len;
	bool truncated;
};

static enum MHD_Result collect_forwarded(void *cls, enum MHD_ValueKind kind, const char *key,
					 const char *value)
{
	(void)kind;
	struct forwarded *f = cls;
	if (!key || strcasecmp(key, "X-Forwarded-For") != 0 || !value)
		return MHD_YES;
	size_t n = strlen(value);
	if (f->len + n + 2 > sizeof f->text) {
		f->truncated = true;
		return MHD_NO;
	}
	if (f->len)
		f->text[f->len++] = ',';
	memcpy(f->text + f->len, value, n);
	f->len += n;
	f->text[f->len] = '\0';
	return MHD_YES;
}

void http_client_address(const struct http_server *srv, struct MHD_Connection *c, char *buf,
			 size_t len)
{
	peer_addr(c, buf, len);
	if (!srv->trusted_proxies.n || !http_addr_in_list(&srv->trusted_proxies, buf))
		return;
	struct forwarded f = { .len = 0 };
	MHD_get_connection_values(c, MHD_HEADER_KIND, collect_forwarded, &f);
	/* A chain too long to hold is not believed at all: its right end
	 * would be lost. */
	if (!f.len || f.truncated)
		return;
	/* From the right: each hop that is a trusted proxy passes the request
	 * on; the first that is not is the client. An entry that is not an
	 * address ends the walk, and the last trusted hop is the client. */
	const char *end = f.text + f.len;
	while (end > f.text) {
		const char *s = end;
		while (s > f.text && s[-1] != ',')
			s--;
		const char *e = end;
		end = s > f.text ? s - 1 : f.text;
		trim(&s, &e);
		unsigned char probe[16];
		if (!addr_parse(s, (size_t)(e - s), probe))
			return;
		if ((size_t)(e - s) >= len)
			return;
		memcpy(buf, s, (size_t)(e - s));
		buf[e - s] = '\0';
		if (!list_contains(&srv->trusted_proxies, s, (size_t)(e - s)))
			return;
	}
}
