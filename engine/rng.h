/* rng.h - the engine's randomness: secure bytes from libsodium by default,
 * replaceable by tests, and a small seeded generator for reproducible draws. */
#ifndef QUIZ_RNG_H
#define QUIZ_RNG_H

#include <stddef.h>
#include <stdint.h>

/* Fills buf with n random bytes from the installed source. */
void rng_bytes(void *buf, size_t n);
/* A random 64-bit value from rng_bytes. */
uint64_t rng_u64(void);
/* Installs a source of bytes (NULL restores libsodium). Tests only. */
void rng_set_source(void (*fill)(void *ctx, void *buf, size_t n), void *ctx);

/* Deterministic generator (splitmix64) for draws that must be reproducible
 * from a stored seed. Not for secrets. */
struct rng_seeded {
	uint64_t state;
};
void rng_seeded_init(struct rng_seeded *r, uint64_t seed);
uint64_t rng_seeded_next(struct rng_seeded *r);
/* Uniform integer in [0, bound) (bound > 0), without modulo bias. */
uint64_t rng_seeded_below(struct rng_seeded *r, uint64_t bound);

#endif
