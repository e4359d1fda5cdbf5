-- Schema version 15: the After hours view has an index of its own.
-- The view is the After Hours board plus every unanswered response clock
-- of a round-the-clock priority; which priorities count through the night
-- is a setting, so the index holds every open ticket that could belong
-- (the board, or any unanswered clock) and the view's query repeats this
-- condition word for word so that the planner may read it. Ordered by
-- priority then ID, it answers the view's priority sort from either end.
CREATE INDEX tickets_after_hours ON tickets(priority, id)
  WHERE status NOT IN ('Resolved','Closed')
    AND (board = 'After Hours' OR (first_response IS NULL AND response_due IS NOT NULL));

-- Search as you type asks for the word being typed as a prefix at every
-- key. FTS5 answers a prefix from an index of its own (one doclist, read
-- newest first as far as the page needs) only for the lengths named in
-- prefix=; any other prefix merges the whole doclist of every word it
-- starts before its first row: "this"* cost 42 ms at a million tickets
-- with prefix='2 3', under 1 ms with a prefix index of four letters. Both
-- search tables are built again with prefixes up to eight letters: past
-- that a prefix starts few words, and rarer ones ("scheduled"* 15 ms where
-- "confirm"* cost 48 ms with six). At a million tickets this step takes
-- about 45 s once, and the index grows by 270 MB. The triggers go while
-- the tables are swapped and come back from migrate_13_triggers.sql,
-- appended to this step by migrate.rs.
DROP TRIGGER search_ticket_insert;
DROP TRIGGER search_ticket_update;
DROP TRIGGER search_ticket_delete;
DROP TRIGGER search_note_insert;
DROP TRIGGER search_note_update;
DROP TRIGGER search_note_delete;
CREATE VIRTUAL TABLE ticket_fts_15 USING fts5(summary, description, notes, prefix='2 3 4 5 6 7 8', tokenize='unicode61');
INSERT INTO ticket_fts_15 (rowid, summary, description, notes) SELECT rowid, summary, description, notes FROM ticket_fts;
DROP TABLE ticket_fts;
ALTER TABLE ticket_fts_15 RENAME TO ticket_fts;
CREATE VIRTUAL TABLE note_fts_15 USING fts5(notes, prefix='2 3 4 5 6 7 8', tokenize='unicode61');
INSERT INTO note_fts_15 (rowid, notes) SELECT rowid, notes FROM note_fts;
DROP TABLE note_fts;
ALTER TABLE note_fts_15 RENAME TO note_fts;
