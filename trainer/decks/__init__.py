"""Decks: the deck file format, cards, answers, glossary and CSV import, lint, authoring, catalog.

Imports the standard library, trainer.model, trainer.errors and trainer.paths; never the store.
"""
