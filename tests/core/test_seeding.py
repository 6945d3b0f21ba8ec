"""The random streams' seeds are numpy's SeedSequence states, word for word (numpy is the oracle)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.core.seeding import block_prefix, stream_states, uint32_words
from sim.model.streams import WorldStreams

WIDE = [0, 1, 20250301, 2**32 - 1, 2**32, 2**64 + 5, 2**127 - 1, 2**128, 2**200 + 12345]
"""Seeds and blocks of every width: one word, two, the pool's four, more than the pool holds."""


@pytest.mark.parametrize("key", [0, 1, 2**31 + 7, 2**32 - 1])
def test_every_blocks_state_is_seed_sequences_for_seeds_and_blocks_of_every_width(key):
    rng = np.random.default_rng(7)
    seeds = WIDE + [int(rng.integers(0, 2**62)) for _ in range(6)]
    blocks = [0, 1, 999, 2**32 - 1, 2**32 + 3, 2**70] + [int(b) for b in rng.integers(0, 10**6, 9)]
    prefixes = [block_prefix(seed, block) for seed, block in zip(seeds, blocks, strict=True)]
    pools = np.array([pool for pool, _ in prefixes], dtype=np.int64)
    constants = np.array([constant for _, constant in prefixes], dtype=np.int64)
    expected = np.array([np.random.SeedSequence(entropy=seed, spawn_key=(block, key)).generate_state(4, np.uint64)
                         for seed, block in zip(seeds, blocks, strict=True)])
    np.testing.assert_array_equal(stream_states(pools, constants, key), expected)


def test_a_word_list_is_numpys_and_a_negative_number_is_refused():
    assert uint32_words(0) == [0] and uint32_words(2**32) == [0, 1] and uint32_words(2**32 - 1) == [2**32 - 1]
    with pytest.raises(ValueError, match="non-negative"):
        uint32_words(-1)


def test_the_streams_draw_what_numpys_seed_sequence_generators_draw():
    # Two segments of a sweep with different seeds, the second starting mid-run: each block's
    # draws are those of PCG64(SeedSequence(seed, spawn_key=(block, crc32(name)))).
    import zlib

    streams = WorldStreams.for_segments([(11, 0, 2000), (2**40 + 3, 5000, 1500)], months=3)
    drawn = streams.monthly_normal("battle")
    name_key = zlib.crc32(b"battle")
    starts = [(11, 0, 0, 1000), (11, 1, 1000, 1000), (2**40 + 3, 5, 2000, 1000), (2**40 + 3, 6, 3000, 500)]
    for seed, block, row, size in starts:
        generator = np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy=seed, spawn_key=(block, name_key))))
        np.testing.assert_array_equal(drawn[row:row + size], generator.standard_normal((size, 3)))
