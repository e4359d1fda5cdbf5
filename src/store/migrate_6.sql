-- Schema version 6 (cost that does not grow with the history):
-- * each time entry counts its billed charges (its `labor:ID` and
--   `prepaid_labor:ID` rows in billed_items), kept by the database itself in
--   the transaction that bills or voids, so an invoice run reads the entries
--   still to bill through a partial index instead of every entry ever logged.
ALTER TABLE time_entries ADD COLUMN billed INTEGER NOT NULL DEFAULT 0;

UPDATE time_entries SET billed = (
  SELECT count(*) FROM billed_items b
   WHERE b.item_key IN ('labor:' || time_entries.id, 'prepaid_labor:' || time_entries.id)
);

CREATE INDEX time_entries_unbilled ON time_entries(start) WHERE billable <> 0 AND billed = 0;

CREATE TRIGGER billed_items_count_in AFTER INSERT ON billed_items
WHEN new.item_key GLOB 'labor:*' OR new.item_key GLOB 'prepaid_labor:*'
BEGIN
  UPDATE time_entries SET billed = billed + 1
   WHERE id = CAST(substr(new.item_key, instr(new.item_key, ':') + 1) AS INTEGER);
END;

CREATE TRIGGER billed_items_count_out AFTER DELETE ON billed_items
WHEN old.item_key GLOB 'labor:*' OR old.item_key GLOB 'prepaid_labor:*'
BEGIN
  UPDATE time_entries SET billed = billed - 1
   WHERE id = CAST(substr(old.item_key, instr(old.item_key, ':') + 1) AS INTEGER);
END;

CREATE TRIGGER billed_items_count_moved AFTER UPDATE OF item_key ON billed_items
BEGIN
  UPDATE time_entries SET billed = billed - 1
   WHERE (old.item_key GLOB 'labor:*' OR old.item_key GLOB 'prepaid_labor:*')
     AND id = CAST(substr(old.item_key, instr(old.item_key, ':') + 1) AS INTEGER);
  UPDATE time_entries SET billed = billed + 1
   WHERE (new.item_key GLOB 'labor:*' OR new.item_key GLOB 'prepaid_labor:*')
     AND id = CAST(substr(new.item_key, instr(new.item_key, ':') + 1) AS INTEGER);
END;
