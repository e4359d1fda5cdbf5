-- Schema version 13 (a note appends to the search index at a bounded
-- cost). Until 12 a ticket's whole notes text lived in its one ticket_fts
-- row, and FTS5 has no append: each new note tokenized every older note
-- again (12-20 ms on a ticket of 2,000 notes). Now the row keeps only the
-- notes written since its last seal; once that text passes 8 KiB it is
-- sealed, with the new note, into a row of its own in note_fts (rowid =
-- search_chunks.id), and the ticket's row starts again empty. A note costs
-- at most 8 KiB of tokenizing, however long the ticket. Search (see
-- store/search.rs) still matches all its words across the whole ticket:
-- one MATCH over ticket_fts as before, and, for the few tickets with
-- sealed notes, one MATCH a word over note_fts, which also holds each such
-- ticket's head row (search_chunks.last_note NULL): its summary,
-- description and latest notes, the same text as its ticket_fts row. A
-- word looked up in ticket_fts row by row would cost a prefix merge over
-- the whole index each time.
CREATE VIRTUAL TABLE note_fts USING fts5(notes, prefix='2 3', tokenize='unicode61');

-- The rows of note_fts: a ticket's sealed notes, last_note the id of the
-- newest note each holds, and its head row (last_note NULL).
CREATE TABLE search_chunks (
    id INTEGER PRIMARY KEY,
    ticket_id INTEGER NOT NULL,
    last_note INTEGER
);
CREATE INDEX search_chunks_ticket ON search_chunks(ticket_id);

DROP TRIGGER search_ticket_insert;
DROP TRIGGER search_ticket_update;
DROP TRIGGER search_ticket_delete;
DROP TRIGGER search_note_insert;
DROP TRIGGER search_note_update;
DROP TRIGGER search_note_delete;
