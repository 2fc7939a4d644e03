"""Progress: the store that writes, migrations, schema, the readers, queue, browse, stats, reports.

May import trainer.model, errors, scheduling and decks; SQLAlchemy only where it writes or migrates.
"""
