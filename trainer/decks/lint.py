"""`deck check`: lint deck files like a compiler, `path:line: error|warning: text`.

Errors make a deck unfit to register: anything the parser rejects (bad TOML, unknown
or empty fields, bad ids, tags with spaces, duplicate ids or terms in the file), a
slug, Anki deck id or term that another deck already uses (the files checked
together, the registered and the bundled decks), an alias that names two entries,
and a reverse card whose masked definition still gives its answer away.

Warnings are for a person to judge: an answer (definition) over `LONG_ANSWER` characters, a
definition of fewer than `SHORT_DEFINITION_WORDS` words, two definitions at least
`NEAR_DUPLICATE` alike (difflib's ratio), a reverse prompt with a word that shares its stem
with the answer (`trainer.decks.stems`: "tokens" for Tokenization).

An entry copied with `trainer deck new --from` carries `origin = "<deck>/<entry-id>"`:
it may repeat the term and text of the entry it names without an error.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TypedDict

from trainer.decks.cards import answers_for, reverse_prompt
from trainer.decks.format import parse_deck_text, read_text_file
from trainer.decks.stems import stem_leaks
from trainer.errors import DeckFormatError
from trainer.model import Deck, Entry
from trainer.printable import plural

#: A definition (the answer on a forward card's back; details follow it) longer than
#: this gets a warning.
LONG_ANSWER = 300
#: A definition with fewer words than this gets a warning.
SHORT_DEFINITION_WORDS = 4
#: Two definitions at least this alike (difflib.SequenceMatcher.ratio) get a warning.
NEAR_DUPLICATE = 0.9
#: A deck with more entries than this is refused: split it into several decks. Checking
#: and adding the largest deck stays within seconds (5,000 entries: check 2.2 s, add 5.4 s
#: on a 2-CPU machine; the near-duplicate and leak checks grow with the entries).
MAX_ENTRIES = 5000


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class FindingRecord(TypedDict):
    path: str
    line: int | None
    severity: str
    message: str


@dataclass(frozen=True)
class Finding:
    """One problem in a deck file, at a line (None: the file as a whole)."""

    path: Path
    line: int | None
    severity: Severity
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else str(self.path)
        return f"{where}: {self.severity.value}: {self.message}"

    def record(self) -> FindingRecord:
        return {
            "path": str(self.path),
            "line": self.line,
            "severity": self.severity.value,
            "message": self.message,
        }


@dataclass
class CheckResult:
    """The findings of a check and the decks that parsed (path -> deck)."""

    findings: list[Finding] = field(default_factory=list)
    decks: dict[Path, Deck] = field(default_factory=dict)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.WARNING]

    def summary(self, files: int) -> str:
        """The last line of a check: "checked 2 deck files: 1 error, 3 warnings"."""
        checked = f"checked {plural(files, 'deck file')}"
        if not self.findings:
            return f"{checked}: no problems"
        return f"{checked}: {plural(len(self.errors), 'error')}, " + plural(
            len(self.warnings), "warning"
        )


# --- checking ------------------------------------------------------------------------


def check_files(paths: Sequence[Path], others: Sequence[Deck] = ()) -> CheckResult:
    """Check deck files against each other and against `others` (the bundled and
    registered decks; a deck of the same file as a checked one is left out)."""
    texts: list[tuple[Path, str]] = []
    result = CheckResult()
    for path in paths:
        try:
            texts.append((Path(path), read_text_file(Path(path))))
        except DeckFormatError as error:
            result.findings.append(_from_error(error))
    checked = check_texts(texts, others)
    result.findings += checked.findings
    result.decks.update(checked.decks)
    result.findings.sort(key=_order({Path(p): i for i, p in enumerate(paths)}))
    return result


def check_texts(texts: Sequence[tuple[Path, str]], others: Sequence[Deck] = ()) -> CheckResult:
    """Check deck file texts (path, text); see check_files."""
    result = CheckResult()
    for path, text in texts:
        try:
            result.decks[path] = parse_deck_text(text, path)
        except DeckFormatError as error:
            result.findings.append(_from_error(error))
    checked = [(path, deck) for path, deck in result.decks.items()]
    own = {_resolved(path) for path, _ in checked}
    context = [d for d in others if d.path is None or _resolved(d.path) not in own]
    text_of = dict(texts)
    for index, (path, deck) in enumerate(checked):
        earlier = [d for _, d in checked[:index]] + context
        result.findings += _deck_findings(path, text_of[path], deck, earlier)
    result.findings += _near_duplicates(checked, context)
    order = {path: i for i, (path, _) in enumerate(texts)}
    result.findings.sort(key=_order(order))
    return result


def _order(positions: dict[Path, int]) -> Callable[[Finding], tuple[int, int, int]]:
    def key(finding: Finding) -> tuple[int, int, int]:
        return (
            positions.get(finding.path, len(positions)),
            finding.line or 0,
            0 if finding.severity is Severity.ERROR else 1,
        )

    return key


def _resolved(path: Path) -> Path:
    try:
        return Path(path).resolve()
    except OSError:
        return Path(path)


def _from_error(error: DeckFormatError) -> Finding:
    return Finding(error.path, error.line, Severity.ERROR, error.message)


def _where(deck: Deck) -> str:
    return str(deck.path) if deck.path is not None else f"deck {deck.slug!r}"


def _is_copy_of(entry: Entry, deck: Deck, other: Entry) -> bool:
    return entry.origin == f"{deck.slug}/{other.id}"


def _deck_findings(path: Path, text: str, deck: Deck, others: Sequence[Deck]) -> list[Finding]:
    found: list[Finding] = []

    def error(line: int | None, message: str) -> None:
        found.append(Finding(path, line, Severity.ERROR, message))

    def warning(line: int | None, message: str) -> None:
        found.append(Finding(path, line, Severity.WARNING, message))

    if len(deck.entries) > MAX_ENTRIES:
        error(
            deck.entries[MAX_ENTRIES].line,
            f"the deck has {len(deck.entries)} entries; a deck holds up to {MAX_ENTRIES}: "
            "split it into several decks",
        )
        return found
    lines = _top_lines(deck, text)
    for other in others:
        if other.slug == deck.slug:
            error(
                lines.get("slug"),
                f"deck slug {deck.slug!r} is already used by {_where(other)}; choose another slug",
            )
        if other.anki_deck_id == deck.anki_deck_id:
            error(
                lines.get("anki_deck_id"),
                f"anki_deck_id {deck.anki_deck_id} is already used by {_where(other)}; "
                "Anki would merge the two decks: choose another 10-digit number",
            )
    # every name (term, alias) of the other decks -> where it is
    names: dict[str, tuple[Deck, Entry]] = {}
    for other in others:
        for entry in other.entries:
            for name in (entry.term, *entry.aliases):
                names.setdefault(_key(name), (other, entry))
    in_deck: dict[str, Entry] = {}
    for entry in deck.entries:
        line = entry.line
        for name in (entry.term, *entry.aliases):
            key = _key(name)
            kind = "term" if name == entry.term else "alias"
            if key in in_deck and in_deck[key].id != entry.id:
                first = in_deck[key]
                if kind == "alias" or key != _key(first.term):
                    error(
                        line,
                        f"{kind} {name!r} also names entry {first.id!r} (line {first.line}); "
                        "a name may belong to one entry only",
                    )
            in_deck.setdefault(key, entry)
            if key in names:
                other, other_entry = names[key]
                copies = entry.origin and entry.origin == other_entry.origin
                if not _is_copy_of(entry, other, other_entry) and not copies:
                    error(
                        line,
                        f"{kind} {name!r} is already an entry of deck {other.slug!r} "
                        f"({other_entry.id!r}); remove it here, or copy that entry with "
                        f"`trainer deck new --from {other.slug}:{other_entry.id}`",
                    )
        leak = _leak(entry)
        if leak is not None:
            error(
                line,
                f"the reverse card of {entry.id!r} gives its answer away: {leak!r} is still "
                "in the masked definition; reword the definition or add that form as an alias",
            )
        else:
            for word in dict.fromkeys(found.word for found in stem_leaks(entry)):
                warning(
                    line,
                    f"the reverse card of {entry.id!r} hints at its answer: {word!r} shares a "
                    f"stem with {entry.term!r}; reword the definition, list the word under "
                    "`mask`, or write a `reverse` prompt",
                )
        answer = len(entry.definition)
        if answer > LONG_ANSWER:
            warning(
                line,
                f"the definition of {entry.id!r} is {answer} characters (over {LONG_ANSWER}), "
                "a long answer to recall; keep it to one sentence and move the rest to details",
            )
        words = len(entry.definition.split())
        if words < SHORT_DEFINITION_WORDS:
            warning(
                line,
                f"the definition of {entry.id!r} is very short ({plural(words, 'word')}); "
                "a learner needs a sentence to recall the term from",
            )
    return found


def _key(name: str) -> str:
    """Names compare in NFC and ignoring case ("Café" with a combining accent is "café")."""
    return unicodedata.normalize("NFC", name).casefold()


def _top_lines(deck: Deck, text: str) -> dict[str, int]:
    """Lines of the top-level keys (slug, anki_deck_id) of a deck file."""
    lines: dict[str, int] = {}
    first_entry = deck.entries[0].line if deck.entries and deck.entries[0].line else None
    for number, line in enumerate(text.split("\n"), start=1):
        if first_entry is not None and number >= first_entry:
            break
        found = re.match(r"^\s*(slug|anki_deck_id)\s*=", line)
        if found:
            lines.setdefault(found.group(1), number)
    return lines


# --- reverse cards ---------------------------------------------------------------------

_SEP = re.compile(r"[\s\-‐‑–]+")
_ENDINGS = ("ings", "ing", "ies", "ied", "ed", "es", "e", "s", "y")


def _forms(name: str) -> list[str]:
    """A name lowercased with hyphens as spaces, and its stem ("Fine-tuning" -> "fine tun")."""
    words = [w for w in _SEP.split(name.lower().strip()) if w]
    if not words:
        return []
    forms = [" ".join(words)]
    last = words[-1]
    for ending in _ENDINGS:
        if last.endswith(ending) and len(last) - len(ending) >= 3:
            forms.append(" ".join([*words[:-1], last[: -len(ending)]]))
            break
    return forms


def _names(entry: Entry) -> list[str]:
    """Every name of an entry, found independently of the masking: parenthesised
    parts, the term without them, slash options."""
    names = [entry.term, *entry.aliases, *answers_for(entry)]
    for name in list(names):
        names += re.findall(r"\(([^()]+)\)", name)
        names.append(re.sub(r"\s*\([^()]*\)", "", name))
        names += [part for part in re.split(r"[/()]", name) if len(part.strip()) > 2]
    return [n for n in names if n.strip() and not n.strip().lower().startswith("in ")]


def _leak(entry: Entry) -> str | None:
    """A name form still in the reverse card's front after masking, or None."""
    front = " ".join(_SEP.split(reverse_prompt(entry).lower()))
    for name in _names(entry):
        for form in _forms(name):
            # The substring test first: compiling a pattern per form is what costs.
            if form in front and re.search(r"(?<![\w])" + re.escape(form), front):
                return form
    return None


# --- near-duplicate definitions ------------------------------------------------------------

_SHINGLE = 4  # words
_COMMON = 50  # a shingle in more definitions than this is boilerplate, not evidence


def _shingles(text: str) -> set[str]:
    words = re.findall(r"\w+", text.casefold())
    if len(words) <= _SHINGLE:
        return {" ".join(words)}
    return {" ".join(words[i : i + _SHINGLE]) for i in range(len(words) - _SHINGLE + 1)}


def _near_duplicates(checked: Sequence[tuple[Path, Deck]], others: Sequence[Deck]) -> list[Finding]:
    """Pairs of definitions at least NEAR_DUPLICATE alike, one of them in a checked deck.

    Only definitions that share a run of four words are compared, so a large deck
    stays fast.
    """
    items: list[tuple[Path | None, Deck, Entry]] = [
        (path, deck, entry) for path, deck in checked for entry in deck.entries
    ]
    items += [(None, deck, entry) for deck in others for entry in deck.entries]
    index: dict[str, list[int]] = defaultdict(list)
    for number, (_, _, entry) in enumerate(items):
        for shingle in _shingles(entry.definition):
            index[shingle].append(number)
    pairs: set[tuple[int, int]] = set()
    for members in index.values():
        if len(members) > _COMMON:
            continue
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if items[a][0] is not None or items[b][0] is not None:
                    pairs.add((a, b))
    found: list[Finding] = []
    for a, b in sorted(pairs):
        path_a, deck_a, entry_a = items[a]
        path_b, deck_b, entry_b = items[b]
        if (
            _is_copy_of(entry_a, deck_b, entry_b)
            or _is_copy_of(entry_b, deck_a, entry_a)
            or (entry_a.origin and entry_a.origin == entry_b.origin)  # two copies of one entry
        ):
            continue
        ratio = _ratio(entry_a.definition, entry_b.definition)
        if ratio < NEAR_DUPLICATE:
            continue
        # report at the checked entry (the later one if both are), naming the other
        if path_b is not None:
            path, entry, other_path, other_deck, other = path_b, entry_b, path_a, deck_a, entry_a
        elif path_a is not None:
            path, entry, other_path, other_deck, other = path_a, entry_a, path_b, deck_b, entry_b
        else:  # pragma: no cover - pairs always hold a checked entry
            continue
        if other_path == path:
            where = f"{other.id!r} at line {other.line}"
        else:
            where = f"{other_deck.slug}/{other.id}"
        found.append(
            Finding(
                path,
                entry.line,
                Severity.WARNING,
                f"the definition of {entry.id!r} is nearly the same as that of {where} "
                f"({ratio:.0%} alike); a learner cannot tell the two cards apart",
            )
        )
    return found


def _ratio(a: str, b: str) -> float:
    matcher = difflib.SequenceMatcher(None, a.casefold(), b.casefold(), autojunk=False)
    if matcher.real_quick_ratio() < NEAR_DUPLICATE or matcher.quick_ratio() < NEAR_DUPLICATE:
        return 0.0
    return matcher.ratio()


def records(findings: Iterable[Finding]) -> list[FindingRecord]:
    return [finding.record() for finding in findings]
