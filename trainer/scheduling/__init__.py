"""Scheduling: when a card is due next (SM-2) and which study day a moment belongs to.

Pure code: imports only the standard library and trainer.model; no I/O, no clock, no store.
"""
