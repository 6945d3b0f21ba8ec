"""The seeds of a run's random streams, as numpy's ``SeedSequence`` makes them, in a tenth of the time.

Every random stream of a run is a PCG64 generator seeded by
``SeedSequence(entropy=seed, spawn_key=(block, name_key))`` (:mod:`sim.model.streams`): a chunk of
8,000 worlds opens about 1,300 of them, and numpy spends 8.6 us on each (4.8 us building the
``SeedSequence``, 3.1 us drawing the PCG64 state from it), 2% of a run. The hash behind it
(O'Neill's ``seed_seq_fe``, as numpy writes it in ``numpy/random/bit_generator.pyx``) mixes the
entropy words into a pool of four in order, so the pool after the seed and the block is the same
for every stream of a block: :func:`block_prefix` computes it once per block, and
:func:`stream_states` mixes in each stream's name and draws the state, for every block at once, in
compiled code. The states are numpy's, word for word: ``tests/core/test_seeding.py`` checks them
against ``SeedSequence`` itself (the oracle) for seeds, blocks and keys of every width.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from . import compiled_search  # noqa: F401  imported first: it points numba's cache somewhere writable

INIT_A, MULT_A = 0x43B0D7E5, 0x931E8875
"""The hash constant's start and multiplier while the entropy is mixed in."""
INIT_B, MULT_B = 0x8B51F9DD, 0x58F38DED
"""The hash constant's start and multiplier while the state is drawn from the pool."""
MIX_MULT_L, MIX_MULT_R = 0xCA01F9DD, 0x4973F715
POOL_SIZE = 4
MASK32 = 0xFFFFFFFF
STATE_WORDS = 4
"""64-bit words of state a PCG64 asks its seed sequence for (128 bits of state, 128 of increment)."""


def uint32_words(value: int) -> list[int]:
    """A non-negative integer as 32-bit words, least significant first (0 is one word, as numpy has it)."""
    if value < 0:
        raise ValueError(f"seeds and spawn keys must be non-negative, got {value}")
    words = [0] if value == 0 else []
    while value > 0:
        words.append(value & MASK32)
        value >>= 32
    return words


def _mix(x: int, y: int) -> int:
    result = (MIX_MULT_L * x - MIX_MULT_R * y) & MASK32
    return result ^ (result >> 16)


def block_prefix(seed: int, block: int) -> tuple[list[int], int]:
    """The pool (four 32-bit words) and the hash constant once ``seed`` and ``block`` are mixed in:
    the start every stream ``SeedSequence(entropy=seed, spawn_key=(block, key))`` shares."""
    run = uint32_words(seed)
    run += [0] * (POOL_SIZE - len(run))   # numpy pads the seed to the pool when a spawn key follows
    constant = INIT_A

    def hashmix(value: int) -> int:
        nonlocal constant
        value ^= constant
        constant = (constant * MULT_A) & MASK32
        value = (value * constant) & MASK32
        return value ^ (value >> 16)

    pool = [hashmix(word) for word in run[:POOL_SIZE]]
    for source in range(POOL_SIZE):   # every word of the pool into every other, in order
        for target in range(POOL_SIZE):
            if source != target:
                pool[target] = _mix(pool[target], hashmix(pool[source]))
    for word in run[POOL_SIZE:] + uint32_words(block):   # the rest of the entropy into every word
        for target in range(POOL_SIZE):
            pool[target] = _mix(pool[target], hashmix(word))
    return pool, constant


@njit(cache=True)
def _states(pools, constants, key_words, out):
    """Mix ``key_words`` into each block's pool and draw eight 32-bit words of state into ``out`` (B, 8).
    Every number stays below 2**32 (products below 2**64 wrap harmlessly before the mask), and each
    is read through ``int``, so run interpreted the same code computes with Python's integers."""
    for b in range(pools.shape[0]):
        pool = [int(pools[b, 0]), int(pools[b, 1]), int(pools[b, 2]), int(pools[b, 3])]
        constant = int(constants[b])
        for word in key_words:   # the stream's key, mixed in as block_prefix mixes the rest of the entropy
            for target in range(POOL_SIZE):
                value = int(word) ^ constant
                constant = (constant * MULT_A) & MASK32
                value = (value * constant) & MASK32
                value ^= value >> 16
                mixed = (MIX_MULT_L * pool[target] - MIX_MULT_R * value) & MASK32
                pool[target] = mixed ^ (mixed >> 16)
        constant = INIT_B   # SeedSequence.generate_state: the pool's words in a cycle
        for i in range(out.shape[1]):
            value = pool[i % POOL_SIZE] ^ constant
            constant = (constant * MULT_B) & MASK32
            value = (value * constant) & MASK32
            out[b, i] = value ^ (value >> 16)


def stream_states(pools: np.ndarray, constants: np.ndarray, key: int) -> np.ndarray:
    """The PCG64 seed words (B, 4) uint64 of the stream ``key`` in each of B blocks, from their
    :func:`block_prefix` pools (B, 4) and hash constants (B,), both int64: row b is
    ``SeedSequence(entropy=seed_b, spawn_key=(block_b, key)).generate_state(4, np.uint64)``."""
    words = np.empty((len(pools), 2 * STATE_WORDS), dtype=np.int64)
    _states(pools, constants, np.array(uint32_words(key), dtype=np.int64), words)
    words = words.astype(np.uint64)
    return words[:, 0::2] | (words[:, 1::2] << np.uint64(32))   # little-endian pairs, as numpy makes them
