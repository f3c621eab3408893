"""The Insights tab: what the article owners should write or fix next (shown only with
HR_ASSISTANT_INSIGHTS=on and an admin password set; behind that password)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import gradio as gr

from ui.relabel import Label, PasswordBox, Redraw, saying
from ui.render import escape, status_markdown, table_html
from ui.security import request_client
from ui.texts import Status, text

if TYPE_CHECKING:
    from assistant.insights import Insights
    from ui.handlers import ChatApp

PERIODS = (7, 30, 90, 365)


def insights_html(found: Insights, titles: dict[str, tuple[str, str]], language: str) -> str:
    """The insights as tables, every text escaped."""

    def title(article_id: str) -> str:
        return titles.get(article_id, (article_id, ""))[0]

    def t(key: str, **values: object) -> str:
        return text(language, key, **values)

    none = f"<p>{escape(t('ins_none'))}</p>"
    parts = [
        f"<h2>{escape(t('ins_summary', questions=found.questions, days=found.days))}</h2>",
        table_html(
            [t("ins_language"), t("ins_asked"), t("ins_answered"), t("ins_share")],
            [
                [text(language, f"lang_{lang}"), s["asked"], s["answered"], f"{s['share']:.0%}"]
                for lang, s in found.per_language.items()
            ],
            t("ins_per_language"),
        ),
        f"<h2>{escape(t('ins_gaps'))}</h2>",
        f'<p class="hr-muted">{escape(t("ins_gaps_note"))}</p>',
        _gaps_table(found, title, language) if found.gaps else none,
        f"<h2>{escape(t('ins_disliked'))}</h2>",
        _disliked_table(found, title, language) if found.disliked else none,
        f"<h2>{escape(t('ins_never'))}</h2>",
    ]
    never = "".join(f"<li>{escape(title(a))}</li>" for a in found.never_cited)
    parts.append(f"<ul>{never}</ul>" if never else none)
    return '<div class="hr-insights">' + "".join(parts) + "</div>"


def _gaps_table(found: Insights, title: Callable[[str], str], language: str) -> str:
    """The groups of questions the articles did not answer."""
    keys = ("ins_count", "ins_examples", "ins_languages", "ins_closest", "ins_now")
    return table_html(
        [text(language, key) for key in keys],
        [
            [
                group.count,
                " | ".join(group.examples),
                ", ".join(group.languages),
                "; ".join(title(a) for a in group.closest),
                (
                    f"{group.now_answered}/{group.rechecked}"
                    if group.now_answered is not None
                    else ""
                ),
            ]
            for group in found.gaps
        ],
        text(language, "ins_gaps"),
    )


def _disliked_table(found: Insights, title: Callable[[str], str], language: str) -> str:
    """The articles cited in answers given a thumbs-down, with the reasons given."""
    return table_html(
        [text(language, "col_title"), text(language, "ins_count"), text(language, "ins_reasons")],
        [
            [
                title(item["article"]),
                item["thumbs_down"],
                ", ".join(
                    f"{text(language, f'reason_{r}') if r in REASON_KEYS else r} {n}"
                    for r, n in item["reasons"].items()
                ),
            ]
            for item in found.disliked
        ],
        text(language, "ins_disliked"),
    )


REASON_KEYS = ("wrong_source", "outdated", "incomplete", "not_what_i_asked", "other")


def weekly_frame(found: Insights, language: str) -> Any:
    """Answered, refused and thumbs-down per week, long format for ``gr.BarPlot``."""
    import pandas as pd

    rows = [
        {"week": week["week"], "kind": text(language, f"ins_{kind}"), "questions": week[kind]}
        for week in found.weekly
        for kind in ("answered", "refused", "thumbs_down")
    ]
    return pd.DataFrame(rows, columns=["week", "kind", "questions"])


@dataclass(frozen=True)
class InsightsTab:
    """The Insights tab's components. ``gaps``: the example questions of each gap
    shown, for the one picked to lead to the upload; ``shown``: the insights on screen
    (None before), and ``said``: what the status line says (a Status), both drawn anew
    when the interface language switches."""

    tab: gr.Tab
    intro: gr.Markdown
    password: gr.Textbox
    since: gr.Dropdown
    show: gr.Button
    status: gr.Markdown
    chart: gr.BarPlot
    found: gr.HTML
    gap_pick: gr.Dropdown
    add_for_gap: gr.Button
    gaps: gr.State
    shown: gr.State
    said: gr.State

    @property
    def password_box(self) -> PasswordBox:
        """Its admin password box, and the status line that answers it."""
        return self.password, self.status, self.said

    def labels(self) -> list[Label]:
        return [
            (self.tab, "insights_tab", "label"),
            (self.intro, "insights_intro", "value"),
            (self.password, "admin_password", "label"),
            (self.since, "ins_period", "label"),
            (self.show, "ins_show", "value"),
            (self.gap_pick, "ins_gap_pick", "label"),
            (self.add_for_gap, "ins_add", "value"),
        ]


@dataclass(frozen=True)
class InsightsFooter:
    """Said on every page while questions are logged (with or without the tab)."""

    note: gr.Markdown

    def labels(self) -> list[Label]:
        return [(self.note, "insights_footer", "value")]


def build_insights_tab() -> InsightsTab:
    """The tab inside the open ``gr.Tabs``, behind the admin password."""
    with gr.Tab(text("en", "insights_tab"), id="insights", elem_id="insights-tab") as tab:
        intro = gr.Markdown(text("en", "insights_intro"))
        with gr.Row():
            password = gr.Textbox(
                label=text("en", "admin_password"), type="password", elem_id="insights-password"
            )
            since = gr.Dropdown(
                choices=list(PERIODS), value=90, label=text("en", "ins_period"), elem_id="since"
            )
            show = gr.Button(text("en", "ins_show"), variant="primary", elem_id="show-insights")
        status = gr.Markdown("", elem_id="insights-status")
        chart = gr.BarPlot(
            x="week",
            y="questions",
            color="kind",
            label=text("en", "ins_chart"),
            elem_id="insights-chart",
            visible=False,
        )
        found = gr.HTML("", elem_id="insights")
        with gr.Row():
            gap_pick = gr.Dropdown(
                choices=[], value=None, label=text("en", "ins_gap_pick"), elem_id="gap-pick"
            )
            add_for_gap = gr.Button(text("en", "ins_add"), elem_id="add-for-gap")
        gaps = gr.State([])
        shown = gr.State(None)
        status_said = gr.State(())
    return InsightsTab(
        tab,
        intro,
        password,
        since,
        show,
        status,
        chart,
        found,
        gap_pick,
        add_for_gap,
        gaps,
        shown,
        status_said,
    )


def build_insights_footer() -> InsightsFooter:
    return InsightsFooter(gr.Markdown(text("en", "insights_footer"), elem_id="insights-footer"))


class InsightsEvents:
    """The Insights tab's event functions around the page's handlers."""

    def __init__(self, handlers: ChatApp) -> None:
        self.handlers = handlers

    def on_show(
        self, secret: str, key: str, days: int, language: str, request: gr.Request
    ) -> tuple[Any, ...]:
        """The insights of the last ``days``, for an admin password typed here or
        confirmed in either tab (``key``); ``request``: who asks, for the count of
        wrong passwords."""
        refusal = self.handlers.admin_refusal(key or secret, client=request_client(request))
        if refusal:
            hidden: tuple[Any, ...] = (
                gr.update(visible=False),
                "",
                gr.update(choices=[]),
                [],
                None,
            )
            return *saying(refusal, language), *hidden
        found = self.handlers.insights(int(days))
        choices = [(f"{g.count}× {g.examples[0]}", n) for n, g in enumerate(found.gaps)]
        return (
            *saying((), language),
            *self.drawn(language, found),
            gr.update(choices=choices, value=None),
            [g.examples for g in found.gaps],
            found,
        )

    def reworded(self, language: str, found: Insights | None, status: Status) -> tuple[Any, ...]:
        """The insights on screen (:meth:`drawn`) and the status line in ``language``."""
        return (*self.drawn(language, found), status_markdown(language, status))

    def drawn(self, language: str, found: Insights | None) -> tuple[Any, ...]:
        """The chart and the tables of ``found`` in ``language`` (None: as they are)."""
        if found is None:
            return gr.update(), gr.update()
        return (
            gr.update(value=weekly_frame(found, language), visible=bool(found.weekly)),
            insights_html(found, self.handlers.assistant.titles, language),
        )

    @staticmethod
    def to_upload(picked: int | None, examples: list[list[str]]) -> tuple[Any, ...]:
        """The gap picked leads to the Articles tab, which shows its questions above the
        upload (and says them again in another language)."""
        if picked is None or not 0 <= int(picked) < len(examples):
            return gr.Tabs(), gr.update()
        return gr.Tabs(selected="articles"), list(examples[int(picked)])


def wire_insights_tab(
    insights: InsightsTab,
    ui_language: gr.Radio,
    events: InsightsEvents,
    tabs: gr.Tabs,
    gap_asked: gr.State,
    admin_key: gr.State,
) -> None:
    """Show the insights; a gap picked opens the Articles tab with its questions in
    ``gap_asked``. An admin password the page confirmed already (``admin_key``, from
    either tab) opens them too."""
    insights.show.click(
        events.on_show,
        inputs=[insights.password, admin_key, insights.since, ui_language],
        outputs=[
            insights.status,
            insights.said,
            insights.chart,
            insights.found,
            insights.gap_pick,
            insights.gaps,
            insights.shown,
        ],
        api_visibility="private",
    )
    insights.add_for_gap.click(
        events.to_upload,
        inputs=[insights.gap_pick, insights.gaps],
        outputs=[tabs, gap_asked],
        api_visibility="private",
    )


def insights_redraw(insights: InsightsTab, events: InsightsEvents) -> Redraw:
    """The insights on screen follow the interface language, as they were found (the
    question log is not asked again), and so does the status line."""
    return Redraw(
        (insights.chart, insights.found, insights.status),
        events.reworded,
        (insights.shown, insights.said),
    )
