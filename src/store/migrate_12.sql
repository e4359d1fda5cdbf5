-- Schema version 12 (search kept by the database). The full-text row of a
-- ticket (ticket_fts: rowid = ticket id; summary, description, and the
-- bodies of its notes in the order written, each after a space) follows
-- every write of the ticket and its notes through these triggers, whatever
-- writes them: the console, a command, an import, mail, or another program.
-- A big write that only adds tickets and notes (demo, import: store/bulk.rs)
-- sets them aside and catches the index up in one pass at its end, in the
-- same transaction; `doctor --rebuild-search` writes them again.
--
-- The notes are joined in id order by an ordered subquery, not by
-- group_concat(... ORDER BY), which SQLite before 3.44 cannot parse: a
-- trigger it cannot parse would make the whole store unreadable to an
-- older sqlite3 shell.
--
-- A note is appended to the row's notes text. FTS5 has no append: the
-- UPDATE tokenizes the whole row again, old notes and all (a few ms on a
-- ticket of 2,000 notes: store/search_index/cost.rs). One index row per
-- note would tokenize only the note, but a search matches all its words
-- across a whole ticket and ranks whole tickets by bm25, which only one
-- FTS5 row per ticket gives at the speed of one MATCH.
CREATE TRIGGER search_ticket_insert AFTER INSERT ON tickets
BEGIN
  INSERT INTO ticket_fts (rowid, summary, description, notes)
    VALUES (new.id, new.summary, new.description,
            coalesce((SELECT group_concat(' ' || body, '') FROM (SELECT body FROM notes WHERE ticket_id = new.id ORDER BY id)), ''));
END;

CREATE TRIGGER search_ticket_update AFTER UPDATE OF summary, description ON tickets
  WHEN new.summary IS NOT old.summary OR new.description IS NOT old.description
BEGIN
  UPDATE ticket_fts SET summary = new.summary, description = new.description WHERE rowid = new.id;
END;

CREATE TRIGGER search_ticket_delete AFTER DELETE ON tickets
BEGIN
  DELETE FROM ticket_fts WHERE rowid = old.id;
END;

CREATE TRIGGER search_note_insert AFTER INSERT ON notes
BEGIN
  UPDATE ticket_fts SET notes = notes || ' ' || new.body WHERE rowid = new.ticket_id;
END;

-- A changed or removed note: the ticket's notes text is written again from
-- its notes (old and new ticket, should a note ever move).
CREATE TRIGGER search_note_update AFTER UPDATE OF body, ticket_id ON notes
  WHEN new.body IS NOT old.body OR new.ticket_id IS NOT old.ticket_id
BEGIN
  UPDATE ticket_fts
     SET notes = coalesce((SELECT group_concat(' ' || body, '') FROM (SELECT body FROM notes WHERE ticket_id = new.ticket_id ORDER BY id)), '')
   WHERE rowid = new.ticket_id;
  UPDATE ticket_fts
     SET notes = coalesce((SELECT group_concat(' ' || body, '') FROM (SELECT body FROM notes WHERE ticket_id = old.ticket_id ORDER BY id)), '')
   WHERE rowid = old.ticket_id AND old.ticket_id IS NOT new.ticket_id;
END;

CREATE TRIGGER search_note_delete AFTER DELETE ON notes
BEGIN
  UPDATE ticket_fts
     SET notes = coalesce((SELECT group_concat(' ' || body, '') FROM (SELECT body FROM notes WHERE ticket_id = old.ticket_id ORDER BY id)), '')
   WHERE rowid = old.ticket_id;
END;
