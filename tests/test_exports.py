"""The public surface: what `import streamkit` offers is exactly what __all__ lists."""

from __future__ import annotations

import streamkit


def test_all_lists_every_public_name() -> None:
    """__all__ names every public attribute (modules aside), once; ruff keeps it sorted."""
    public = {
        name
        for name, value in vars(streamkit).items()
        if not name.startswith("_")
        and type(value).__name__ != "module"
        and name != "annotations"  # from `from __future__ import annotations`
    }
    assert public | {"__version__"} == set(streamkit.__all__)
    assert len(set(streamkit.__all__)) == len(streamkit.__all__)


def test_contract_names_exist() -> None:
    """The names the design's public contract promises are importable from the top."""
    for name in ("SSEDecoder", "ServerSentEvent", "StreamkitError"):
        assert hasattr(streamkit, name)
