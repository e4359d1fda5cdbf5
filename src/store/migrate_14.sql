-- Schema version 14: invoices and pages by mail.
-- A company's billing address (besides its contacts who view invoices) and
-- a technician's pager address (an SMS gateway takes mail).
ALTER TABLE companies ADD COLUMN billing_email TEXT NOT NULL DEFAULT '';
ALTER TABLE technicians ADD COLUMN pager_email TEXT NOT NULL DEFAULT '';

-- An invoice's mail carries an HTML part and the PDF, made when queued, so
-- what is sent is what was meant, however the invoice changes later.
ALTER TABLE mail_outbox ADD COLUMN html TEXT;
ALTER TABLE mail_outbox ADD COLUMN attachment_name TEXT;
ALTER TABLE mail_outbox ADD COLUMN attachment BLOB;
CREATE INDEX mail_outbox_invoice ON mail_outbox(invoice_id) WHERE invoice_id IS NOT NULL;

-- Pages to the on-call: one row per technician paged about a ticket. The
-- first (level 0) goes to the technician on call; when nobody acknowledges
-- it within mail.escalate_minutes, the next in the rotation gets level 1.
CREATE TABLE pages (
  id            INTEGER PRIMARY KEY,
  ticket_id     INTEGER NOT NULL REFERENCES tickets(id),
  reason        TEXT NOT NULL CHECK (reason IN ('new','warning')),
  level         INTEGER NOT NULL,
  login         TEXT NOT NULL,
  address       TEXT NOT NULL DEFAULT '',   -- '' when the technician has no pager address
  outbox_id     INTEGER REFERENCES mail_outbox(id),
  created       INTEGER NOT NULL,
  acknowledged  INTEGER,
  acknowledged_by INTEGER REFERENCES technicians(id),
  escalated     INTEGER,                    -- when the next level was paged
  UNIQUE (ticket_id, reason, level)
);
CREATE INDEX pages_open ON pages(created) WHERE acknowledged IS NULL AND escalated IS NULL;

-- Running response clocks by the time they reach warning (the pager's scan).
CREATE INDEX tickets_warning ON tickets(warning_at)
  WHERE first_response IS NULL AND resolved IS NULL AND response_due IS NOT NULL;
