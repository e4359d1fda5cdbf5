-- Schema version 4 (billing):
-- * contract labor gets a line kind of its own (`contract_labor`), so it is
--   never merged with non-contract labor (`labor`) at the same rate;
-- * every billed item remembers its minutes, so prepaid hours already drawn
--   are known exactly when an entry is logged late.
-- SQLite cannot change a CHECK in place: both tables are rebuilt, the child
-- first, so no foreign key ever points at a dropped table.
CREATE TABLE invoice_lines_v4 (
  id            INTEGER PRIMARY KEY,
  invoice_id    INTEGER NOT NULL REFERENCES invoices(id),
  kind          TEXT NOT NULL CHECK (kind IN ('onboarding','recurring','project','labor','contract_labor','prepaid_labor')),
  description   TEXT NOT NULL,
  ticket_id     INTEGER REFERENCES tickets(id),
  minutes       INTEGER NOT NULL DEFAULT 0,
  unit_cents    INTEGER NOT NULL DEFAULT 0,
  amount_cents  INTEGER NOT NULL CHECK (amount_cents >= 0),
  period_start  TEXT,
  period_end    TEXT
);
INSERT INTO invoice_lines_v4 (id, invoice_id, kind, description, ticket_id, minutes, unit_cents, amount_cents, period_start, period_end)
  SELECT id, invoice_id, kind, description, ticket_id, minutes, unit_cents, amount_cents, period_start, period_end FROM invoice_lines;

-- minutes: what the item billed (labor and prepaid draws); NULL for fees and
-- monthly charges, and for draws billed before version 4 that cannot be
-- recovered from their line.
CREATE TABLE billed_items_v4 (
  item_key  TEXT PRIMARY KEY,
  line_id   INTEGER NOT NULL REFERENCES invoice_lines_v4(id),
  minutes   INTEGER CHECK (minutes >= 0)
) WITHOUT ROWID;
INSERT INTO billed_items_v4 (item_key, line_id) SELECT item_key, line_id FROM billed_items;

DROP TABLE billed_items;
DROP TABLE invoice_lines;
ALTER TABLE invoice_lines_v4 RENAME TO invoice_lines;
ALTER TABLE billed_items_v4 RENAME TO billed_items;
CREATE INDEX invoice_lines_invoice ON invoice_lines(invoice_id);

-- Draws billed before version 4: a prepaid line of one item drew its minutes;
-- an entry whose labor was not billed drew all of it.
UPDATE billed_items SET minutes = (SELECT l.minutes FROM invoice_lines l WHERE l.id = billed_items.line_id)
 WHERE item_key LIKE 'prepaid_labor:%'
   AND (SELECT count(*) FROM billed_items b WHERE b.line_id = billed_items.line_id) = 1;
UPDATE billed_items SET minutes = (SELECT te.minutes FROM time_entries te WHERE te.id = CAST(substr(billed_items.item_key, 15) AS INTEGER))
 WHERE item_key LIKE 'prepaid_labor:%' AND minutes IS NULL
   AND NOT EXISTS (SELECT 1 FROM billed_items b WHERE b.item_key = 'labor:' || substr(billed_items.item_key, 15));
