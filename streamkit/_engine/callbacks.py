"""Callbacks as registered functions: the decorator form of a protocol's handler.

A protocol's handler class names its callbacks as methods; this mixin lets a
program register plain functions for them instead (``@handlers.on("...")``)
and is dispatched by the same driver: :meth:`Registered._call` calls what
was registered, :meth:`Registered._implemented` says which callbacks there
are. Protocol-neutral: the subclass gives the names it accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

__all__ = ["Registered", "overridden"]


def overridden(handler: object, base: type, names: Iterable[str]) -> frozenset[str]:
    """The callback ``names`` whose method on ``handler`` is not ``base``'s do-nothing default.

    A handler class names its callbacks as methods; only those a subclass overrides are
    routed by the driver (the others would only be called to do nothing).
    """
    found = set()
    for name in names:
        method = getattr(handler, name)
        if getattr(method, "__func__", method) is not getattr(base, name):
            found.add(name)
    return frozenset(found)


class Registered:
    """Callbacks registered by name, several per name, run in the order registered.

    Subclasses set :attr:`callback_names`: every callback their handler may define.
    """

    #: The callback names this handler accepts (``on_...``).
    callback_names: ClassVar[frozenset[str]] = frozenset()

    def __init__(self) -> None:
        self._registered: dict[str, list[Callable[..., Any]]] = {}

    def on(self, name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register the decorated function for the callback ``name``.

        ``name`` is a callback's name, with or without ``on_`` and with ``.``
        for ``_`` (``"text.delta"``, ``"on_text_delta"``).

        Raises:
            ValueError: ``name`` is not one of :attr:`callback_names`.
        """
        key = name.replace(".", "_")
        key = key if key.startswith("on_") else f"on_{key}"
        names = self.callback_names
        if key not in names:
            msg = f"no callback named {name!r}; choose one of: {', '.join(sorted(names))}"
            raise ValueError(msg)

        def register(function: Callable[..., Any]) -> Callable[..., Any]:
            self._registered.setdefault(key, []).append(function)
            return function

        return register

    def _call(self, name: str, arguments: tuple[Any, ...]) -> Any:
        result = None
        for function in self._registered.get(name, ()):
            value = function(*arguments)
            if value is not None:
                result = value  # e.g. tool outputs from on_requires_action
        return result

    def _implemented(self) -> frozenset[str]:
        return frozenset(self._registered)
