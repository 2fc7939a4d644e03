"""Anki: .apkg packages of decks and a learner's progress (export; the import goes beside it).

May import trainer.model, trainer.errors, trainer.decks and genanki; never the CLI or rich.
"""
