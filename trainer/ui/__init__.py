"""rich rendering for the CLI: one module per screen (quiz, stats, tables).

Only the CLI imports these.
"""
