/* rng.c - injectable randomness and a seeded generator for draws. */
#include "rng.h"

#include <sodium.h>

static void (*rng_fill)(void *ctx, void *buf, size_t n);
static void *rng_ctx;

void rng_bytes(void *buf, size_t n)
{
	if (rng_fill)
		rng_fill(rng_ctx, buf, n);
	else
		randombytes_buf(buf, n);
}

uint64_t rng_u64(void)
{
	uint64_t v;
	rng_bytes(&v, sizeof v);
	return v;
}

void rng_set_source(void (*fill)(void *ctx, void *buf, size_t n), void *ctx)
{
	rng_fill = fill;
	rng_ctx = ctx;
}

void rng_seeded_init(struct rng_seeded *r, uint64_t seed)
{
	r->state = seed;
}

uint64_t rng_seeded_next(struct rng_seeded *r)
{
	uint64_t z = (r->state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

uint64_t rng_seeded_below(struct rng_seeded *r, uint64_t bound)
{
	uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
	uint64_t v;
	do
		v = rng_seeded_next(r);
	while (v >= limit);
	return v % bound;
}
