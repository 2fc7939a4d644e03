"""The real program in a real pseudo-terminal (pexpect): single keys, Ctrl-C and a hang-up.

Nothing sleeps: pexpect waits for the program's own output.
"""

from __future__ import annotations

import os
import re
import signal
import sys
from pathlib import Path

import pexpect
import pytest

from trainer.progress.store import Store

F = "foundational"


def spawn(home: Path, *args: str, columns: int = 80) -> pexpect.spawn:
    env = {
        **os.environ,
        "TRAINER_HOME": str(home),
        "TRAINER_LEARNER": "ada",
        "TRAINER_TZ": "UTC",
        "NO_COLOR": "1",
        "TERM": "xterm",
    }
    env.pop("COLUMNS", None)
    env.pop("LINES", None)
    return pexpect.spawn(
        sys.executable,
        ["-m", "trainer", "quiz", *args],
        env=env,
        dimensions=(40, columns),
        encoding="utf-8",
        timeout=60,
    )


_ESC = r"(?:\x1b\[[0-9;]*m)*"


def shown(text: str) -> str:
    """A pattern for `text` as the terminal shows it: style codes may sit between characters.

    NO_COLOR removes colours, not bold or dim. A space also matches runs of spaces.
    """
    parts = []
    for char in text:
        parts.append(r" +" if char == " " else re.escape(char))
    return _ESC.join(parts)


def history(home: Path) -> list[tuple[str, int, str]]:
    with Store.open(home / "progress.db") as store:
        return [
            (r.card_id, int(r.grade), r.kind.value)
            for card in store.list_cards("ada")
            for r in store.history("ada", card.id)
        ]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "pty-home"


def test_reveal_grade_quit_in_a_terminal(home: Path) -> None:
    child = spawn(home, "--new", "3")
    child.expect(shown("Audio Codec"))
    child.expect(shown("Enter: show the answer"))
    child.expect(shown("› "))
    child.send("\r")  # Enter reveals
    child.expect(shown("An audio codec compresses"))
    child.expect(shown("4 good · 1d"))  # the grade prompt with its intervals
    child.expect(shown("grade › "))
    child.send("x")  # not a key: a hint, and the prompt again
    child.expect(shown("0-5 grade · u b s e q · ? help"))
    child.expect(shown("grade › "))
    child.send("4")  # a single key, no Enter
    child.expect(shown("4 good: next in 1 day"))
    child.expect(shown("Attention Mechanism"))
    child.expect(shown("› "))
    child.send("q")
    child.expect(shown("session saved"))
    child.expect(shown("cards studied 1"))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert history(home) == [(f"{F}/audio-codec/forward", 4, "learn")]


def test_ctrl_c_mid_card_keeps_every_grade(home: Path) -> None:
    child = spawn(home, "--new", "3", columns=40)
    child.expect(shown("› "))
    child.send("\r")
    child.expect(shown("grade › "))
    child.send("1")
    child.expect(shown("back in today's"))
    child.expect(shown("› "))
    child.send("\r")
    child.expect(shown("grade › "))
    child.sendintr()  # Ctrl-C at the second card's grade prompt
    child.expect(shown("session saved"))
    child.expect(shown("re-drills 0"))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert history(home) == [(f"{F}/audio-codec/forward", 1, "learn")]
    # The unfinished re-drill comes back when the learner starts again.
    again = spawn(home, "--new", "3")
    again.expect(shown("RE-DRILL"))
    again.expect(shown("Audio Codec"))
    again.expect(shown("› "))
    again.send("\r")
    again.expect(shown("re-drill: schedule unchanged"))
    again.expect(shown("grade › "))
    again.send("5")
    again.expect(shown("5 easy: done for today"))
    again.expect(shown("› "))
    again.send("q")
    again.expect(pexpect.EOF)
    again.close()
    assert history(home)[-1] == (f"{F}/audio-codec/forward", 5, "redrill")


def test_hang_up_ends_the_session_without_losing_answers(home: Path) -> None:
    child = spawn(home, "--new", "3")
    child.expect(shown("› "))
    child.send("\r")
    child.expect(shown("grade › "))
    child.send("5")
    child.expect(shown("5 easy: next in 1 day"))
    child.expect(shown("› "))
    child.kill(signal.SIGHUP)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert history(home) == [(f"{F}/audio-codec/forward", 5, "learn")]


def test_typed_answer_in_a_terminal(home: Path) -> None:
    child = spawn(home, "--typed", "--direction", "reverse", "--new", "1")
    child.expect(shown("Type the term, then Enter."))
    child.expect(shown("answer › "))
    child.send("audio codek\r")  # a whole line, edited by the terminal
    child.expect(shown("≈ accepted with a typo: Audio Code[-k-]{+c+}"))
    child.expect(shown("Enter: grade 4 (suggested) · or 0-5"))
    child.expect(shown("grade › "))
    child.send("\r")  # Enter takes the suggestion
    child.expect(shown("4 good: next in 1 day"))
    child.expect(shown("session saved"))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert history(home) == [(f"{F}/audio-codec/reverse", 4, "learn")]


def test_undo_in_two_terminals_takes_back_only_its_own_answer(home: Path) -> None:
    one = spawn(home, "--new", "3")
    one.expect(shown("› "))
    two = spawn(home, "--new", "3")  # the same learner in a second terminal
    two.expect(shown("Audio Codec"))
    two.expect(shown("› "))
    one.send("\r")
    one.expect(shown("grade › "))
    one.send("2")
    one.expect(shown("Attention Mechanism"))
    one.expect(shown("› "))
    two.send("\r")
    two.expect(shown("grade › "))
    two.send("4")  # the same card, answered again after the first terminal's 2
    two.expect(shown("Attention Mechanism"))
    two.expect(shown("› "))
    one.send("u")
    one.expect(shown("Not undone: another session of this learner answered 'Audio Codec' since."))
    one.expect(shown("› "))
    two.send("u")
    two.expect(shown("Undone: back to Audio Codec."))
    two.expect(shown("› "))
    for child in (one, two):
        child.send("q")
        child.expect(shown("session saved"))
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0
    assert history(home) == [(f"{F}/audio-codec/forward", 2, "learn")]


def test_the_quiz_under_fsrs_in_a_terminal(home: Path) -> None:
    import subprocess

    env = {**os.environ, "TRAINER_HOME": str(home), "TRAINER_LEARNER": "ada", "TRAINER_TZ": "UTC"}
    switched = subprocess.run(
        [sys.executable, "-m", "trainer", "scheduler", "use", "fsrs", "--retention", "0.9"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert switched.stdout.startswith("Switched to FSRS at desired retention 0.90")
    child = spawn(home, "--new", "2")
    child.expect(shown("Audio Codec"))
    child.expect(shown("› "))
    child.send("\r")
    # FSRS's names for the keys, with the intervals of fsrs-rs's default parameters for a
    # new card: Again 0.21 d and Hard 1.29 d round to 1 day, Good 2.31 d to 2 (no fuzz
    # below 2.5 days)
    child.expect(shown("0 again · 1d"))
    child.expect(shown("3 hard · 1d"))
    child.expect(shown("4 good · 2d"))
    child.expect(shown("5 easy · "))
    child.expect(shown("grade › "))
    child.send("4")
    child.expect(shown("4 good: next in 2 days"))
    child.expect(shown("› "))
    child.send("q")
    child.expect(shown("session saved"))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert history(home) == [(f"{F}/audio-codec/forward", 4, "learn")]
    with Store.open(home / "progress.db") as store:
        state = store.card_state("ada", f"{F}/audio-codec/forward")
    assert state.interval == 2
    assert state.stability == pytest.approx(2.3065, abs=1e-4)  # fsrs-rs's w2
