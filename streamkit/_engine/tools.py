"""The tool loop's rules, shared by both protocols: calling Python functions for the model.

A stream that was given ``functions={"name": fn}`` answers the model's
function calls itself: each call's function is called with the call's parsed
JSON arguments, and its result becomes the output sent back. Which calls a
response or run waits for, and how outputs are sent, is the protocol's; what
a result, an exception or an unknown name becomes is decided here, once.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable, Mapping
from typing import Any, Final, Literal, TypeAlias

__all__ = [
    "MAX_POLLS",
    "MAX_TOOL_ROUNDS",
    "POLL_DEADLINE",
    "ToolErrors",
    "ToolFunction",
    "UnknownFunctions",
    "as_output",
    "checked_tool_errors",
    "checked_unknown_functions",
    "output_text",
    "tool_thunk",
]

#: What the tool loop does with a function that raises: submit its error text, or raise it.
ToolErrors: TypeAlias = Literal["submit", "raise"]
#: A Python function the tool loop calls with a tool call's parsed JSON arguments.
ToolFunction: TypeAlias = Callable[..., Any]
#: What the tool loop does with a call naming no given function: raise ToolError, or submit.
UnknownFunctions: TypeAlias = Literal["raise", "submit"]
#: The default bound of tool-output rounds for one stream (``max_tool_rounds``).
MAX_TOOL_ROUNDS: Final = 16
#: The default bound of reads of an object that has not settled (``max_polls``).
MAX_POLLS: Final = 600
#: The default seconds a stream may poll an object before giving up (``poll_deadline``).
POLL_DEADLINE: Final = 600.0


def as_output(value: Any) -> str:
    """A tool function's result as the output string: a string as is, else JSON."""
    return value if isinstance(value, str) else json.dumps(value)


def tool_thunk(
    functions: Mapping[str, ToolFunction], name: str, arguments: str | None
) -> Callable[[], Any]:
    """Calling ``name`` with the parsed JSON ``arguments`` (the result may be awaitable).

    An object of arguments is passed as keywords, anything else as the one
    positional argument.
    """

    def invoke() -> Any:
        function = functions.get(name)
        if function is None:
            msg = f"no function named {name!r} was given"
            raise LookupError(msg)
        parsed = json.loads(arguments or "{}")
        return function(**parsed) if isinstance(parsed, dict) else function(parsed)

    return invoke


def output_text(name: str, result: Any, tool_errors: ToolErrors) -> str:
    """The output to send for a call to ``name``: its result, or (a failure) its error text.

    Raises:
        TypeError: ``result`` is awaitable: an async function given to a
            sync client (only a sync shell hands one back).
        BaseException: ``result`` is an exception and ``tool_errors`` is
            ``"raise"`` (or it is not an ``Exception``, e.g. KeyboardInterrupt).
    """
    if inspect.isawaitable(result):
        close = getattr(result, "close", None)
        if close is not None:
            close()  # never awaited: closed here, so nothing warns later
        msg = f"the function {name!r} is async: give it to the AsyncClient"
        raise TypeError(msg)
    if isinstance(result, BaseException):
        if tool_errors == "raise" or not isinstance(result, Exception):
            raise result
        return f"error: {type(result).__name__}: {result}"
    return as_output(result)


def checked_tool_errors(tool_errors: str) -> ToolErrors:
    """``tool_errors`` checked.

    Raises:
        ValueError: neither ``"submit"`` nor ``"raise"``.
    """
    if tool_errors not in ("submit", "raise"):
        msg = f"tool_errors must be 'submit' or 'raise', not {tool_errors!r}"
        raise ValueError(msg)
    return "submit" if tool_errors == "submit" else "raise"


def checked_unknown_functions(unknown_functions: str) -> UnknownFunctions:
    """``unknown_functions`` checked.

    Raises:
        ValueError: neither ``"raise"`` nor ``"submit"``.
    """
    if unknown_functions not in ("raise", "submit"):
        msg = f"unknown_functions must be 'raise' or 'submit', not {unknown_functions!r}"
        raise ValueError(msg)
    return "raise" if unknown_functions == "raise" else "submit"
