"""Transition shim: the accumulator now lives in :mod:`streamkit._assistants.accumulator`.

TODO(engine): removed once every importer uses the new modules.
"""

from __future__ import annotations

from streamkit._assistants.accumulator import MAX_INDEX_GAP, Accumulator, ChangeKind
from streamkit._engine.changes import Anomaly, Change

__all__ = ["MAX_INDEX_GAP", "Accumulator", "Anomaly", "Change", "ChangeKind"]
