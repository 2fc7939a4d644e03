"""`trainer quiz` and `trainer status` through click's CliRunner with scripted input.

Standard input is not a terminal here, so each card reads one line to reveal (in
--typed mode, the typed answer) and one line for the grade or key. Time is frozen.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from freezegun import freeze_time

from trainer import paths
from trainer.cli import cli
from trainer.cli import quiz as quiz_module
from trainer.model import CardState, Grade, Review, ReviewKind
from trainer.progress.store import Store

DAY1 = date(2026, 3, 2)
MORNING = "2026-03-02 09:00:00"
NEXT_MORNING = "2026-03-03 09:00:00"
F = "foundational"


def run(
    args: list[str], text: str = "", when: str = MORNING, env: dict[str, str] | None = None
) -> Result:
    with freeze_time(when):
        return CliRunner().invoke(cli, args, input=text, env=env)


def quiz(text: str, *args: str, when: str = MORNING, env: dict[str, str] | None = None) -> Result:
    result = run(["quiz", "--seed", "1", *args], text, when, env)
    assert result.exit_code == 0, result.output
    return result


def lines(result: Result) -> list[str]:
    return [line.rstrip() for line in result.stdout.splitlines()]


def summary(result: Result) -> dict[str, str]:
    """The rows of the summary panel: label -> value."""
    out = result.stdout
    assert "─ session saved ─" in out, out
    panel = out[out.index("─ session saved ─") :].splitlines()[1:]
    rows = {}
    for line in panel:
        if not line.startswith("│"):
            break
        label, _, value = line.strip("│ ").partition("  ")
        rows[label.strip()] = value.strip()
    return rows


@pytest.fixture
def store() -> Iterator[Store]:
    """The learner's store as the CLI left it (open it after running the CLI)."""
    opened: list[Store] = []

    def _open() -> Store:
        opened.append(Store.open(paths.default_store_path()))
        return opened[-1]

    yield _open  # type: ignore[misc]
    for s in opened:
        s.close()


def log(store_factory: object) -> list[tuple[str, int, str]]:
    s = store_factory()  # type: ignore[operator]
    rows = []
    for card in s.list_cards("ada"):
        for review in s.history("ada", card.id):
            rows.append((review.id, review.card_id, int(review.grade), review.kind.value))
    return [r[1:] for r in sorted(rows)]


# -- the first day -------------------------------------------------------------------


def test_first_day_new_cards_then_the_redrill(store: object) -> None:
    result = quiz("\n5\n\n4\n\n3\n\n4\n", "--new", "3")
    out = lines(result)
    assert "│ NEW · term → definition" in "\n".join(out)
    assert "grade › 5" in out
    assert "5 easy: next in 1 day (2026-03-03)" in out
    assert "4 good: next in 1 day (2026-03-03)" in out
    assert "3 hard: back in today's re-drill" in out
    assert "4 good: done for today" in out
    assert any("│ RE-DRILL · term → definition" in line for line in out)
    assert summary(result) == {
        "cards studied": "3",
        "new": "3",
        "reviews": "0",
        "re-drills": "1",
        "graded 3 or more": "100% (4 of 4)",
        "time": "0s",
        "streak": "1 day",
        "due tomorrow": "3",
    }
    assert log(store) == [
        (f"{F}/audio-codec/forward", 5, "learn"),
        (f"{F}/attention-mechanism/forward", 4, "learn"),
        (f"{F}/autoregressive-model/forward", 3, "learn"),
        (f"{F}/autoregressive-model/forward", 4, "redrill"),
    ]


def test_the_front_shows_deck_and_progress(store: object) -> None:
    out = lines(quiz("q\n", "--new", "3"))
    assert out[0].startswith("╭─ A–E: Foundational Terms ─")
    assert out[3].startswith("│ Audio Codec ")
    assert out[6].startswith("│ left: 3 new · 0 review · 0 re-drill ")
    assert "› q" in out


# -- a later day ---------------------------------------------------------------------


def test_later_day_reviews_redrill_with_schedule_unchanged(store: object) -> None:
    quiz("\n4\n\n4\n\n4\n", "--new", "3")
    result = quiz("\n2\n\n5\n\n3\n\n4\n\n5\n", "--new", "0", when=NEXT_MORNING)
    out = lines(result)
    assert "2 wrong, easy: back in today's re-drill" in out
    assert "5 easy: next in 6 days (2026-03-09)" in out
    assert "3 hard: back in today's re-drill" in out
    assert out.count("4 good: done for today") + out.count("5 easy: done for today") == 2
    assert summary(result)["reviews"] == "3"
    assert summary(result)["re-drills"] == "2"
    assert summary(result)["graded 3 or more"] == "80% (4 of 5)"
    assert summary(result)["streak"] == "2 days"
    s = store()  # type: ignore[operator]
    day2 = [
        r
        for c in s.list_cards("ada")
        for r in s.history("ada", c.id)
        if r.day == DAY1 + timedelta(1)
    ]
    assert sorted((r.kind.value, int(r.grade)) for r in day2) == [
        ("redrill", 4),
        ("redrill", 5),
        ("review", 2),
        ("review", 3),
        ("review", 5),
    ]
    for review in day2:
        if review.kind is ReviewKind.REDRILL:
            assert review.before == review.after
    failed = s.card_state("ada", f"{F}/audio-codec/forward")
    assert (failed.n, failed.interval, failed.due) == (0, 1, date(2026, 3, 4))
    assert s.redrill_cards("ada", [], DAY1 + timedelta(1)) == []


def test_unfinished_redrill_comes_back_the_same_day(store: object) -> None:
    quiz("\n1\n", "--new", "1")  # end of input right after the failing grade
    out = lines(quiz("\n5\n", "--new", "1", when="2026-03-02 18:00:00"))
    assert any("│ RE-DRILL · term → definition" in line for line in out)
    assert "5 easy: done for today" in out
    assert log(store)[-1] == (f"{F}/audio-codec/forward", 5, "redrill")
    tomorrow = lines(quiz("q\n", "--new", "0", when="2026-03-03 05:00:00"))
    assert any("│ REVIEW · term → definition" in line for line in tomorrow)


# -- keys ----------------------------------------------------------------------------


def test_undo_goes_back_to_that_card(store: object) -> None:
    out = lines(quiz("\n2\nu\n\n5\n", "--new", "2"))
    assert "Undone: back to Audio Codec." in out
    assert log(store) == [(f"{F}/audio-codec/forward", 5, "learn")]
    s = store()  # type: ignore[operator]
    assert s.redrill_cards("ada", [], DAY1) == []


def test_undo_with_nothing_to_undo(store: object) -> None:
    out = lines(quiz("u\nq\n", "--new", "2"))
    assert "Nothing to undo in this session." in out


def test_bury_until_tomorrow(store: object) -> None:
    result = quiz("b\n\n4\n", "--new", "2")
    assert "Buried until tomorrow: Audio Codec." in lines(result)
    assert summary(result)["buried"] == "1"
    s = store()  # type: ignore[operator]
    today = [c.card.id for c in s.new_cards("ada", [F], DAY1)]
    assert f"{F}/audio-codec/forward" not in today
    tomorrow = [c.card.id for c in s.new_cards("ada", [F], DAY1 + timedelta(1))]
    assert tomorrow[0] == f"{F}/audio-codec/forward"


def test_suspend(store: object) -> None:
    out = lines(quiz("\ns\n", "--new", "2"))  # suspend from the grade prompt
    assert "Suspended: Audio Codec." in out
    s = store()  # type: ignore[operator]
    assert [c.id for c in s.list_cards("ada", state="suspended")] == [f"{F}/audio-codec/forward"]
    assert log(store) == []


def test_help_and_details_then_the_prompt_again(store: object) -> None:
    out = lines(quiz("?\ne\n\n1\ne\nq\n", "--new", "1"))
    text = "\n".join(out)
    assert "bury this card until tomorrow" in text
    assert "│ card   foundational/audio-codec/forward" in text
    assert "│ state  new" in text
    assert "│ reps      0" in text  # after the answer: the re-drill card's details
    history = [line.split() for line in out if line.startswith("│ 2026-03-02")]
    assert history == [["│", "2026-03-02", "new", "1", "1d", "│"]]


def test_invalid_key_gets_a_hint_and_the_prompt_again(store: object) -> None:
    out = lines(quiz("\nx\n9\n\n4\n", "--new", "1"))
    assert out.count("0-5 grade · u b s e q · ? help") == 3
    assert log(store) == [(f"{F}/audio-codec/forward", 4, "learn")]


# -- siblings and limits -------------------------------------------------------------


def test_sibling_waits_for_a_later_day(store: object) -> None:
    quiz("\n5\n", "--new", "1", "--direction", "forward")
    out = lines(quiz("\n4\n", "--new", "5", "--direction", "reverse"))
    assert any(line.startswith("│ left: 4 new ·") for line in out)
    assert log(store) == [
        (f"{F}/audio-codec/forward", 5, "learn"),
        (f"{F}/attention-mechanism/reverse", 4, "learn"),
    ]
    quiz("\n4\n\n4\n", "--new", "5", "--direction", "reverse", when=NEXT_MORNING)
    assert log(store)[2:] == [  # the next day, the waiting side comes as a new card
        (f"{F}/attention-mechanism/reverse", 4, "review"),
        (f"{F}/audio-codec/reverse", 4, "learn"),
    ]


def test_limits_count_what_was_done_today(store: object) -> None:
    quiz("\n4\n\n4\n", "--new", "2")
    out = lines(quiz("", "--new", "2"))
    assert out == [
        "Nothing is due today; next review 2026-03-03 (tomorrow); 94 new cards left "
        "(today's new-card limit is reached)."
    ]
    more = quiz("\n4\n", "--new", "3")
    assert summary(more)["new"] == "1"


def test_settings_file_sets_the_daily_limit(trainer_home: Path, store: object) -> None:
    trainer_home.mkdir(parents=True, exist_ok=True)
    (trainer_home / "settings.toml").write_text("new_per_day = 1\n")
    out = lines(quiz("\n4\n\n"))
    assert log(store) == [(f"{F}/audio-codec/forward", 4, "learn")]
    assert any("│ cards studied" in line for line in out)


def test_empty_day_says_when_the_next_card_is_due(store: object) -> None:
    result = quiz("", "--new", "0")
    assert result.stdout.startswith("Nothing is due today; no reviews scheduled; ")
    assert "new cards left (today's new-card limit is reached)." in result.stdout
    assert len(lines(result)) == 1


# -- typed answers -------------------------------------------------------------------


def test_typed_mode_checks_reverse_cards_and_suggests_a_grade(store: object) -> None:
    text = "audio codek\n\nthe attention\n3\nvocoder\n\n"
    out = lines(quiz(text, "--typed", "--direction", "reverse", "--new", "3"))
    joined = "\n".join(out)
    assert "answer › audio codek" in out
    assert "≈ accepted with a typo: Audio Code[-k-]{+c+}" in joined
    assert "✓ correct: attention" in joined
    assert "✗ not accepted" in joined
    assert "you typed: vocoder" in joined
    assert "Enter: grade 4 (suggested) · or 0-5" in out
    assert log(store) == [
        (f"{F}/audio-codec/reverse", 4, "learn"),
        (f"{F}/attention-mechanism/reverse", 3, "learn"),
        (f"{F}/autoregressive-model/reverse", 1, "learn"),
    ]


def test_typed_forward_card_shows_what_was_written(store: object) -> None:
    out = lines(quiz("it squeezes audio\n4\n", "--typed", "--new", "1"))
    assert any("│ you wrote: it squeezes audio" in line for line in out)
    assert log(store) == [(f"{F}/audio-codec/forward", 4, "learn")]


# -- ending ------------------------------------------------------------------------


def test_end_of_input_mid_card_keeps_what_was_graded(store: object) -> None:
    result = quiz("\n4\n\n", "--new", "3")
    out = lines(result)
    assert out[-1].startswith("╰")
    assert any("│ cards studied" in line and line.rstrip(" │").endswith("1") for line in out)
    assert log(store) == [(f"{F}/audio-codec/forward", 4, "learn")]


def test_ctrl_c_ends_cleanly_with_the_summary(
    store: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_key = quiz_module._Keys.key
    calls = {"n": 0}

    def key(self: quiz_module._Keys, prompt: str) -> str:
        calls["n"] += 1
        if calls["n"] == 4:  # the second card's grade prompt
            raise KeyboardInterrupt
        return real_key(self, prompt)

    monkeypatch.setattr(quiz_module._Keys, "key", key)
    result = quiz("\n5\n\n", "--new", "3")
    assert "session saved" in result.stdout
    assert log(store) == [(f"{F}/audio-codec/forward", 5, "learn")]
    again = lines(quiz("q\n", "--new", "3"))
    assert any(line.startswith("│ Attention Mechanism ") for line in again)


def test_unknown_deck_is_one_line_error() -> None:
    result = run(["quiz", "--deck", "nope"])
    assert result.exit_code == 1
    assert result.output.startswith("Error: unknown deck 'nope'; known decks: foundational, ")


def test_deck_option_limits_the_decks(store: object) -> None:
    out = lines(quiz("\n4\n", "--deck", "demoscene", "--new", "1"))
    assert out[0].startswith("╭─ 10 Terms Every Demoscener Should Know ─")
    assert log(store)[0][0].startswith("demoscene/")


def test_forty_columns_and_no_color_stay_readable() -> None:
    result = quiz("\n2\n?\ne\n\n4\n\n5\n", "--new", "2", env={"COLUMNS": "40", "NO_COLOR": "1"})
    out = lines(result)
    assert all(len(line) <= 40 for line in out), [line for line in out if len(line) > 40]
    assert "\x1b[" not in result.stdout
    assert "u undo · b bury · s suspend" in out


# -- status --------------------------------------------------------------------------


def test_status_line_and_json() -> None:
    fresh = run(["status"])
    assert (fresh.exit_code, fresh.stdout) == (0, "0 due · 20 new · streak 0 days\n")
    quiz("\n4\n\n1\n", "--new", "2")
    same_day = run(["status"])
    assert same_day.stdout == "1 due · 18 new · streak 1 day\n"
    result = run(["status", "--json"], when=NEXT_MORNING)
    assert json.loads(result.stdout) == {
        "learner": "ada",
        "day": "2026-03-03",
        "due": 2,
        "reviews": 2,
        "redrill": 0,
        "new": 20,
        "streak": 1,
        "next_due": "2026-03-03",
    }


def test_status_streak_counts_consecutive_study_days() -> None:
    quiz("\n5\n", "--new", "1", when="2026-03-01 09:00:00")
    quiz("\n5\n", "--new", "1", when="2026-03-02 09:00:00")
    quiz("\n5\n", "--new", "1", when="2026-03-03 09:00:00")
    assert run(["status"], when="2026-03-03 10:00:00").stdout.endswith("streak 3 days\n")
    assert run(["status"], when="2026-03-04 10:00:00").stdout.endswith("streak 3 days\n")
    assert run(["status"], when="2026-03-05 10:00:00").stdout.endswith("streak 0 days\n")


def test_status_json_next_due_on_an_empty_day() -> None:
    quiz("\n5\n", "--new", "1")
    data = json.loads(run(["status", "--json"], when="2026-03-02 20:00:00").stdout)
    assert data["due"] == 0 and data["next_due"] == "2026-03-03"


def test_commands_have_help() -> None:
    for command in ("quiz", "status"):
        result = run([command, "--help"])
        assert result.exit_code == 0
        assert "Example:" in result.stdout


def test_reverse_card_back_and_details_show_the_definition_the_prompt_stands_for() -> None:
    out = "\n".join(lines(quiz("e\n\n4\n", "--direction", "reverse", "--new", "1")))
    front, _, rest = out.partition("› e")
    assert "The general name for any method" in front
    assert "An audio codec compresses" not in front
    details, _, back = rest.partition("─ answer ─")
    assert "│ An audio codec compresses" in details
    assert "│ In AI music generation, codecs like EnCodec" in details
    assert "│ An audio codec compresses" in back


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGHUP])
def test_a_signal_while_saving_an_answer_waits_for_the_commit(
    store: object, monkeypatch: pytest.MonkeyPatch, signum: int
) -> None:
    real_record = Store.record

    def record(self: Store, review: Review) -> Review:
        os.kill(os.getpid(), signum)  # arrives in the middle of saving
        return real_record(self, review)

    monkeypatch.setattr(Store, "record", record)
    result = quiz("\n4\n\n4\n", "--new", "3")
    assert summary(result)["cards studied"] == "1"
    assert log(store) == [(f"{F}/audio-codec/forward", 4, "learn")]


def test_status_streak_longer_than_the_first_window(store: object) -> None:
    assert run(["status"]).exit_code == 0  # creates the store and syncs the decks
    s = store()  # type: ignore[operator]
    card = f"{F}/audio-codec/forward"
    start = DAY1 - timedelta(days=69)
    for offset in range(70):
        day = start + timedelta(days=offset)
        state = CardState(n=offset + 1, interval=1, due=day + timedelta(days=1))
        s.record(
            Review(
                learner="ada",
                card_id=card,
                at=datetime(day.year, day.month, day.day, 9, tzinfo=UTC),
                day=day,
                grade=Grade.GOOD,
                kind=ReviewKind.REVIEW,
                before=CardState(),
                after=state,
            )
        )
    s.close()
    assert run(["status"]).stdout.endswith("streak 70 days\n")
    assert run(["status"], when="2026-03-03 09:00:00").stdout.endswith("streak 70 days\n")
    assert run(["status"], when="2026-03-04 09:00:00").stdout.endswith("streak 0 days\n")


def test_review_limit_reached_and_buried_card_on_the_empty_day_line() -> None:
    quiz("\n4\n\n4\n", "--new", "2")
    quiz("\n4\n", "--new", "0", "--reviews", "1", when=NEXT_MORNING)
    out = lines(quiz("", "--new", "0", "--reviews", "1", when=NEXT_MORNING))
    assert out == [
        "Done for today: the review limit is reached (1 more due); next review 2026-03-09 "
        "(in 6 days); 94 new cards left (today's new-card limit is reached)."
    ]
    quiz("b\n", "--new", "0", when=NEXT_MORNING)  # bury the other due card until tomorrow
    out = lines(quiz("", "--new", "0", when=NEXT_MORNING))
    assert out[0].startswith("Nothing is due today; next review 2026-03-04 (tomorrow); ")


def test_due_card_waiting_for_its_sibling_on_the_empty_day_line() -> None:
    quiz("\n5\n", "--new", "1", "--direction", "forward")
    quiz("\n5\n", "--new", "1", "--direction", "reverse", when=NEXT_MORNING)
    out = lines(quiz("", "--new", "0", "--direction", "forward", when=NEXT_MORNING))
    assert out == [
        "Done for today: 1 due card waits for tomorrow (the other side of the entry was "
        "studied today); next review 2026-03-04 (tomorrow); 47 new cards left "
        "(today's new-card limit is reached)."
    ]


def test_a_leech_is_pointed_out(store: object) -> None:
    assert run(["status"]).exit_code == 0
    s = store()  # type: ignore[operator]
    card = f"{F}/audio-codec/forward"
    lapsed = CardState(n=3, ef=130, interval=4, due=DAY1, lapses=7)
    s.record(
        Review(
            learner="ada",
            card_id=card,
            at=datetime(2026, 2, 26, 9, tzinfo=UTC),
            day=date(2026, 2, 26),
            grade=Grade.GOOD,
            kind=ReviewKind.REVIEW,
            before=lapsed,
            after=lapsed,
        ),
        rebase=False,  # a made-up history: 7 lapses already
    )
    s.close()
    out = lines(quiz("\n1\nq\n", "--new", "0"))
    at = out.index("1 wrong, knew it: back in today's re-drill")
    assert out[at + 1 : at + 3] == [
        "Leech: 8 lapses. Consider rewording this card, or suspending it (s) when it",
        "comes up.",
    ]
    assert [c.id for c in store().list_cards("ada", leeches=True)] == [card]  # type: ignore[operator]
