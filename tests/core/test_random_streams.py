"""The random streams are numpy's: the SeedSequence states word for word, the draws bit for bit (numpy is
the oracle), compiled and interpreted."""

from __future__ import annotations

import numpy as np
import pytest

from sim.core import random_streams
from sim.core.random_streams import NORMAL, UNIFORM, block_prefix, draw_stream, stream_states, uint32_words
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


def numpys_draws(seeds: list[int], blocks: list[int], key: int, sizes: list[int], kind: int, per_world: int) -> np.ndarray:
    """The oracle: each block's rows from numpy's own generator seeded by its SeedSequence."""
    parts = []
    for seed, block, size in zip(seeds, blocks, sizes, strict=True):
        generator = np.random.Generator(np.random.PCG64(np.random.SeedSequence(entropy=seed, spawn_key=(block, key))))
        shape = (size, per_world)
        parts.append(generator.standard_normal(shape) if kind == NORMAL else generator.random(shape))
    return np.concatenate(parts)


def drawn(seeds, blocks, key, sizes, kind, per_world, order="F") -> np.ndarray:
    prefixes = [block_prefix(seed, block) for seed, block in zip(seeds, blocks, strict=True)]
    out = np.empty((sum(sizes), per_world), order=order)
    draw_stream(np.array([pool for pool, _ in prefixes], dtype=np.int64),
                np.array([constant for _, constant in prefixes], dtype=np.int64), key,
                np.array(sizes, dtype=np.int64), kind, out)
    return out


@pytest.mark.parametrize("kind", [NORMAL, UNIFORM])
@pytest.mark.parametrize("order", ["C", "F"])
def test_the_compiled_draws_are_numpys_bit_for_bit_in_either_layout(kind, order):
    seeds, blocks, sizes = [20250301, 20250301, 2**64 + 9, 3], [0, 1, 41, 2**33], [1000, 1000, 999, 1]
    for key in (0, 12345, 2**32 - 1):
        np.testing.assert_array_equal(drawn(seeds, blocks, key, sizes, kind, 24, order),
                                      numpys_draws(seeds, blocks, key, sizes, kind, 24))
    np.testing.assert_array_equal(drawn(seeds, blocks, 7, sizes, kind, 1, order),   # one draw per world
                                  numpys_draws(seeds, blocks, 7, sizes, kind, 1))


def test_four_million_normals_are_numpys_the_ziggurats_tail_and_wedges_included():
    # Beyond the ziggurat's last layer (r = 3.654) a normal comes only from its tail's rejection loop,
    # which draws uniforms and takes log1p; the wedges test exp(-x^2 / 2). About 1,000 of 4 million
    # numbers come from the tail, and every one must be numpy's.
    seeds, blocks, sizes = [11, 12], [5, 6], [1000, 1000]
    ours, numpys = drawn(seeds, blocks, 99, sizes, NORMAL, 2000), numpys_draws(seeds, blocks, 99, sizes, NORMAL, 2000)
    assert (np.abs(numpys) > random_streams.ziggurat_nor_r).sum() > 500
    np.testing.assert_array_equal(ours, numpys)


@pytest.mark.parametrize("fallback", ["interpreted", "no tables"])
def test_without_the_compiled_draws_numpy_draws_the_same_numbers(monkeypatch, fallback):
    seeds, blocks, sizes = [1, 1], [0, 1], [1000, 500]
    compiled = drawn(seeds, blocks, 5, sizes, NORMAL, 3)
    if fallback == "interpreted":
        monkeypatch.setattr(random_streams.config, "DISABLE_JIT", True)
    else:
        monkeypatch.setattr(random_streams, "COMPILED_DRAWS", False)
    np.testing.assert_array_equal(drawn(seeds, blocks, 5, sizes, NORMAL, 3), compiled)


def test_the_draws_are_compiled_wherever_numba_has_its_copy_of_numpys_tables():
    import importlib.util

    assert random_streams.COMPILED_DRAWS == (importlib.util.find_spec("numba.np.random._constants") is not None)
