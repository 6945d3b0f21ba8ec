"""Defaults shared by the engine, the analyses and the command line (declared once, import-free so
the command line can show them in ``--help`` without loading numpy or Mesa)."""

DEFAULT_CHUNK = 8_000
"""At most this many worlds per model run (chunk) of ``negsim run`` unless ``--chunk-size`` says
otherwise; a run is split into chunks as equal as whole blocks allow, their number a multiple of its
processes (:func:`sim.engine.run.default_chunks`). Measured in one process (docs/design.md, issue 31):
8,000 worlds a chunk 7-8% faster than 4,000, 12,000 no faster, the peak memory the same."""

SWEEP_WORLDS = 1_000
"""Worlds per sweep point unless the sweep file or ``--worlds`` says otherwise."""

SWEEP_WORLDS_PER_CHUNK = 8_000
"""About this many worlds per model run when sweep points share runs: as for a run's chunks
(:data:`DEFAULT_CHUNK`), a model run has a fixed cost, so larger is faster up to about this size
(measured, issue 31: 80 points x 1,000 worlds in one process, 8 points a run 1.03-1.06 times as fast
as 5)."""
