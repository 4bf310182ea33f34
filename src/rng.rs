//! Random streams (MODEL.md section 8). Round `r` of a run with seed `s` draws from
//! Xoshiro256++ seeded with `seed_from_u64(s ^ (r * 0x9E3779B97F4A7C15))`, which rand_xoshiro
//! expands with SplitMix64. Both algorithms are fixed by name (not `StdRng`, which may change),
//! so a stream never depends on the thread or shard that plays the round. Multiplying by an odd
//! constant is a bijection, so rounds of one run never share a seed.

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

pub type RoundRng = Xoshiro256PlusPlus;

const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

#[inline]
pub fn round_rng(seed: u64, round: u64) -> RoundRng {
    // Exactly `RoundRng::seed_from_u64(key)` (SplitMix64 words key + k φ, k = 1..=4), written
    // out so that it inlines: seeding is a visible share of a round's cost.
    let key = seed ^ round.wrapping_mul(GOLDEN);
    let word = |k: u64| {
        let mut z = key.wrapping_add(GOLDEN.wrapping_mul(k));
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)).to_le_bytes()
    };
    let [a, b, c, d] = [word(1), word(2), word(3), word(4)];
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&a);
    bytes[8..16].copy_from_slice(&b);
    bytes[16..24].copy_from_slice(&c);
    bytes[24..].copy_from_slice(&d);
    RoundRng::from_seed(bytes)
}

/// A derived seed for sub-run `index` of a run (a sweep point, a tournament pairing).
pub fn derive_seed(seed: u64, index: u64) -> u64 {
    let mut z = seed ^ index.wrapping_add(1).wrapping_mul(GOLDEN);
    // SplitMix64's finaliser
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    /// Value stability: these numbers are part of the reproducibility contract. If a dependency
    /// update changes them, every published result would change; such an update must be refused.
    #[test]
    fn round_rng_is_seed_from_u64_of_the_round_key() {
        for (seed, round) in [(0u64, 0u64), (1, 0), (2013, 123_456), (u64::MAX, 7)] {
            let key = seed ^ round.wrapping_mul(GOLDEN);
            let mut a = round_rng(seed, round);
            let mut b = RoundRng::seed_from_u64(key);
            for _ in 0..4 {
                assert_eq!(a.next_u64(), b.next_u64());
            }
        }
    }

    #[test]
    fn round_streams_are_pinned() {
        assert_eq!(round_rng(1, 0).next_u64(), PINNED[0]);
        assert_eq!(round_rng(2013, 123_456).next_u64(), PINNED[1]);
        assert_eq!(derive_seed(2013, 7), PINNED[2]);
    }

    const PINNED: [u64; 3] = [
        14971601782005023387,
        4615363529434377970,
        2698070770869811040,
    ];
}
