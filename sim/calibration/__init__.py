"""Calibration from the record: approximate Bayesian computation (:mod:`.abc`) and structural
variants pooled by their fit (:mod:`.pooling`). The record itself and its loader are in
:mod:`sim.scenario.evidence`, the replay that holds a model to it in :mod:`sim.engine.replay`
(a run can start from the replayed worlds: :mod:`sim.engine.conditioning`)."""
