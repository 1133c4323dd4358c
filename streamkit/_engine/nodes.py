"""The mutable containers the merge engine builds snapshots from.

An object being accumulated (a run, a step, a message, a response and every
object inside them) is held as its wire JSON, with three kinds of container
in place of the plain ones:

* :class:`Node` -- a JSON object (a ``dict``) that remembers the typed model
  last built from it in ``cache``. The merge sets ``cache`` to ``None`` on
  every node it changes (and so on the path down to it), so a snapshot read
  after a delta rebuilds only the objects that delta touched; the rest come
  from their caches.
* :class:`Frags` -- a streamed text field as its fragments. Appending is
  O(fragment); :meth:`Frags.joined` joins them once and collapses the list to
  that one string, so reading unchanged text again costs O(1).
* :class:`Slots` -- an index-keyed list: ``index`` -> entry, read in index
  order (out-of-order and gapped indexes land in their slot; a huge index
  allocates nothing).

The generated structure hooks of :mod:`streamkit._engine.convert` accept
these wherever they accept a ``dict``, a ``str`` and a ``list``, so the same
hooks serve parsing and snapshot building. Nothing here imports the rest of
the package.
"""

from __future__ import annotations

from typing import Any

__all__ = ["Frags", "Node", "Slots", "plain"]


class Node(dict[str, Any]):
    """A JSON object under accumulation, with the typed model last built from it."""

    __slots__ = ("cache",)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: The model built from this node, or None when the node changed since.
        self.cache: Any = None


class Frags(list[str]):
    """A streamed text field: its fragments, joined only when read."""

    __slots__ = ()

    def joined(self) -> str:
        """The whole text; the fragments collapse to it, so the next read is O(1)."""
        if len(self) == 1:
            return self[0]
        text = "".join(self)
        self[:] = (text,)
        return text


class Slots(dict[int, Any]):
    """An index-keyed list: ``index`` -> entry node."""

    __slots__ = ()

    def ordered(self) -> list[Any]:
        """The entries present, in index order (a gap that never filled is skipped)."""
        return [self[index] for index in sorted(self)]


def plain(value: Any) -> Any:
    """Plain wire JSON of a value that may hold nodes, fragments and slots (a deep copy).

    Recursive: bounded because a node tree is as deep as the schema plus the
    free-form JSON in it, which the merge and the parser check against
    ``convert.MAX_DEPTH`` before anything is stored.
    """
    cls = value.__class__
    if cls is Node or cls is dict:
        return {key: plain(item) for key, item in value.items()}
    if cls is Frags:
        return value.joined()
    if cls is Slots:
        return [plain(item) for item in value.ordered()]
    if cls is list:
        return [plain(item) for item in value]
    return value
