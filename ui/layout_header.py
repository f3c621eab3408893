"""The page's header: its title, the interface-language switch and the light/dark toggle.

The language itself lives in the browser (page.js): this area only hands it over at
load and on a switch; what follows the language is :mod:`ui.relabel`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from ui.relabel import Label
from ui.texts import text

# The interface language at page load: the one this browser chose last (page.js keeps
# it), else the browser's own; the page takes it on at once (its lang, title, Gradio's
# words), since the switch's change event fires only when it differs from English.
BROWSER_LANGUAGE_JS = (
    "async () => {"
    " for (let i = 0; i < 50 && !window.hrLanguage; i++) await new Promise(r => setTimeout(r, 20));"
    " if (!window.hrLanguage) return"
    " (navigator.language || 'en').toLowerCase().startsWith('nl') ? 'nl' : 'en';"
    " const language = window.hrLanguage.chosen(); window.hrLanguage.apply(language);"
    " return language; }"
)
# A switch by hand is remembered in this browser, for the next page load.
REMEMBER_LANGUAGE_JS = (
    "(language) => { window.hrLanguage && window.hrLanguage.remember(language); }"
)
# Screen readers, the browser's spelling, the window's title, Gradio's own words and
# the words in the answers (render.in_every_language) follow the interface language.
PAGE_LANGUAGE_JS = (
    "(language) => { document.documentElement.lang = language;"
    " window.hrLanguage && window.hrLanguage.apply(language); }"
)
# Light/dark, remembered by the browser (page.js applies it on load).
TOGGLE_THEME_JS = "() => window.hrToggleTheme && window.hrToggleTheme()"


@dataclass(frozen=True)
class Header:
    """The header's components; ``ui_language`` is every event's interface language."""

    title: gr.Markdown
    ui_language: gr.Radio
    theme_toggle: gr.Button

    def labels(self) -> list[Label]:
        return [
            (self.title, "title", "value"),
            (self.theme_toggle, "theme", "value"),
            (self.ui_language, "language", "label"),
        ]


def build_header() -> Header:
    """The header row, in English until the browser's language is known."""
    with gr.Row(equal_height=False, elem_id="hr-header"):
        title = gr.Markdown(text("en", "title"), elem_id="hr-title")
        ui_language = gr.Radio(
            choices=[("English", "en"), ("Nederlands", "nl")],
            value="en",
            label=text("en", "language"),
            elem_id="ui-language",
            container=False,
            scale=0,
            min_width=270,
        )
        theme_toggle = gr.Button(
            text("en", "theme"), size="sm", elem_id="theme-toggle", scale=0, min_width=120
        )
    return Header(title, ui_language, theme_toggle)


def load_language(app: gr.Blocks, header: Header) -> Any:
    """The browser's interface language set at page load; returns that event, which
    whatever is shown in the language at load follows (``.then``)."""
    return app.load(
        None, outputs=[header.ui_language], js=BROWSER_LANGUAGE_JS, api_visibility="private"
    )


def wire_header(header: Header) -> None:
    """The page itself follows the switch (its lang, title and Gradio's words), a
    switch by hand is remembered, and the toggle swaps light and dark."""
    header.ui_language.change(None, inputs=[header.ui_language], js=PAGE_LANGUAGE_JS)
    header.ui_language.input(None, inputs=[header.ui_language], js=REMEMBER_LANGUAGE_JS)
    header.theme_toggle.click(None, js=TOGGLE_THEME_JS)
