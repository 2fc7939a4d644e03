"""trainer.ui.stats: chart helpers and the screen of a large collection in 80 columns."""

from __future__ import annotations

from datetime import date, timedelta

from rich.console import Console

from trainer.progress.stats import (
    Bin,
    CardCounts,
    Forecast,
    Retention,
    Share,
    Stats,
    Streak,
    TimeStats,
    TodayStats,
    TroubleCard,
)
from trainer.ui.stats import (
    duration,
    hbar,
    heat_level,
    heat_ranges,
    interval_label,
    share_cell,
    stats_view,
    vchart,
)

TODAY = date(2026, 11, 23)


def render(stats: Stats) -> list[str]:
    console = Console(width=80, no_color=True, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
    console.print(stats_view(stats))
    console.file.close()
    return console.export_text().splitlines()


def test_duration() -> None:
    assert [duration(s) for s in (0, 9.4, 59.6, 61, 3599, 3600, 3661, 90000)] == [
        "0 s",
        "9 s",
        "1 min 00 s",
        "1 min 01 s",
        "59 min 59 s",
        "1 h 00 min",
        "1 h 01 min",
        "25 h 00 min",
    ]


def test_bars_and_charts() -> None:
    assert hbar(0, 10, 8) == ""
    assert hbar(10, 10, 8) == "█" * 8
    assert hbar(5, 10, 8) == "████"
    assert hbar(1, 1000, 8) == "▏"  # a non-zero value always shows
    assert vchart([0, 4, 8], height=2, column=2) == ["    █", "  █ █"]
    assert vchart([1, 16], height=2, column=2) == ["  █", "▁ █"]


def test_heatmap_levels_and_legend() -> None:
    assert [heat_level(c, 12) for c in (0, 1, 3, 4, 9, 10, 12)] == [0, 1, 1, 2, 3, 4, 4]
    assert heat_ranges(12) == [(1, 1, 3), (2, 4, 6), (3, 7, 9), (4, 10, 12)]
    assert heat_ranges(2) == [(2, 1, 1), (4, 2, 2)]  # empty levels are left out
    assert heat_ranges(0) == []


def test_cells_and_labels() -> None:
    assert share_cell(Share(10, 9)) == "90.0% 9/10"
    assert share_cell(Share()) == "—"
    assert interval_label(Bin(1, 1, 0)) == "1 d"
    assert interval_label(Bin(2, 3, 0)) == "2–3 d"
    assert interval_label(Bin(366, None, 0)) == "> 365 d"


def big_stats() -> Stats:
    """A large collection: six-digit counts, a full year, more than ten leeches."""
    leeches = tuple(
        TroubleCard(
            deck="models-architectures",
            entry=f"entry-{i}",
            term=f"A rather long glossary term number {i}",
            ef=130 + i,
            lapses=30 - i,
            card=f"models-architectures/entry-{i}/reverse",
            direction="reverse",
            interval=1,
        )
        for i in range(14)
    )
    return Stats(
        learner="a-learner-with-a-long-name",
        decks=("foundational", "models-architectures", "generation-inference"),
        today=TodayStats(TODAY, 812, 1370, 1200, 116, 170, 54, 9876.5),
        counts=CardCounts(123456, 2345, 34567, 456789, 5678, 67, 789),
        forecast=Forecast(
            days=tuple((TODAY + timedelta(days=i), 1000 + 37 * i) for i in range(30)),
            overdue=680,
        ),
        calendar={TODAY - timedelta(days=i): 1 + (i * 37) % 1654 for i in range(365)},
        retention=(
            Retention(7, Share(4173, 3749), Share(2518, 2274)),
            Retention(30, Share(19775, 17677), Share(11958, 10851)),
            Retention(365, Share(240210, 214996), Share(133286, 121566)),
        ),
        streak=Streak(731, 731, TODAY, 731, TODAY - timedelta(days=730)),
        ef_histogram=tuple(
            Bin((130 + 10 * i) / 100, (140 + 10 * i) / 100, 1000 * i) for i in range(23)
        ),
        interval_histogram=(Bin(1, 1, 1130), Bin(2, 3, 0), Bin(366, None, 30020)),
        period_days=365,
        grades=(7210, 17840, 17770, 66680, 234020, 106930),
        hours=tuple(100 * h for h in range(24)),
        leeches=leeches,
        hardest=leeches[:10],
        time=TimeStats(days=365, answers=450450, seconds=312345.6),
        timezone="America/Argentina/ComodRivadavia",
    )


def test_a_large_collection_fits_80_columns() -> None:
    lines = render(big_stats())
    too_wide = [line for line in lines if len(line) > 80]
    assert not too_wide
    assert not [line for line in lines if "…" in line]  # nothing cut off
    body = [line.strip("│ ") for line in lines]
    assert "Streak: 731 days · longest 731 days · 731 study days in all" in body
    assert "Due today: 1000 (680 overdue) · tomorrow: 1037" in body
    assert "14 leeches (8 lapses, then every 4 more); the 10 with most lapses." in body
    assert "List them all with `trainer cards --leeches`." in body
    assert "450450 answers in 86 h 45 min · 0.7 s per answer" in body
    row = next(line for line in body if line.startswith("365 days"))
    assert row.split() == [
        "365", "days",
        "89.5%", "214996/240210",
        "91.2%", "121566/133286",
        "90.1%", "336562/373496",
    ]  # fmt: skip
