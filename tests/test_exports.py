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
    lazy = set(streamkit._LAZY)  # imported on first use: the client needs httpx
    assert public - lazy | {"__version__"} | lazy == set(streamkit.__all__)
    for name in lazy:
        assert getattr(streamkit, name) is not None
    assert len(set(streamkit.__all__)) == len(streamkit.__all__)


def test_contract_names_exist() -> None:
    """The names the design's public contract promises are importable from the top."""
    for name in ("SSEDecoder", "ServerSentEvent", "StreamkitError"):
        assert hasattr(streamkit, name)
