"""trainer: a terminal spaced-repetition trainer for the AI-music-generation glossary."""

__version__ = "0.1.0"
