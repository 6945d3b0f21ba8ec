"""numpy's random streams, drawn in compiled code: the same numbers in a fraction of the time.

Every random stream of a run is numpy's ``Generator(PCG64(SeedSequence(entropy=seed,
spawn_key=(block, name_key))))`` (:mod:`sim.model.streams`): one per block of 1,000 worlds and name,
drawn whole (every month) the first time the model asks. numpy makes them slowly for this use: 8.6 us
to open each (4.8 us building the ``SeedSequence``, 3.1 us drawing the PCG64 state from it; about
1,300 a chunk of 8,000 worlds), and 8.2 ns a standard normal (3.5 million a chunk), its PCG64 called
through a function pointer per number. Together 8% of a run. Here:

* :func:`block_prefix` and :func:`stream_states` compute the ``SeedSequence`` states. Its hash
  (O'Neill's ``seed_seq_fe``, as numpy writes it in ``numpy/random/bit_generator.pyx``) mixes the
  entropy words into a pool of four in order, so the pool after the seed and the block is the same
  for every stream of a block: it is computed once per block, and each stream's name is mixed in,
  for every block at once, in compiled code.
* :func:`draw_stream` seeds PCG64 as numpy does (``pcg64_set_seed``) and draws in one compiled loop:
  PCG64's 128-bit step (XSL-RR output) as LLVM's 128-bit integers, and numpy's own algorithms for the
  numbers (the ziggurat of ``random_standard_normal``, with numba's copy of numpy's tables;
  ``next_double`` for uniforms), written straight into the model's worlds-innermost arrays.
  1.9 ns a normal. Interpreted (``NUMBA_DISABLE_JIT=1``), or with a numba that lacks its copy of
  numpy's tables (:data:`COMPILED_DRAWS`), it draws with numpy's generators instead.

The numbers are numpy's, bit for bit: ``tests/core/test_random_streams.py`` checks the states against
``SeedSequence`` and the draws against numpy's generators (the oracle), millions of them, the
ziggurat's rare branches included.
"""

from __future__ import annotations

import numpy as np
from llvmlite import ir
from numba import config, njit, types
from numba.extending import intrinsic
from numpy.random.bit_generator import ISeedSequence

try:   # numba's copy of numpy's ziggurat tables: a private module of numba's, there since 0.56
    from numba.np.random._constants import fi_double, ki_double, wi_double, ziggurat_nor_inv_r, ziggurat_nor_r
    COMPILED_DRAWS = True
except ImportError:  # pragma: no cover - a numba without it: numpy draws them, the same numbers, slower
    ki_double, fi_double, wi_double = np.zeros(256, dtype=np.uint64), np.zeros(256), np.zeros(256)
    ziggurat_nor_inv_r = ziggurat_nor_r = 0.0
    COMPILED_DRAWS = False

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


NORMAL, UNIFORM = 0, 1
"""What a stream draws: standard normals (``Generator.standard_normal``) or U[0, 1) (``Generator.random``)."""

PCG_MULTIPLIER = 0x2360ED051FC65DA44385DF649FCCF645
"""PCG64's 128-bit multiplier (``PCG_DEFAULT_MULTIPLIER_128`` in numpy's ``pcg64.h``)."""

_U0, _U1, _U8, _U11, _U58, _U63, _U64, _BYTE = (np.uint64(v) for v in (0, 1, 8, 11, 58, 63, 64, 0xFF))
_MANTISSA = np.uint64(0x000FFFFFFFFFFFFF)
_TO_DOUBLE = 1.0 / 9007199254740992.0    # 2**-53, as numpy's next_double


@intrinsic
def _advance(typingctx, hi, lo, inc_hi, inc_lo):
    """PCG64's step: the state (hi, lo) times :data:`PCG_MULTIPLIER` plus the increment, mod 2**128,
    in LLVM's 128-bit integers (three multiplications)."""
    signature = types.UniTuple(types.uint64, 2)(types.uint64, types.uint64, types.uint64, types.uint64)

    def codegen(context, builder, sig, args):
        wide, narrow = ir.IntType(128), ir.IntType(64)

        def join(high, low):
            return builder.or_(builder.shl(builder.zext(high, wide), ir.Constant(wide, 64)), builder.zext(low, wide))

        state = builder.add(builder.mul(join(args[0], args[1]), ir.Constant(wide, PCG_MULTIPLIER)), join(args[2], args[3]))
        high = builder.trunc(builder.lshr(state, ir.Constant(wide, 64)), narrow)
        return context.make_tuple(builder, sig.return_type, (high, builder.trunc(state, narrow)))

    return signature, codegen


@njit(inline="always")
def _next_uint64(hi, lo, inc_hi, inc_lo):
    """numpy's ``pcg64_next64``: step, then the XSL-RR output of the new state."""
    hi, lo = _advance(hi, lo, inc_hi, inc_lo)
    value, rotation = hi ^ lo, hi >> _U58
    return hi, lo, (value >> rotation) | (value << ((_U64 - rotation) & _U63))


@njit(inline="always")
def _next_double(hi, lo, inc_hi, inc_lo):
    hi, lo, value = _next_uint64(hi, lo, inc_hi, inc_lo)
    return hi, lo, (value >> _U11) * _TO_DOUBLE


@njit(inline="always")
def _normal(hi, lo, inc_hi, inc_lo):
    """numpy's ``random_standard_normal`` (the ziggurat), step for step."""
    while True:
        hi, lo, r = _next_uint64(hi, lo, inc_hi, inc_lo)
        idx = r & _BYTE
        r >>= _U8
        rabs = (r >> _U1) & _MANTISSA
        x = rabs * wi_double[idx]
        if r & _U1:
            x = -x
        if rabs < ki_double[idx]:
            return hi, lo, x
        if idx == _U0:   # the tail beyond the last layer
            while True:
                hi, lo, u = _next_double(hi, lo, inc_hi, inc_lo)
                xx = -ziggurat_nor_inv_r * np.log1p(-u)
                hi, lo, u = _next_double(hi, lo, inc_hi, inc_lo)
                yy = -np.log1p(-u)
                if yy + yy > xx * xx:
                    return hi, lo, (-(ziggurat_nor_r + xx) if (rabs >> _U8) & _U1 else ziggurat_nor_r + xx)
        hi, lo, u = _next_double(hi, lo, inc_hi, inc_lo)
        if (fi_double[idx - _U1] - fi_double[idx]) * u + fi_double[idx] < np.exp(-0.5 * x * x):
            return hi, lo, x


@njit(cache=True)
def _draw_blocks(seeds, sizes, kind, out):
    """Each block's stream into its rows of ``out`` (worlds, draws per world), in numpy's order (each
    world's draws in turn): block b, PCG64 seeded by ``seeds[b]`` as numpy's ``pcg64_set_seed`` does
    (state 0, increment 2i + 1, a step, the seed added, a step), fills the next ``sizes[b]`` rows."""
    row = 0
    for b in range(seeds.shape[0]):
        seed_hi, seed_lo, inc_hi, inc_lo = seeds[b, 0], seeds[b, 1], seeds[b, 2], seeds[b, 3]
        inc_hi, inc_lo = (inc_hi << _U1) | (inc_lo >> _U63), (inc_lo << _U1) | _U1
        hi, lo = _advance(_U0, _U0, inc_hi, inc_lo)
        low = lo + seed_lo
        hi, lo = hi + seed_hi + (_U1 if low < lo else _U0), low
        hi, lo = _advance(hi, lo, inc_hi, inc_lo)
        for world in range(row, row + sizes[b]):
            for j in range(out.shape[1]):
                if kind == NORMAL:
                    hi, lo, value = _normal(hi, lo, inc_hi, inc_lo)
                else:
                    hi, lo, value = _next_double(hi, lo, inc_hi, inc_lo)
                out[world, j] = value
        row += sizes[b]


class Seeded(ISeedSequence):
    """A seed sequence whose state is already drawn (:func:`stream_states`): what numpy's bit
    generators ask of ``SeedSequence`` (``generate_state(4, np.uint64)``), without making one."""

    def __init__(self, state: np.ndarray):
        self.state = state

    def generate_state(self, n_words, dtype=np.uint32):
        if n_words != len(self.state) or np.dtype(dtype) != np.uint64:
            raise ValueError(f"a stream's seed holds {len(self.state)} words of uint64, asked {n_words} of {dtype}")
        return self.state


def draw_stream(pools: np.ndarray, constants: np.ndarray, key: int, sizes: np.ndarray, kind: int,
                out: np.ndarray) -> None:
    """Draw the stream ``key`` of B blocks into ``out`` (worlds, draws per world), any layout: block
    b's ``sizes[b]`` worlds in turn, each world's draws in order, exactly as numpy's
    ``Generator(PCG64(SeedSequence(entropy=seed_b, spawn_key=(block_b, key))))`` draws an array of
    shape (sizes[b], draws) with ``standard_normal`` (``kind`` :data:`NORMAL`) or ``random``
    (:data:`UNIFORM`). ``pools`` (B, 4) and ``constants`` (B,) are the blocks' :func:`block_prefix`."""
    states = stream_states(pools, constants, key)
    if getattr(config, "DISABLE_JIT", False) or not COMPILED_DRAWS:   # numpy's generators, the same numbers
        row = 0
        for state, size in zip(states, sizes, strict=True):
            # numpy's bit generators take any ISeedSequence (its documented interface); its stubs name SeedSequence only.
            generator = np.random.Generator(np.random.PCG64(Seeded(state)))  # type: ignore[arg-type]
            shape = (int(size), out.shape[1])
            out[row:row + size] = generator.standard_normal(shape) if kind == NORMAL else generator.random(shape)
            row += size
        return
    _draw_blocks(states, sizes, kind, out)
