"""The interface's own words in English and Dutch."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from string import Formatter

from core.language import PHRASES, translated

logger = logging.getLogger(__name__)

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "# HR roles assistant",
        "intro": (
            "Ask about HR roles in English or Dutch. Every answer quotes the articles: "
            "hover over or select a [n] to see its source, open it to read the article."
        ),
        "language": "Interface language",
        "chat_tab": "Chat",
        "articles_tab": "Articles",
        "placeholder": "Ask a question about HR roles… (Enter sends, Shift+Enter: new line)",
        "send": "Send",
        "new_chat": "New chat",
        "examples": "Example questions",
        "sources": "## Sources",
        "no_sources": "The sources of the latest answer appear here.",
        "closest_note": ("The articles do not answer this question. These passages come closest:"),
        "open_source": "Open a source in its article",
        "articles_intro": "The articles the assistant answers from.",
        "col_title": "Title",
        "col_language": "Language",
        "col_chunks": "Passages",
        "col_ingested": "Last ingested",
        "read_article": "Read an article",
        "thanks": "Thank you for your feedback on “{question}”.",
        "vote_removed": "Your vote on “{question}” is taken back.",
        "vote_refused": (
            "This answer cannot be rated: it was not given by this assistant, or was changed since."
        ),
        "publisher": "Publisher",
        "ingested_at": "Ingested {time}",
        "original_page": "Original page: {host} (opens in a new tab)",
        "lang_en": "English",
        "lang_nl": "Dutch",
        "cited": "Cited passage",
        # The answers' own label (core.language), so the cards and the answers agree.
        "machine_translation": PHRASES["en"]["machine_translation"],
        "admin": "### Manage articles",
        "admin_password": "Admin password",
        "admin_off": (
            "Managing articles is off: this chat is served on a network address and no admin "
            "password is set. To add, delete or re-ingest articles here, set "
            "`HR_ASSISTANT_ADMIN_PASSWORD` and restart `hr-assistant serve`; until then, "
            "change the files in the articles folder on the server."
        ),
        "upload": "Add articles (.md .txt .html .pdf .docx)",
        "delete_pick": "Article to delete",
        "delete": "Delete article…",
        "reingest": "Re-ingest the folder",
        "wrong_password": "Wrong or missing admin password.",
        "admin_ok": "Admin password accepted: you can manage articles on this page.",
        "admin_ok_insights": (
            "Admin password accepted: you can manage articles and see Insights on this page."
        ),
        "too_many_attempts": "Too many wrong passwords: try again in a minute.",
        "sync_failed": "The file was moved, but updating the answers failed; see the log.",
        "ingested": "{articles}, {chunks}: {added} added, {deleted} deleted, {skipped} unchanged.",
        "count_article_one": "{count} article",
        "count_article": "{count} articles",
        "count_passage_one": "{count} passage",
        "count_passage": "{count} passages",
        "file_error": "Not ingested: {file}: {error}",
        "saved": "Added {name}.",
        "deleted": "Deleted {name} (moved to the trash).",
        "restored": "Restored {name}.",
        "confirm_delete": (
            "Delete “{title}” ({passages})? Its file moves to the trash in the data "
            "folder; you can undo this until you leave the page."
        ),
        "confirm_replace": "These uploads replace articles already here: {names}. Replace them?",
        "replaces": "{name} replaces “{title}” ({passages})",
        "delete_yes": "Yes, delete",
        "replace_yes": "Yes, replace",
        "cancel": "Cancel",
        "undo": "Undo the last delete or replace",
        "cancelled": "Nothing changed.",
        "pick_first": "Choose the article to delete first.",
        "watch_following": "Following {folder}",
        "watch_last_sync": "last sync {time}",
        "watch_syncing": "syncing: {done} of {total} passages",
        "passages_unit": "passages",
        "watch_skipped_one": "1 file skipped: {files}",
        "watch_skipped": "{count} files skipped: {files}",
        "watch_failed": "the last sync failed: {problem}",
        "watch_not_following": "Not following {folder}: {problem}",
        "watch_off": "this chat does not watch the folder (started with --no-watch)",
        "watch_starting": "starting",
        "audit": "### Admin log",
        "col_at": "Time",
        "col_action": "Action",
        "col_article": "Article",
        "col_outcome": "Outcome",
        "question": "Your question",
        "insights_tab": "Insights",
        "insights_intro": (
            "What the chat shows about the articles: questions they did not answer, grouped "
            "by meaning, articles never cited and articles in thumbs-down answers. Questions "
            "are kept to the hour, with e-mail addresses, phone numbers and long numbers "
            "masked, and without who asked."
        ),
        "insights_footer": (
            "Questions asked here are logged without who asked (e-mail addresses, phone "
            "numbers and long numbers masked; to the hour) so the article owners can improve "
            "the articles. Please leave names out of your questions."
        ),
        "ins_period": "Period (days)",
        "ins_show": "Show insights",
        "ins_chart": "Questions per week",
        "ins_gap_pick": "A gap to write an article for",
        "ins_add": "Add an article for this gap",
        "ins_gap_note": "The article to add should answer questions like these:",
        "ins_summary": "{questions} questions in the last {days} days",
        "ins_per_language": "Answered per language",
        "ins_language": "Language",
        "ins_asked": "Asked",
        "ins_answered": "Answered",
        "ins_refused": "Refused",
        "ins_thumbs_down": "Thumbs down",
        "ins_share": "Share answered",
        "ins_gaps": "Gaps: questions the articles did not answer well",
        "ins_gaps_note": (
            "Refused and thumbs-down questions, grouped by meaning across languages. "
            "'Now answered' asks them again after the latest ingest."
        ),
        "ins_count": "Questions",
        "ins_examples": "Examples",
        "ins_languages": "Languages",
        "ins_closest": "Closest articles",
        "ins_now": "Now answered",
        "ins_disliked": "Articles in thumbs-down answers",
        "ins_reasons": "Reasons given",
        "ins_never": "Articles never cited in this period",
        "ins_none": "None.",
        "theme": "Light / dark",
        "chats": "Your chats",
        "chats_title": "## Your chats\nKept in this browser only.",
        "chat_search": "Search your chats",
        "chat_search_hint": "A word from a title or a question",
        "no_chat_match": "No chat matches.",
        "pinned_chat": "Pinned: {title}",
        "pin": "Pin chat",
        "unpin": "Unpin chat",
        "chat_title": "Name of this chat",
        "rename": "Rename",
        "delete_chat": "Delete chat",
        "export": "Export as Markdown",
        "undo_chat": "Undo delete",
        "chat_deleted": "Deleted “{title}”.",
        "reason_label": "What was wrong with this answer? (optional)",
        "reason_wrong_source": "Wrong source",
        "reason_outdated": "Outdated",
        "reason_incomplete": "Incomplete",
        "reason_not_what_i_asked": "Not what I asked",
        "reason_other": "Other",
        "comment_label": "Anything to add? (optional)",
        "reason_send": "Send feedback",
        "reason_skip": "Skip",
        "reason_thanks": "Thank you: the article owners will see what was wrong with “{question}”.",
        "conversation": "Conversation",
        "copy": "Copy with sources",
        "copied": "Copied",
        "open_in_article": "Open in the article",
        "close": "Close",
        "passage_gone": "This passage has changed since the answer: ask again for the current one.",
        "page_title": "HR roles assistant",
        "answer_sources": "Sources",
        "answer_closest": "Closest the articles come",
        "export_question": "Question",
        "toast_info": "Info",
        "toast_warning": "Warning",
        "audit_upload": "upload",
        "audit_replace": "replace",
        "audit_delete": "delete",
        "audit_undo": "undo",
        "audit_reingest": "reingest",
        "audit_failed": "failed: {problem}",
        "audit_more": "(and {count} more)",
        # Gradio's own words (ui.app.GRADIO_WORDS and GRADIO_DRAWN say where).
        "gradio_like": "Like",
        "gradio_dislike": "Dislike",
        "gradio_liked": "Liked",
        "gradio_disliked": "Disliked",
        "gradio_clear": "Clear",
        "gradio_done": "Done",
        "gradio_drop_file": "Drop File Here",
        "gradio_click_to_upload": "Click to Upload",
        "gradio_upload_area": "Click to upload or drop files",
        "gradio_file_input": "File upload",
        "gradio_sidebar": "Toggle Sidebar",
        "gradio_more_tabs": "More tabs",
        "gradio_scroll_down": "Scroll down",
        "gradio_or": "- or -",
    },
    "nl": {
        "title": "# HR-rollen assistent",
        "intro": (
            "Stel je vraag over HR-rollen in het Nederlands of Engels. Elk antwoord citeert de "
            "artikelen: wijs een [n] aan of kies hem om de bron te zien en het artikel te lezen."
        ),
        "language": "Taal van de interface",
        "chat_tab": "Chat",
        "articles_tab": "Artikelen",
        "placeholder": (
            "Stel een vraag over HR-rollen… (Enter verstuurt, Shift+Enter: nieuwe regel)"
        ),
        "send": "Versturen",
        "new_chat": "Nieuw gesprek",
        "examples": "Voorbeeldvragen",
        "sources": "## Bronnen",
        "no_sources": "Hier verschijnen de bronnen van het laatste antwoord.",
        "closest_note": (
            "De artikelen beantwoorden deze vraag niet. Deze passages komen het dichtst bij:"
        ),
        "open_source": "Open een bron in het artikel",
        "articles_intro": "De artikelen waaruit de assistent antwoordt.",
        "col_title": "Titel",
        "col_language": "Taal",
        "col_chunks": "Passages",
        "col_ingested": "Laatst ingelezen",
        "read_article": "Lees een artikel",
        "thanks": "Bedankt voor je feedback op “{question}”.",
        "vote_removed": "Je stem op “{question}” is ingetrokken.",
        "vote_refused": (
            "Dit antwoord kan niet worden beoordeeld: het komt niet van deze assistent, of is"
            " sindsdien gewijzigd."
        ),
        "publisher": "Uitgever",
        "ingested_at": "Ingelezen {time}",
        "original_page": "Oorspronkelijke pagina: {host} (opent in een nieuw tabblad)",
        "lang_en": "Engels",
        "lang_nl": "Nederlands",
        "cited": "Geciteerde passage",
        "machine_translation": PHRASES["nl"]["machine_translation"],
        "admin": "### Artikelen beheren",
        "admin_password": "Beheerderswachtwoord",
        "admin_off": (
            "Artikelen beheren staat uit: deze chat is via het netwerk bereikbaar en er is geen "
            "beheerderswachtwoord ingesteld. Wil je hier artikelen toevoegen, verwijderen of "
            "opnieuw inlezen, stel dan `HR_ASSISTANT_ADMIN_PASSWORD` in en start "
            "`hr-assistant serve` opnieuw; tot dan pas je de bestanden in de artikelmap op de "
            "server aan."
        ),
        "upload": "Artikelen toevoegen (.md .txt .html .pdf .docx)",
        "delete_pick": "Te verwijderen artikel",
        "delete": "Artikel verwijderen…",
        "reingest": "Map opnieuw inlezen",
        "wrong_password": "Onjuist of ontbrekend beheerderswachtwoord.",
        "admin_ok": "Beheerderswachtwoord geaccepteerd: je kunt op deze pagina artikelen beheren.",
        "admin_ok_insights": (
            "Beheerderswachtwoord geaccepteerd: je kunt op deze pagina artikelen beheren en "
            "Inzichten bekijken."
        ),
        "too_many_attempts": "Te vaak een verkeerd wachtwoord: probeer het over een minuut weer.",
        "sync_failed": (
            "Het bestand is verplaatst, maar het bijwerken van de antwoorden mislukte; "
            "zie het logboek."
        ),
        "ingested": (
            "{articles}, {chunks}: {added} toegevoegd, {deleted} verwijderd, {skipped} ongewijzigd."
        ),
        "count_article_one": "{count} artikel",
        "count_article": "{count} artikelen",
        "count_passage_one": "{count} passage",
        "count_passage": "{count} passages",
        "file_error": "Niet ingelezen: {file}: {error}",
        "saved": "{name} toegevoegd.",
        "deleted": "{name} verwijderd (naar de prullenbak).",
        "restored": "{name} teruggezet.",
        "confirm_delete": (
            "“{title}” ({passages}) verwijderen? Het bestand gaat naar de prullenbak in "
            "de datamap; je kunt dit ongedaan maken tot je de pagina verlaat."
        ),
        "confirm_replace": "Deze uploads vervangen bestaande artikelen: {names}. Vervangen?",
        "replaces": "{name} vervangt “{title}” ({passages})",
        "delete_yes": "Ja, verwijderen",
        "replace_yes": "Ja, vervangen",
        "cancel": "Annuleren",
        "undo": "Laatste verwijdering of vervanging ongedaan maken",
        "cancelled": "Er is niets veranderd.",
        "pick_first": "Kies eerst het artikel dat je wilt verwijderen.",
        "watch_following": "Volgt {folder}",
        "watch_last_sync": "laatst bijgewerkt {time}",
        "watch_syncing": "bijwerken: {done} van {total} passages",
        "passages_unit": "passages",
        "watch_skipped_one": "1 bestand overgeslagen: {files}",
        "watch_skipped": "{count} bestanden overgeslagen: {files}",
        "watch_failed": "het laatste bijwerken mislukte: {problem}",
        "watch_not_following": "Volgt {folder} niet: {problem}",
        "watch_off": "deze chat volgt de map niet (gestart met --no-watch)",
        "watch_starting": "wordt gestart",
        "audit": "### Beheerlogboek",
        "col_at": "Tijd",
        "col_action": "Actie",
        "col_article": "Artikel",
        "col_outcome": "Resultaat",
        "question": "Je vraag",
        "insights_tab": "Inzichten",
        "insights_intro": (
            "Wat de chat laat zien over de artikelen: vragen zonder antwoord, gegroepeerd naar "
            "betekenis, artikelen die nooit geciteerd zijn en artikelen in antwoorden met een "
            "duim omlaag. Vragen worden op het uur bewaard, met e-mailadressen, "
            "telefoonnummers en lange nummers onleesbaar gemaakt, en zonder wie ze stelde."
        ),
        "insights_footer": (
            "Vragen worden bewaard zonder wie ze stelde (e-mailadressen, telefoonnummers en "
            "lange nummers onleesbaar; op het uur) zodat de eigenaars de artikelen kunnen "
            "verbeteren. Laat namen liever weg uit je vragen."
        ),
        "ins_period": "Periode (dagen)",
        "ins_show": "Inzichten tonen",
        "ins_chart": "Vragen per week",
        "ins_gap_pick": "Een leemte om een artikel voor te schrijven",
        "ins_add": "Artikel toevoegen voor deze leemte",
        "ins_gap_note": "Het nieuwe artikel zou vragen als deze moeten beantwoorden:",
        "ins_summary": "{questions} vragen in de laatste {days} dagen",
        "ins_per_language": "Beantwoord per taal",
        "ins_language": "Taal",
        "ins_asked": "Gesteld",
        "ins_answered": "Beantwoord",
        "ins_refused": "Geweigerd",
        "ins_thumbs_down": "Duim omlaag",
        "ins_share": "Deel beantwoord",
        "ins_gaps": "Leemtes: vragen die de artikelen niet goed beantwoordden",
        "ins_gaps_note": (
            "Geweigerde vragen en vragen met een duim omlaag, gegroepeerd naar betekenis over "
            "de talen heen. 'Nu beantwoord' stelt ze opnieuw na de laatste inleesronde."
        ),
        "ins_count": "Vragen",
        "ins_examples": "Voorbeelden",
        "ins_languages": "Talen",
        "ins_closest": "Dichtstbijzijnde artikelen",
        "ins_now": "Nu beantwoord",
        "ins_disliked": "Artikelen in antwoorden met een duim omlaag",
        "ins_reasons": "Opgegeven redenen",
        "ins_never": "Artikelen die in deze periode nooit geciteerd zijn",
        "ins_none": "Geen.",
        "theme": "Licht / donker",
        "chats": "Je gesprekken",
        # One line: beside the fixed list, a wrapped line crosses the edge of the centred
        # page underneath, and axe cannot tell its background.
        "chats_title": "## Je gesprekken\nAlleen in deze browser.",
        "chat_search": "Zoek in je gesprekken",
        "chat_search_hint": "Een woord uit een titel of een vraag",
        "no_chat_match": "Geen gesprek gevonden.",
        "pinned_chat": "Vastgezet: {title}",
        "pin": "Gesprek vastzetten",
        "unpin": "Gesprek losmaken",
        "chat_title": "Naam van dit gesprek",
        "rename": "Hernoemen",
        "delete_chat": "Gesprek verwijderen",
        "export": "Exporteren als Markdown",
        "undo_chat": "Verwijderen ongedaan maken",
        "chat_deleted": "“{title}” verwijderd.",
        "reason_label": "Wat was er mis met dit antwoord? (optioneel)",
        "reason_wrong_source": "Verkeerde bron",
        "reason_outdated": "Verouderd",
        "reason_incomplete": "Onvolledig",
        "reason_not_what_i_asked": "Niet wat ik vroeg",
        "reason_other": "Anders",
        "comment_label": "Nog iets toe te voegen? (optioneel)",
        "reason_send": "Feedback versturen",
        "reason_skip": "Overslaan",
        "reason_thanks": (
            "Bedankt: de eigenaars van de artikelen zien wat er mis was met “{question}”."
        ),
        "conversation": "Gesprek",
        "copy": "Kopiëren met bronnen",
        "copied": "Gekopieerd",
        "open_in_article": "Open in het artikel",
        "close": "Sluiten",
        "passage_gone": "Deze passage is sinds het antwoord veranderd: stel de vraag opnieuw.",
        "page_title": "HR-rollen assistent",
        "answer_sources": "Bronnen",
        "answer_closest": "Wat er het dichtst bij komt",
        "export_question": "Vraag",
        "toast_info": "Melding",
        "toast_warning": "Let op",
        "audit_upload": "toevoegen",
        "audit_replace": "vervangen",
        "audit_delete": "verwijderen",
        "audit_undo": "ongedaan maken",
        "audit_reingest": "opnieuw inlezen",
        "audit_failed": "mislukt: {problem}",
        "audit_more": "(en nog {count})",
        "gradio_like": "Vind ik leuk",
        "gradio_dislike": "Vind ik niet leuk",
        "gradio_liked": "Leuk gevonden",
        "gradio_disliked": "Niet leuk gevonden",
        "gradio_clear": "Gesprek wissen",
        "gradio_done": "Klaar",
        "gradio_drop_file": "Sleep een bestand hierheen",
        "gradio_click_to_upload": "Klik om te uploaden",
        "gradio_upload_area": "Klik om bestanden te kiezen, of sleep ze hierheen",
        "gradio_file_input": "Bestanden uploaden",
        "gradio_sidebar": "Zijbalk openen of sluiten",
        "gradio_more_tabs": "Meer tabbladen",
        "gradio_scroll_down": "Naar beneden scrollen",
        "gradio_or": "- of -",
    },
}

EXAMPLES = [
    "How does People Operations differ from HR?",
    "What are the key responsibilities of an HR Generalist?",
    "Wat is het verschil tussen een HR-assistent en een HR-officer?",
    "Hoe groei je door van HR Generalist naar HR Manager?",
]


def text(language: str, key: str, **values: object) -> str:
    """The interface text ``key`` in ``language`` (English when unknown)."""
    return translated(TEXTS, language, key, **values)


def utc_time(moment: datetime | str | None) -> str:
    """The one way the page writes a time: "2026-05-01 12:04 UTC" (a datetime, or an ISO
    string as the admin log keeps it; "" for none)."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        try:
            parsed = datetime.fromisoformat(moment)
        except ValueError as exc:
            logger.warning("a time that is not ISO 8601 is shown as it is: %s", exc)
            return moment
    else:
        parsed = moment
    if parsed.tzinfo is None:  # the page's times are all kept in UTC
        parsed = parsed.replace(tzinfo=UTC)
    return f"{parsed.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def number(language: str, count: int) -> str:
    """``count`` with its thousands marked as ``language`` writes them: "40,000" in
    English, "40.000" in Dutch."""
    written = f"{count:,}"
    return written.replace(",", ".") if language == "nl" else written


def counted(language: str, noun: str, count: int) -> str:
    """``count`` and ``noun`` ("article", "passage") in ``language``: "1 passage", not
    "1 passages"."""
    return said_counted(noun, count)(language)


@dataclass(frozen=True)
class Said:
    """Words kept as what they say rather than in one language, so that a status line
    can be said again in the language switched to without redoing what it reports: a
    text ``key`` and its ``values`` (a value may be a Said too), or with no key,
    ``words`` as they were written (an error from elsewhere). ``plain``: shown as text,
    escaped, where the line is Markdown."""

    key: str = ""
    values: tuple[tuple[str, object], ...] = ()
    words: str = ""
    plain: bool = False

    def __call__(self, language: str) -> str:
        if not self.key:
            return self.words
        values = {name: v(language) if isinstance(v, Said) else v for name, v in self.values}
        return text(language, self.key, **values)


# A status line: what it says, one paragraph each (empty: nothing to say).
Status = tuple[Said, ...]


def said(key: str, *, plain: bool = False, **values: object) -> Said:
    """The text ``key`` with its ``values``, to be said in any language."""
    return Said(key, tuple(values.items()), plain=plain)


def as_written(words: str) -> Said:
    """Words said in every language as written (shown as text)."""
    return Said(words=words, plain=True)


def said_counted(noun: str, count: int) -> Said:
    """:func:`counted`, to be said in any language."""
    return said(f"count_{noun}_one" if count == 1 else f"count_{noun}", count=count)


# Marks a status kept as JSON (:func:`kept_status`), so that nothing else is read as one.
KEPT_MARK = "said"


def kept_status(status: Status) -> str:
    """``status`` as compact JSON, for a status said again later (the admin log): its
    text keys and values rather than its words in one language. ``{"said": [part, …]}``,
    a part ``[key, {name: value}]`` (a value may be such a part) or words as written.
    A value that is not text or a number is kept as text."""
    kept = {KEPT_MARK: [_kept(part) for part in status]}
    return json.dumps(kept, ensure_ascii=False, separators=(",", ":"))


def _kept(part: Said) -> object:
    if not part.key:
        return part.words
    return [part.key, {name: _kept_value(v) for name, v in part.values}]


def _kept_value(value: object) -> object:
    if isinstance(value, Said):
        return _kept(value)
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return str(value)
    return value


def status_of_kept(kept: str) -> Status | None:
    """The status :func:`kept_status` wrote, or None for anything else: text written
    before outcomes were kept so, or a key or value this version cannot say."""
    if not kept.startswith("{"):
        return None
    try:
        status = tuple(_said_of(part) for part in json.loads(kept)[KEPT_MARK])
        for language in TEXTS:  # every part can be said, in every language
            for part in status:
                part(language)
    except (ValueError, TypeError, KeyError, IndexError, AttributeError) as exc:
        logger.debug("not a kept status, shown as written: %s", exc)
        return None
    return status


def _said_of(kept: object) -> Said:
    if isinstance(kept, str):
        return as_written(kept)
    if not isinstance(kept, list) or len(kept) != 2:
        raise ValueError(f"not a kept part: {str(kept)[:80]}")
    key, values = kept
    if key not in TEXTS["en"] or not isinstance(values, dict):
        raise ValueError(f"not a kept text: {str(kept)[:80]}")
    for template in (table[key] for table in TEXTS.values()):
        if missing := {f for _, f, _, _ in Formatter().parse(template) if f} - set(values):
            raise ValueError(f"{key} without {sorted(missing)}")
    return said(key, plain=True, **{name: _value_of(v) for name, v in values.items()})


def _value_of(kept: object) -> object:
    if isinstance(kept, list):
        return _said_of(kept)
    if isinstance(kept, bool) or not isinstance(kept, int | float | str):
        raise ValueError(f"not a kept value: {kept!r}")
    return kept
