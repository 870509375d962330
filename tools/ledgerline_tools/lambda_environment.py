"""A function's ``Environment`` from template.yaml, resolved as far as it can be here (``ledgerline invoke``).

As ``sam local invoke`` does: the template's variables (``Globals`` then the function's own) are set for
the invocation, a variable already in the environment wins, a ``!Ref`` to a parameter takes its default.
Where SAM would pass a resource's logical id, the local stack has stand-ins: the table is
``LEDGER_TABLE_NAME`` (``ledgerline`` by default), the cursor secret is the local key (``CURSOR_SECRET``),
the write-off queue is an in-process queue and worker (``worker.LocalQueue``). Anything else is left unset.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from ledgerline.store import runtime
from ledgerline_tools import template

STAND_INS = {
    "CursorSecret": "the local cursor key (CURSOR_SECRET)",
    "WriteOffQueue": "an in-process queue and worker",
}
"""Resources whose variable stays unset locally because something in this process stands in for them."""
QUEUE = "WriteOffQueue"


@dataclass(frozen=True)
class Resolved:
    values: dict[str, str] = field(default_factory=dict)
    """Variables with a value here: literals, parameters' defaults, the table's name."""
    stood_in: dict[str, str] = field(default_factory=dict)
    """Variable → the resource a local stand-in replaces (see STAND_INS)."""
    unresolved: list[str] = field(default_factory=list)

    def unset_queue(self) -> list[str]:
        """The variables naming the write-off queue that the environment does not set (no queue URL)."""
        return [name for name, ref in self.stood_in.items() if ref == QUEUE and not os.environ.get(name)]


def variables(logical_id: str, document: dict[str, Any] | None = None) -> dict[str, Any]:
    """The template's variables for the function, unresolved: Globals' overridden by the function's."""
    document = document or template.load()
    merged: dict[str, Any] = {}
    for owner in (document.get("Globals", {}).get("Function", {}), document["Resources"][logical_id]["Properties"]):
        merged |= (owner.get("Environment") or {}).get("Variables") or {}
    return merged


def resolve(logical_id: str, document: dict[str, Any] | None = None) -> Resolved:
    document = document or template.load()
    parameters = document.get("Parameters") or {}
    resolved = Resolved()
    for name, value in variables(logical_id, document).items():
        ref = value.get("Ref") if isinstance(value, dict) and len(value) == 1 else None
        if isinstance(value, str | int | float | bool):
            resolved.values[name] = str(value)
        elif ref in parameters and "Default" in parameters[ref]:
            resolved.values[name] = str(parameters[ref]["Default"])
        elif ref == template.TABLE_RESOURCE:
            resolved.values[name] = runtime.table_name()
        elif ref in STAND_INS:
            resolved.stood_in[name] = ref
        else:
            resolved.unresolved.append(name)
    return resolved


@contextmanager
def applied(values: dict[str, str]) -> Iterator[None]:
    """The values set for the duration of the block, except where the environment already has one."""
    added = [name for name in values if name not in os.environ]
    os.environ.update({name: values[name] for name in added})
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)
