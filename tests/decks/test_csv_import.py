"""decks.csv_import: separators, header forms, item splitting, ids; a hypothesis round trip."""

from __future__ import annotations

import csv
import io
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from trainer.decks.csv_import import detect_separator, parse_csv
from trainer.decks.format import deck_to_toml, parse_deck_text
from trainer.model import Entry, Source

P = Path("terms.csv")


def parse(text: str) -> tuple[Entry, ...]:
    deck = parse_csv(
        text,
        P,
        slug="sound-design",
        title="Sound Design",
        description="D.",
        anki_deck_id=1234567890,
    )
    return deck.entries


@pytest.mark.parametrize(("separator", "name"), [(",", "comma"), (";", "semicolon"), ("\t", "tab")])
def test_each_separator_is_detected(separator: str, name: str) -> None:
    text = separator.join(["Term", "Definition"]) + "\n"
    text += separator.join(["Foley", '"Sound effects, recorded; to picture."']) + "\n"
    assert detect_separator(text, P) == separator
    (foley,) = parse(text)
    assert (foley.term, foley.definition) == ("Foley", "Sound effects, recorded; to picture.")


def test_semicolons_with_commas_in_the_definitions_and_no_header() -> None:
    text = "Foley;Sound effects, footsteps, cloth, added to film.\nReverb;Sound, after it stops.\n"
    assert detect_separator(text, P) == ";"
    assert [e.term for e in parse(text)] == ["Foley", "Reverb"]


def test_a_header_in_any_order_and_case_with_every_column() -> None:
    text = (
        "TAGS,Details,definition,ALIASES,Term\n"
        'Film|Post,"Recorded in sync with the picture.",Everyday sound effects added to film.,'
        '"foley art; foley effects | FOLEY ART",Foley\n'
    )
    (foley,) = parse(text)
    assert foley == Entry(
        id="foley",
        term="Foley",
        definition="Everyday sound effects added to film.",
        aliases=("foley art", "foley effects"),
        details="Recorded in sync with the picture.",
        tags=("film", "post"),
        source=Source.AUTHORED,
        line=2,
    )


def test_two_unnamed_columns_like_ankis_text_import() -> None:
    entries = parse("Foley\tEveryday sound effects added to film.\nReverb\tSound in a room.\n")
    assert [(e.id, e.term, e.line) for e in entries] == [
        ("foley", "Foley", 1),
        ("reverb", "Reverb", 2),
    ]


def test_ids_come_from_the_term_and_never_repeat() -> None:
    entries = parse(
        "term,definition\n"
        "GAN (Generative Adversarial Network),Two networks trained against each other.\n"
        "G.A.N.,Not the same entry.\n"
        "日本語,A term with no ASCII letters.\n"
    )
    assert [e.id for e in entries] == ["gan", "g-a-n", "entry"]


def test_record_lines_count_lines_inside_quoted_fields() -> None:
    entries = parse('term,definition\nFoley,"Line one\nline two"\n\nReverb,Sound in a room.\n')
    assert [(e.term, e.line, e.definition) for e in entries] == [
        ("Foley", 2, "Line one\nline two"),
        ("Reverb", 5, "Sound in a room."),
    ]


def test_html_is_kept_as_text() -> None:
    (entry,) = parse('term,definition\nFoley,"<b>Bold</b> & <script>x</script>"\n')
    assert entry.definition == "<b>Bold</b> & <script>x</script>"


TEXT = (
    st.text(
        alphabet=st.characters(
            blacklist_categories=("Cs", "Cc"), blacklist_characters="\u2028\u2029\x85"
        ),
        min_size=1,
        max_size=40,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)


def nfc(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(TEXT, TEXT),
        min_size=1,
        max_size=6,
        unique_by=lambda r: unicodedata.normalize("NFC", r[0]).casefold(),
    ),
    separator=st.sampled_from([",", ";", "\t"]),
)
def test_any_csv_a_spreadsheet_writes_comes_back(
    rows: list[tuple[str, str]], separator: str
) -> None:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    writer.writerow(["term", "definition"])
    writer.writerows(rows)
    rows = [(nfc(term), nfc(definition)) for term, definition in rows]
    entries = parse(out.getvalue())
    assert [(e.term, e.definition) for e in entries] == rows
    deck_text = deck_to_toml(
        parse_csv(out.getvalue(), P, slug="s", title="T", description="D.", anki_deck_id=1234567890)
    )
    reparsed = parse_deck_text(deck_text, Path("x.toml"))
    assert [(e.term, e.definition) for e in reparsed.entries] == rows


def test_trailing_optional_cells_may_be_left_out_and_unnamed_empty_columns_ignored() -> None:
    entries = parse(
        "term,definition,aliases,tags,,\n"
        "Foley,Everyday sound effects added to film.,foley art,film,,\n"
        "Reverb,Sound that persists in a room.\n"
    )
    assert [(e.term, e.aliases, e.tags) for e in entries] == [
        ("Foley", ("foley art",), ("film",)),
        ("Reverb", (), ()),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "term,definition,\nFoley,Everyday sound effects added to film.,oops\n",
            "terms.csv:2: the value 'oops' is in a column without a name; name the column in "
            "the header (term, definition, aliases, details, tags) or remove the value",
        ),
        (
            "aliases,term,definition\nfoley art,Foley\n",
            "terms.csv:2: 2 fields where the file has 3 columns (comma-separated); put a field "
            "that contains a comma in double quotes",
        ),
    ],
)
def test_cells_that_cannot_be_placed(text: str, message: str) -> None:
    from trainer.errors import DeckFormatError

    with pytest.raises(DeckFormatError) as raised:
        parse(text)
    assert str(raised.value) == message


def test_text_is_stored_in_nfc_so_two_spellings_of_one_term_are_one_term() -> None:
    (entry,) = parse("term,definition\nCafe\u0301 Sound,The murmur of a busy cafe\u0301.\n")
    assert (entry.term, entry.definition) == ("Café Sound", "The murmur of a busy café.")
    from trainer.errors import DeckFormatError

    with pytest.raises(DeckFormatError) as raised:
        parse("term,definition\nCafé Sound,One.\nCafe\u0301 sound,Two.\n")
    assert str(raised.value) == (
        "terms.csv:3: duplicate term 'Café sound' (first at line 2); merge the two rows"
    )
