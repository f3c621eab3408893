"""What follows the interface language: each area names its texts (:data:`Label`) and
what it draws anew (:class:`Redraw`), and one switch event updates them all.

One event rather than one per area: the page's labels change together, and an area
that forgets to say what it shows in words is seen at once in its ``labels()``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import gradio as gr

from ui.render import status_markdown
from ui.texts import Status, text

# A text that follows the interface language: (component, text key, property).
Label = tuple[Any, str, str]
# An admin password box, the status line that answers it, and the state that keeps what
# that line says (a Status), so that a switch of language says it again.
PasswordBox = tuple[Any, Any, Any]


class Labelled(Protocol):
    """An area of the page: it names the texts it shows in the interface language."""

    def labels(self) -> list[Label]: ...


@dataclass(frozen=True)
class Redraw:
    """Outputs that a switch of language draws anew beyond their labels (a table, an
    article): ``draw(language, *inputs)`` returns one update per output."""

    outputs: tuple[Any, ...]
    draw: Callable[..., tuple[Any, ...]]
    inputs: tuple[Any, ...] = ()


def saying(status: Status, language: str) -> tuple[str, Status]:
    """The updates of a status line and of the state that keeps what it says: a switch
    of language says it again from that state (a :class:`Redraw` with it as input)."""
    return status_markdown(language, status), status


def labelled(prop: str, value: str) -> Any:
    """``gr.update`` of one named property (its keyword arguments are typed one by one)."""
    change: dict[str, Any] = {prop: value}
    return gr.update(**change)


def wire_relabel(ui_language: Any, labels: Sequence[Label], redraws: Sequence[Redraw]) -> None:
    """Every label and redraw follows every change of language (the browser's at
    load, or the switch), in one event whose outputs come from these two lists."""
    inputs = [ui_language, *(component for redraw in redraws for component in redraw.inputs)]

    def translate(language: str, *values: Any) -> tuple[Any, ...]:
        updates = [labelled(prop, text(language, key)) for _, key, prop in labels]
        rest = iter(values)
        for redraw in redraws:
            updates.extend(redraw.draw(language, *(next(rest) for _ in redraw.inputs)))
        return tuple(updates)

    ui_language.change(
        translate,
        inputs=inputs,
        outputs=[
            *(component for component, _, _ in labels),
            *(output for redraw in redraws for output in redraw.outputs),
        ],
        api_visibility="private",
    )
