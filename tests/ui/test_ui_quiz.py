"""The quiz screens rendered to a plain 40- and 80-column console: exact key lines."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from rich.console import Console, RenderableType

from trainer.decks.answer import check_answer
from trainer.model import Card, CardState, Direction, Grade, Review, ReviewKind
from trainer.scheduling import sm2
from trainer.session import Item, Progress, Summary
from trainer.ui import quiz as ui

DAY = date(2026, 3, 2)
TITLE = "A–E: Foundational Terms"
FORWARD = Card(
    id="foundational/audio-codec/forward",
    deck="foundational",
    entry="audio-codec",
    direction=Direction.FORWARD,
    front="Audio Codec",
    back="Compresses [audio] data.\n\nNeural codecs turn audio into tokens.",
    term="Audio Codec",
)
REVERSE = Card(
    id="foundational/audio-codec/reverse",
    deck="foundational",
    entry="audio-codec",
    direction=Direction.REVERSE,
    front="A(n) ____ compresses [audio] data.",
    back="Audio Codec",
    term="Audio Codec",
)
LEARNED = CardState(n=2, ef=250, interval=6, due=DAY)


def render(renderable: RenderableType | str, width: int = 80) -> list[str]:
    console = Console(width=width, no_color=True, record=True, highlight=False, file=_Null())
    console.print(renderable)
    return [line.rstrip() for line in console.export_text().splitlines()]


class _Null:
    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


@pytest.mark.parametrize("width", [40, 80])
def test_front_panel_shows_deck_kind_front_and_progress(width: int) -> None:
    lines = render(
        ui.front_panel(
            Item(FORWARD, LEARNED, ReviewKind.REVIEW), Progress(3, 12, 1), deck_title=TITLE
        ),
        width,
    )
    assert lines[0].startswith("╭─ A–E: Foundational Terms ─")
    assert lines[1] == "│ REVIEW · term → definition".ljust(width - 1) + "│"
    assert lines[3] == "│ Audio Codec".ljust(width - 1) + "│"
    assert lines[5] == "│ Enter: show the answer · ? help".ljust(width - 1) + "│"
    assert lines[6] == "│ left: 3 new · 12 review · 1 re-drill".ljust(width - 1) + "│"
    assert lines[7] == "╰" + "─" * (width - 2) + "╯"
    assert all(len(line) == width for line in lines)


def test_front_panel_typed_reverse_keeps_brackets_literal() -> None:
    item = Item(REVERSE, LEARNED, ReviewKind.REDRILL)
    lines = render(ui.front_panel(item, Progress(0, 0, 2), deck_title=TITLE, typed=True), 40)
    assert "│ RE-DRILL · definition → term         │" in lines
    assert "│ A(n) ____ compresses [audio] data.   │" in lines
    assert "│ Type the term, then Enter.           │" in lines


def test_back_panel_forward_shows_term_and_definition() -> None:
    lines = render(ui.back_panel(Item(FORWARD, LEARNED, ReviewKind.REVIEW)), 40)
    assert lines[:6] == [
        "╭─ answer ─────────────────────────────╮",
        "│ Audio Codec                          │",
        "│                                      │",
        "│ Compresses [audio] data.             │",
        "│                                      │",
        "│ Neural codecs turn audio into        │",
    ]


def test_back_panel_reverse_shows_the_term_and_the_unmasked_definition() -> None:
    item = Item(REVERSE, LEARNED, ReviewKind.REVIEW)
    lines = render(ui.back_panel(item, definition="An audio codec compresses audio."), 40)
    assert lines[1:4] == [
        "│ Audio Codec                          │",
        "│                                      │",
        "│ An audio codec compresses audio.     │",
    ]
    masked = render(ui.back_panel(item), 40)
    assert masked[3] == "│ A(n) ____ compresses [audio] data.   │"


def test_back_panel_typed_verdicts() -> None:
    item = Item(REVERSE, LEARNED, ReviewKind.REVIEW)
    exact = render(ui.back_panel(item, match=check_answer("audio codec", ["Audio Codec"])))
    assert any("│ ✓ correct: Audio Codec" in line for line in exact)
    typo = render(ui.back_panel(item, match=check_answer("audio codek", ["Audio Codec"])))
    assert any("│ ≈ accepted with a typo: Audio Code[-k-]{+c+}" in line for line in typo)
    wrong = render(ui.back_panel(item, match=check_answer("vocoder", ["Audio Codec"])))
    assert any("│ ✗ not accepted" in line for line in wrong)
    assert any("│   you typed: vocoder" in line for line in wrong)
    assert any("│   answer:    Audio Codec" in line for line in wrong)
    wrote = render(ui.back_panel(Item(FORWARD, LEARNED, ReviewKind.LEARN), typed="it packs audio"))
    assert any("│ you wrote: it packs audio" in line for line in wrote)


def test_grade_prompt_80_columns_shows_every_grade_with_its_interval() -> None:
    lines = render(ui.grade_prompt(sm2.preview(LEARNED, DAY), width=80), 80)
    assert lines == [
        "0 blackout · 1d  1 wrong, knew it · 1d  2 wrong, easy · 1d",
        "3 hard · 15d     4 good · 15d           5 easy · 16d",
        "u undo · b bury · s suspend · e details · q quit · ? help",
    ]


def test_grade_prompt_40_columns_stays_readable() -> None:
    lines = render(ui.grade_prompt(sm2.preview(LEARNED, DAY), width=40), 40)
    assert lines == [
        "0 blackout · 1d        3 hard · 15d",
        "1 wrong, knew it · 1d  4 good · 15d",
        "2 wrong, easy · 1d     5 easy · 16d",
        "u undo · b bury · s suspend",
        "e details · q quit · ? help",
    ]
    assert all(len(line) <= 40 for line in lines)


def test_grade_prompt_in_the_redrill_with_a_suggestion() -> None:
    lines = render(ui.grade_prompt(None, width=80, suggested=Grade.GOOD), 80)
    assert lines[:2] == [
        "0 blackout  1 wrong, knew it  2 wrong, easy",
        "3 hard      4 good ◂          5 easy",
    ]
    assert "re-drill: schedule unchanged; 4 or 5 ends it for today" in lines
    assert "Enter: grade 4 (suggested) · or 0-5" in lines


@pytest.mark.parametrize("width", [40, 80])
def test_help_lists_every_key(width: int) -> None:
    text = "\n".join(render(ui.help_panel(), width))
    for key in ("Enter", "u", "b", "s", "e", "q", "?"):
        assert f"│ {key} " in text
    for grade in Grade:
        assert f"│ {int(grade)} " in text
    assert "bury this card until tomorrow" in text


def test_details_panel_state_and_history() -> None:
    history = [
        Review(
            "ada",
            FORWARD.id,
            datetime(2026, 3, 1, 9, tzinfo=UTC),
            date(2026, 3, 1),
            Grade(2),
            ReviewKind.LEARN,
            CardState(),
            CardState(n=0, interval=1, due=DAY),
        ),
        Review(
            "ada",
            FORWARD.id,
            datetime(2026, 3, 1, 9, 5, tzinfo=UTC),
            date(2026, 3, 1),
            Grade(4),
            ReviewKind.REDRILL,
            CardState(n=0, interval=1, due=DAY),
            CardState(n=0, interval=1, due=DAY),
        ),
    ]
    lines = render(ui.details_panel(FORWARD, LEARNED, history, deck_title=TITLE), 40)
    text = "\n".join(lines)
    assert "│ card      foundational/audio-codec/f │" in lines  # long ids fold, not cut
    assert "│ EF        2.50" in text
    assert "│ interval  6 days" in text
    assert "│ 2026-03-01   new            2     1d │" in lines
    assert "│ 2026-03-01   re-drill       4      - │" in lines
    reverse = render(ui.details_panel(REVERSE, LEARNED, [], deck_title=TITLE, text="Full."), 40)
    assert "│ Full.                                │" in reverse
    new = render(ui.details_panel(FORWARD, CardState(), [], deck_title=TITLE), 40)
    assert any("│ state  new" in line for line in new)
    assert any("no answers yet" in line for line in new)


def test_summary_panel() -> None:
    summary = Summary(
        studied=7,
        new=3,
        reviews=4,
        redrills=2,
        answers=9,
        passed=7,
        buried=0,
        suspended=1,
        seconds=252,
        streak=5,
        due_tomorrow=12,
    )
    assert render(ui.summary_panel(summary), 40) == [
        "╭─ session saved ────────────────╮",
        "│ cards studied                7 │",
        "│ new                          3 │",
        "│ reviews                      4 │",
        "│ re-drills                    2 │",
        "│ graded 3 or more  78% (7 of 9) │",
        "│ suspended                    1 │",
        "│ time                    4m 12s │",
        "│ streak                  5 days │",
        "│ due tomorrow                12 │",
        "╰────────────────────────────────╯",
    ]


@pytest.mark.parametrize(
    ("next_due", "new_left", "reached", "line"),
    [
        (
            date(2026, 3, 5),
            0,
            False,
            "Nothing is due today; next review 2026-03-05 (in 3 days); 0 new cards left.",
        ),
        (
            date(2026, 3, 3),
            40,
            True,
            "Nothing is due today; next review 2026-03-03 (tomorrow); 40 new cards left "
            "(today's new-card limit is reached).",
        ),
        (
            None,
            1,
            True,
            "Nothing is due today; no reviews scheduled; 1 new card left "
            "(today's new-card limit is reached).",
        ),
    ],
)
def test_empty_day_line(next_due: date | None, new_left: int, reached: bool, line: str) -> None:
    assert (
        ui.empty_day_line(
            today=DAY, next_due=next_due, new_left=new_left, new_limit_reached=reached
        )
        == line
    )


@pytest.mark.parametrize(
    ("days", "text"), [(1, "1d"), (38, "38d"), (99, "99d"), (123, "4.1mo"), (475, "1.3y")]
)
def test_format_interval(days: int, text: str) -> None:
    assert ui.format_interval(days) == text


@pytest.mark.parametrize(
    ("seconds", "text"), [(0, "0s"), (59, "59s"), (61, "1m 01s"), (3725, "1h 02m"), (-5, "0s")]
)
def test_format_duration(seconds: int, text: str) -> None:
    assert ui.format_duration(seconds) == text


def test_empty_day_line_when_due_cards_wait() -> None:
    limit = ui.empty_day_line(
        today=DAY,
        next_due=None,
        new_left=0,
        new_limit_reached=False,
        due_waiting=3,
        review_limit_reached=True,
    )
    assert limit == (
        "Done for today: the review limit is reached (3 more due); no reviews scheduled; "
        "0 new cards left."
    )
    sibling = ui.empty_day_line(
        today=DAY, next_due=None, new_left=0, new_limit_reached=False, due_waiting=2
    )
    assert sibling.startswith("Done for today: 2 due cards wait for tomorrow (the other side")
