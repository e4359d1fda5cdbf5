-- The search index's triggers since schema 13 (migrate_13.sql says why
-- notes are sealed into chunks). `doctor --rebuild-search` writes them
-- again from this file. The notes are joined in id order by an ordered
-- subquery, not by group_concat(... ORDER BY), which SQLite before 3.44
-- cannot parse: a trigger it cannot parse would make the whole store
-- unreadable to an older sqlite3 shell.
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
  UPDATE note_fts SET notes = coalesce(new.summary, '') || ' ' || coalesce(new.description, '') || ' ' || (SELECT notes FROM ticket_fts WHERE rowid = new.id)
   WHERE rowid = (SELECT id FROM search_chunks WHERE ticket_id = new.id AND last_note IS NULL);
END;

CREATE TRIGGER search_ticket_delete AFTER DELETE ON tickets
BEGIN
  DELETE FROM ticket_fts WHERE rowid = old.id;
  DELETE FROM note_fts WHERE rowid IN (SELECT id FROM search_chunks WHERE ticket_id = old.id);
  DELETE FROM search_chunks WHERE ticket_id = old.id;
END;

-- A new note. When the ticket's notes text is long, that text and the
-- note are sealed into a chunk, the ticket gets a head row if it has none,
-- and the ticket's row starts again; the last statement of the seal
-- empties the row, the seal's own test. Otherwise (no chunk ends with
-- this note) the note is appended to the ticket's row and to its head row.
CREATE TRIGGER search_note_insert AFTER INSERT ON notes
BEGIN
  INSERT INTO search_chunks (ticket_id, last_note)
    SELECT new.ticket_id, new.id FROM ticket_fts WHERE rowid = new.ticket_id AND length(notes) >= 8192;
  INSERT INTO note_fts (rowid, notes)
    SELECT (SELECT id FROM search_chunks WHERE ticket_id = new.ticket_id AND last_note = new.id), notes || ' ' || new.body
      FROM ticket_fts WHERE rowid = new.ticket_id AND length(notes) >= 8192;
  INSERT INTO search_chunks (ticket_id, last_note)
    SELECT new.ticket_id, NULL FROM ticket_fts WHERE rowid = new.ticket_id AND length(notes) >= 8192
       AND NOT EXISTS (SELECT 1 FROM search_chunks WHERE ticket_id = new.ticket_id AND last_note IS NULL);
  DELETE FROM note_fts
   WHERE rowid = (SELECT id FROM search_chunks WHERE ticket_id = new.ticket_id AND last_note IS NULL)
     AND EXISTS (SELECT 1 FROM search_chunks WHERE ticket_id = new.ticket_id AND last_note = new.id);
  INSERT INTO note_fts (rowid, notes)
    SELECT (SELECT id FROM search_chunks WHERE ticket_id = new.ticket_id AND last_note IS NULL), coalesce(summary, '') || ' ' || coalesce(description, '')
      FROM ticket_fts WHERE rowid = new.ticket_id AND length(notes) >= 8192;
  UPDATE ticket_fts SET notes = '' WHERE rowid = new.ticket_id AND length(notes) >= 8192;

  UPDATE ticket_fts SET notes = notes || ' ' || new.body
   WHERE rowid = new.ticket_id
     AND NOT EXISTS (SELECT 1 FROM search_chunks WHERE ticket_id = new.ticket_id AND last_note = new.id);
  UPDATE note_fts SET notes = notes || ' ' || new.body
   WHERE rowid = (SELECT id FROM search_chunks WHERE ticket_id = new.ticket_id AND last_note IS NULL)
     AND NOT EXISTS (SELECT 1 FROM search_chunks WHERE ticket_id = new.ticket_id AND last_note = new.id);
END;

-- A changed or removed note: the ticket's chunks and head row go and its
-- row holds all its notes again (old and new ticket, should a note ever move); the next
-- note seals them.
CREATE TRIGGER search_note_update AFTER UPDATE OF body, ticket_id ON notes
  WHEN new.body IS NOT old.body OR new.ticket_id IS NOT old.ticket_id
BEGIN
  DELETE FROM note_fts WHERE rowid IN (SELECT id FROM search_chunks WHERE ticket_id IN (new.ticket_id, old.ticket_id));
  DELETE FROM search_chunks WHERE ticket_id IN (new.ticket_id, old.ticket_id);
  UPDATE ticket_fts
     SET notes = coalesce((SELECT group_concat(' ' || body, '') FROM (SELECT body FROM notes WHERE ticket_id = new.ticket_id ORDER BY id)), '')
   WHERE rowid = new.ticket_id;
  UPDATE ticket_fts
     SET notes = coalesce((SELECT group_concat(' ' || body, '') FROM (SELECT body FROM notes WHERE ticket_id = old.ticket_id ORDER BY id)), '')
   WHERE rowid = old.ticket_id AND old.ticket_id IS NOT new.ticket_id;
END;

CREATE TRIGGER search_note_delete AFTER DELETE ON notes
BEGIN
  DELETE FROM note_fts WHERE rowid IN (SELECT id FROM search_chunks WHERE ticket_id = old.ticket_id);
  DELETE FROM search_chunks WHERE ticket_id = old.ticket_id;
  UPDATE ticket_fts
     SET notes = coalesce((SELECT group_concat(' ' || body, '') FROM (SELECT body FROM notes WHERE ticket_id = old.ticket_id ORDER BY id)), '')
   WHERE rowid = old.ticket_id;
END;
