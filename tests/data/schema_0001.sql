-- A store as the first release (schema 0001_initial, the ORM of commit db217ed) made it.
BEGIN TRANSACTION;
CREATE TABLE card_states (
	learner_id INTEGER NOT NULL, 
	card_id VARCHAR(300) NOT NULL, 
	n INTEGER NOT NULL, 
	ef SMALLINT NOT NULL, 
	interval INTEGER NOT NULL, 
	due DATE, 
	lapses INTEGER NOT NULL, 
	redrill_day DATE, 
	buried_until DATE, 
	suspended BOOLEAN NOT NULL, 
	leech BOOLEAN NOT NULL, 
	PRIMARY KEY (learner_id, card_id), 
	FOREIGN KEY(learner_id) REFERENCES learners (id), 
	FOREIGN KEY(card_id) REFERENCES cards (id)
);
CREATE TABLE cards (
	id VARCHAR(300) NOT NULL, 
	deck_slug VARCHAR(100) NOT NULL, 
	entry_id VARCHAR(200) NOT NULL, 
	direction VARCHAR(10) NOT NULL, 
	term TEXT NOT NULL, 
	front TEXT NOT NULL, 
	back TEXT NOT NULL, 
	ord INTEGER NOT NULL, 
	retired BOOLEAN NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(deck_slug) REFERENCES decks (slug)
);
CREATE TABLE decks (
	slug VARCHAR(100) NOT NULL, 
	title TEXT NOT NULL, 
	description TEXT NOT NULL, 
	anki_deck_id BIGINT NOT NULL, 
	bundled BOOLEAN NOT NULL, 
	path TEXT, 
	active BOOLEAN NOT NULL, 
	content_hash VARCHAR(64) NOT NULL, 
	position INTEGER NOT NULL, 
	PRIMARY KEY (slug)
);
CREATE TABLE learners (
	id INTEGER NOT NULL, 
	name VARCHAR(200) NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (name)
);
CREATE TABLE reviews (
	id INTEGER NOT NULL, 
	learner_id INTEGER NOT NULL, 
	card_id VARCHAR(300) NOT NULL, 
	at DATETIME NOT NULL, 
	day DATE NOT NULL, 
	grade SMALLINT NOT NULL, 
	kind VARCHAR(10) NOT NULL, 
	n_before INTEGER NOT NULL, 
	ef_before SMALLINT NOT NULL, 
	interval_before INTEGER NOT NULL, 
	due_before DATE, 
	lapses_before INTEGER NOT NULL, 
	n_after INTEGER NOT NULL, 
	ef_after SMALLINT NOT NULL, 
	interval_after INTEGER NOT NULL, 
	due_after DATE, 
	lapses_after INTEGER NOT NULL, 
	answer_ms INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(learner_id) REFERENCES learners (id), 
	FOREIGN KEY(card_id) REFERENCES cards (id)
);
CREATE TABLE schema_migrations (
	name VARCHAR(100) NOT NULL, 
	applied_at DATETIME NOT NULL, 
	PRIMARY KEY (name)
);
INSERT INTO "schema_migrations" VALUES('0001_initial','2026-02-01 10:00:00.000000');
CREATE INDEX ix_cards_deck_entry ON cards (deck_slug, entry_id);
CREATE INDEX ix_cards_deck_slug ON cards (deck_slug);
CREATE INDEX ix_card_states_learner_due ON card_states (learner_id, due);
CREATE INDEX ix_reviews_learner_card ON reviews (learner_id, card_id, id);
CREATE INDEX ix_reviews_learner_day ON reviews (learner_id, day);
COMMIT;
