"""Anki: .apkg packages of decks with a learner's progress (export), and Anki's packages and
review history read back (package, history, asdeck); `mapping` says how the two map.

May import trainer.model, trainer.errors, trainer.decks, trainer.progress.readers (plain-SQL
reads of a learner's progress), genanki and zstandard; never the CLI, rich or SQLAlchemy.
"""
