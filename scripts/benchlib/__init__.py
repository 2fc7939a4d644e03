"""Helpers of scripts/bench.py: the synthetic store, the Anki side, the measures.

Not part of the installed package: bench.py puts this folder's parent on sys.path.
"""
