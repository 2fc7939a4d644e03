"""The exported packages in the real Anki: imported with the official `anki` library
(the Rust backend of the desktop app) into fresh collections, then read back."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from trainer.anki.export import (
    FIELDS,
    MODEL_ID,
    export_combined,
    export_deck,
    field_html,
    note_fields,
    note_guid,
    origin_text,
)
from trainer.decks.cards import reverse_prompt
from trainer.decks.catalog import bundled_deck_files, load_decks
from trainer.decks.format import deck_to_toml, parse_deck
from trainer.model import CorrectedField, Correction, Deck, Entry

T0 = 1780000000  # the deck file's time before the edit

COURSE_TOML = '''\
# An instructor's deck: two glossary entries reused, one written for the course.
slug = "course-week-1"
title = "Week 1: Sound as Data"
description = "Terms for the first week of the course."
anki_deck_id = 1999999901

[[entry]]
id = "audio-codec"
term = "Audio Codec"
aliases = ["codec"]
definition = """An audio codec compresses audio into a compact code & decodes it back."""
details = """Neural codecs turn audio into tokens.
A language model can then predict those tokens."""
tags = ["audio", "compression"]
source = "glossary"
origin = "foundational/audio-codec"

[[entry]]
id = "sample-rate"
term = "Sample Rate"
definition = "How many times per second a digital recording measures the sound wave."
tags = ["audio"]
source = "authored"

[[entry]]
id = "markup"
term = "Markup Example"
definition = "A definition that mentions <b>tags</b> & ampersands as plain text."
source = "authored"
'''


@pytest.fixture
def collection(tmp_path: Path) -> Iterator[Collection]:
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    try:
        yield col
    finally:
        col.close()


@pytest.fixture
def course(tmp_path: Path) -> Path:
    path = tmp_path / "decks" / "course-week-1.toml"
    path.parent.mkdir()
    path.write_text(COURSE_TOML, encoding="utf-8")
    os.utime(path, (T0, T0))
    return path


def import_package(col: Collection, path: Path) -> object:
    """Import with Anki's default options (update notes and note types if newer)."""
    request = ImportAnkiPackageRequest(package_path=str(path), options=ImportAnkiPackageOptions())
    return col.import_anki_package(request).log


def notes_by_guid(col: Collection) -> dict[str, object]:
    return {col.get_note(nid).guid: col.get_note(nid) for nid in col.find_notes("")}


def deck_names(col: Collection) -> set[str]:
    return {entry.name for entry in col.decks.all_names_and_ids()}


def check_deck_imported(col: Collection, deck: Deck) -> None:
    """Every entry is one note of our type with every field and tag; two cards in the deck."""
    name = f"AI Music Glossary::{deck.title}"
    assert name in deck_names(col)
    deck_id = col.decks.id_for_name(name)
    notes = notes_by_guid(col)
    for entry in deck.entries:
        note = notes[note_guid(deck.slug, entry.id)]
        assert note.note_type()["id"] == MODEL_ID
        assert note.keys() == list(FIELDS)
        assert note["Term"] == field_html(entry.term)
        assert note["Definition"] == field_html(entry.definition)
        assert note["Details"] == field_html(entry.details)
        assert note["Aliases"] == field_html(", ".join(entry.aliases))
        assert note["MaskedDefinition"] == field_html(reverse_prompt(entry))
        assert note["Deck"] == deck.slug
        assert note["EntryID"] == entry.id
        assert note["Source"] == str(entry.source)
        assert note["Origin"] == field_html(origin_text(entry))
        assert sorted(note.tags) == sorted({deck.slug, *entry.tags})
        cards = sorted(note.cards(), key=lambda card: card.ord)
        assert [card.ord for card in cards] == [0, 1]
        assert {card.did for card in cards} == {deck_id}


def test_course_deck_imports_with_every_field_and_tag(
    collection: Collection, course: Path, tmp_path: Path
) -> None:
    deck = parse_deck(course)
    result = export_deck(deck, tmp_path / "out")
    log = import_package(collection, result.path)
    assert len(log.new) == 3
    assert collection.note_count() == 3
    assert collection.card_count() == 6
    assert deck_names(collection) == {
        "Default",
        "AI Music Glossary",
        "AI Music Glossary::Week 1: Sound as Data",
    }
    check_deck_imported(collection, deck)

    codec = notes_by_guid(collection)[note_guid("course-week-1", "audio-codec")]
    assert codec["Definition"] == (
        "An audio codec compresses audio into a compact code &amp; decodes it back."
    )
    assert codec["Details"] == (
        "Neural codecs turn audio into tokens.<br>A language model can then predict those tokens."
    )
    assert codec["Origin"] == "foundational/audio-codec"
    assert sorted(codec.tags) == ["audio", "compression", "course-week-1"]


def test_cards_render_as_text_in_anki(collection: Collection, course: Path, tmp_path: Path) -> None:
    import_package(collection, export_deck(parse_deck(course), tmp_path / "out").path)
    markup = notes_by_guid(collection)[note_guid("course-week-1", "markup")]
    forward, reverse = sorted(markup.cards(), key=lambda card: card.ord)
    assert '<div class="term">Markup Example</div>' in forward.question()
    assert "mentions &lt;b&gt;tags&lt;/b&gt; &amp; ampersands as plain text." in forward.answer()
    # The reverse card asks with the term masked out of the definition.
    assert "Which term is this?" in reverse.question()
    assert "A definition that mentions &lt;b&gt;tags&lt;/b&gt;" in reverse.question()
    assert "Markup Example" not in reverse.question()
    assert '<div class="term">Markup Example</div>' in reverse.answer()
    codec = notes_by_guid(collection)[note_guid("course-week-1", "audio-codec")]
    codec_reverse = sorted(codec.cards(), key=lambda card: card.ord)[1]
    assert "An audio codec" not in codec_reverse.question()
    assert "A(n) ____ compresses audio" in codec_reverse.question()


def test_edited_definition_updates_the_note_in_place(
    collection: Collection, course: Path, tmp_path: Path
) -> None:
    import_package(collection, export_deck(parse_deck(course), tmp_path / "v1").path)
    # Study a card in Anki: its scheduling must survive the update.
    collection.decks.select(
        collection.decks.id_for_name("AI Music Glossary::Week 1: Sound as Data")
    )
    card = collection.sched.getCard()
    assert card is not None
    collection.sched.answerCard(card, 3)
    studied_id = card.id

    course.write_text(
        COURSE_TOML.replace(
            "How many times per second a digital recording measures the sound wave.",
            "The number of samples per second in digital audio, e.g. 44,100 for CD audio.",
        ),
        encoding="utf-8",
    )  # saved now: newer than T0
    edited = parse_deck(course)
    log = import_package(collection, export_deck(edited, tmp_path / "v2").path)

    assert (len(log.new), len(log.updated), len(log.duplicate)) == (0, 3, 0)
    assert collection.note_count() == 3
    assert collection.card_count() == 6
    note = notes_by_guid(collection)[note_guid("course-week-1", "sample-rate")]
    assert note["Definition"] == (
        "The number of samples per second in digital audio, e.g. 44,100 for CD audio."
    )
    assert note["MaskedDefinition"] == note["Definition"]
    check_deck_imported(collection, edited)
    assert collection.get_card(studied_id).reps == 1


def test_same_export_again_changes_nothing(
    collection: Collection, course: Path, tmp_path: Path
) -> None:
    path = export_deck(parse_deck(course), tmp_path / "out").path
    import_package(collection, path)
    log = import_package(collection, path)
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (0, 0, 3)
    assert collection.note_count() == 3


def test_note_edited_in_anki_is_kept_when_the_deck_file_did_not_change(
    collection: Collection, course: Path, tmp_path: Path
) -> None:
    path = export_deck(parse_deck(course), tmp_path / "out").path
    import_package(collection, path)
    note = notes_by_guid(collection)[note_guid("course-week-1", "sample-rate")]
    note["Details"] = "My own note."
    collection.update_note(note)
    import_package(collection, export_deck(parse_deck(course), tmp_path / "again").path)
    assert collection.get_note(note.id)["Details"] == "My own note."


def test_combined_package_builds_the_subdeck_tree(
    collection: Collection, course: Path, tmp_path: Path
) -> None:
    bundled = load_decks(bundled_deck_files())
    decks = [*bundled, parse_deck(course)]
    result = export_combined(decks, tmp_path / "out")
    import_package(collection, result.path)

    total = sum(len(deck.entries) for deck in decks)
    assert (result.notes, result.cards) == (total, 2 * total)
    assert collection.note_count() == total
    assert collection.card_count() == 2 * total
    tree = collection.decks.deck_tree()
    (parent,) = [node for node in tree.children if node.name == "AI Music Glossary"]
    assert {child.name for child in parent.children} == {deck.title for deck in decks}
    assert all(not child.children for child in parent.children)
    assert [node.name for node in tree.children if node.name != "Default"] == ["AI Music Glossary"]
    for deck in decks:
        check_deck_imported(collection, deck)


def test_per_deck_then_combined_lands_in_the_same_decks(
    collection: Collection, course: Path, tmp_path: Path
) -> None:
    deck = parse_deck(course)
    import_package(collection, export_deck(deck, tmp_path / "one").path)
    before = deck_names(collection)
    log = import_package(collection, export_combined([deck], tmp_path / "all").path)
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (0, 0, 3)
    assert deck_names(collection) == before
    assert collection.card_count() == 6
    check_deck_imported(collection, deck)


@pytest.mark.parametrize("path", bundled_deck_files(), ids=lambda path: path.stem)
def test_every_bundled_deck_imports(collection: Collection, path: Path, tmp_path: Path) -> None:
    deck = parse_deck(path)
    result = export_deck(deck, tmp_path / "out")
    log = import_package(collection, result.path)
    assert len(log.new) == len(deck.entries) == result.notes
    assert collection.card_count() == 2 * len(deck.entries) == result.cards
    check_deck_imported(collection, deck)


def test_new_cards_keep_the_deck_order(
    collection: Collection, course: Path, tmp_path: Path
) -> None:
    deck = parse_deck(course)
    import_package(collection, export_deck(deck, tmp_path / "out").path)
    notes = notes_by_guid(collection)
    for position, entry in enumerate(deck.entries):
        cards = notes[note_guid(deck.slug, entry.id)].cards()
        assert [(card.type, card.due) for card in cards] == [(0, position), (0, position)]


def test_renamed_deck_title_leaves_existing_cards_in_place(
    collection: Collection, course: Path, tmp_path: Path
) -> None:
    import_package(collection, export_deck(parse_deck(course), tmp_path / "v1").path)
    old_deck = collection.decks.id_for_name("AI Music Glossary::Week 1: Sound as Data")
    course.write_text(COURSE_TOML.replace("Week 1: Sound as Data", "Week 1"), encoding="utf-8")
    log = import_package(collection, export_deck(parse_deck(course), tmp_path / "v2").path)
    assert len(log.updated) == 3
    assert "AI Music Glossary::Week 1" in deck_names(collection)
    assert {collection.get_card(cid).did for cid in collection.find_cards("")} == {old_deck}


_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40
).filter(lambda text: field_html(text) != "")


@settings(max_examples=25, deadline=None)
@given(term=_TEXT, definition=_TEXT, details=st.text(max_size=40), alias=_TEXT)
@example(term="Cafe\u0301", definition="a &nbsp; <b>", details="\u2028x\r\ny", alias="\x1f")
def test_any_text_arrives_in_anki_as_exported(
    term: str, definition: str, details: str, alias: str
) -> None:
    entry = Entry(id="x", term=term, definition=definition, details=details, aliases=(alias,))
    deck = Deck("any", "Any", "", 1999999903, (entry,))
    with tempfile.TemporaryDirectory() as folder:
        result = export_deck(deck, Path(folder) / "out")
        col = Collection(str(Path(folder) / "collection.anki2"))
        try:
            import_package(col, result.path)
            (note,) = [col.get_note(nid) for nid in col.find_notes("")]
            assert note.fields == note_fields(deck, entry)
        finally:
            col.close()


def test_empty_details_and_aliases_leave_no_trace_on_the_cards(
    collection: Collection, course: Path, tmp_path: Path
) -> None:
    import_package(collection, export_deck(parse_deck(course), tmp_path / "out").path)
    bare = notes_by_guid(collection)[note_guid("course-week-1", "markup")]
    for card in bare.cards():
        assert 'class="details"' not in card.answer()
        assert 'class="aliases"' not in card.answer()
    full = notes_by_guid(collection)[note_guid("course-week-1", "audio-codec")]
    forward = sorted(full.cards(), key=lambda card: card.ord)[0]
    assert '<div class="aliases">Also: codec</div>' in forward.answer()
    assert (
        '<div class="details">Neural codecs turn audio into tokens.<br>'
        "A language model can then predict those tokens.</div>"
    ) in forward.answer()


def _as_the_source_had_it(entry: Entry) -> Entry:
    """The entry before its corrections (and before our reverse prompt and mask words)."""
    for correction in reversed(entry.corrections):
        name = correction.field.value
        text = getattr(entry, name)
        entry = replace(entry, **{name: text.replace(correction.now, correction.was, 1)})
    aliases = tuple(a for a in entry.aliases if a != "Encodec")
    return replace(entry, aliases=aliases, reverse="", mask=(), corrections=())


def test_the_corrected_decks_update_the_notes_of_an_earlier_export_in_place(
    collection: Collection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ids never change, so the note GUIDs (from deck slug and entry id) do not either: the
    corrected deck replaces the text of the notes an earlier export made, keeps what was
    studied in Anki, and brings the template with the quiet line along."""
    shipped = parse_deck(next(p for p in bundled_deck_files() if p.stem == "models-architectures"))
    old = replace(shipped, entries=tuple(_as_the_source_had_it(e) for e in shipped.entries))
    assert old.entries[1].term == "Encodec" and not old.entries[1].corrections
    before, after = tmp_path / "before" / "models-architectures.toml", tmp_path / "after.toml"
    before.parent.mkdir()
    before.write_text(deck_to_toml(old), encoding="utf-8")
    after.write_text(deck_to_toml(shipped), encoding="utf-8")
    os.utime(before, (T0, T0))  # the earlier export; the corrected file is newer

    import trainer.anki.export as export

    line = '\n{{#Origin}}<div class="origin">{{Origin}}</div>{{/Origin}}'
    with monkeypatch.context() as patched:  # the templates as they were before the line
        for name in ("_FORWARD_BACK", "_REVERSE_BACK"):
            plain = getattr(export, name).replace(line, "")
            assert "Origin" not in plain
            patched.setattr(export, name, plain)
        import_package(collection, export_deck(parse_deck(before), tmp_path / "v1").path)
    ids = {guid: note.id for guid, note in notes_by_guid(collection).items()}
    card = collection.get_card(collection.find_cards("EntryID:encodec card:1")[0])
    card.start_timer()
    collection.sched.answerCard(card, 3)

    log = import_package(collection, export_deck(parse_deck(after), tmp_path / "v2").path)
    assert (len(log.new), len(log.updated), len(log.duplicate)) == (0, len(shipped.entries), 0)
    assert {guid: note.id for guid, note in notes_by_guid(collection).items()} == ids
    assert collection.card_count() == 2 * len(shipped.entries)
    check_deck_imported(collection, parse_deck(after))
    note = notes_by_guid(collection)[note_guid("models-architectures", "encodec")]
    assert note["Term"] == "EnCodec"
    assert note["Origin"] == "Corrected from the source: the term, the definition and the details."
    assert collection.get_card(card.id).reps == 1
    forward = next(c for c in note.cards() if c.ord == 0)
    assert '<div class="origin">Corrected from the source:' in forward.answer()
    reverse = next(c for c in note.cards() if c.ord == 1)
    assert '<div class="origin">Corrected from the source:' in reverse.answer()
    assert "Corrected" not in reverse.question()


def test_note_guids_come_from_deck_slug_and_entry_id_only() -> None:
    import genanki  # type: ignore[import-untyped]

    entry = Entry("encodec", "EnCodec", "A codec.")
    corrected = replace(
        entry,
        term="Encodec",
        corrections=(Correction(CorrectedField.TERM, "Encodec", "EnCodec", "spelling"),),
    )
    assert note_guid("models-architectures", entry.id) == genanki.guid_for(
        "models-architectures", "encodec"
    )
    deck = Deck("models-architectures", "T", "D", 1852004229, (entry,))
    assert note_fields(deck, entry)[6] == note_fields(deck, corrected)[6] == "encodec"


def test_the_origin_field_says_an_entry_was_corrected() -> None:
    plain = Entry("x", "X", "A definition.", origin="copied")
    corrected = replace(
        plain,
        corrections=(
            Correction(CorrectedField.DETAILS, "a", "b", "one thing was wrong"),
            Correction(CorrectedField.TERM, "c", "d", "spelling"),
        ),
    )
    assert origin_text(plain) == "copied"
    assert origin_text(corrected) == "copied\nCorrected from the source: the term and the details."
    assert origin_text(replace(corrected, origin="")) == (
        "Corrected from the source: the term and the details."
    )
    one = replace(plain, origin="", corrections=corrected.corrections[:1] * 2)
    assert origin_text(one) == "Corrected from the source: the details."
    three = replace(
        corrected,
        corrections=(
            *corrected.corrections,
            Correction(CorrectedField.DEFINITION, "e", "f", "wrong"),
        ),
    )
    assert origin_text(three).endswith(
        "Corrected from the source: the term, the definition and the details."
    )
