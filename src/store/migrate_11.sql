-- Schema version 11 (mail): what came in, what waits for a dispatcher, what
-- goes out.
-- * Every message processed is one row, its Message-ID unique, so the same
--   message delivered twice (an MTA retry, an IMAP fetch after a crash) is
--   processed once. `outcome` says what became of it; a held message keeps
--   its reason and its whole text until a dispatcher accepts or drops it.
-- * Attachments keep their bytes in the store, listed on the ticket.
-- * The outbox: a mail is a row written in the transaction of what caused
--   it (a client-visible note), its Message-ID fixed then, so nothing is lost
--   while the SMTP server is down and a resend after a crash is the same
--   message.
CREATE TABLE mail_inbound (
  id          INTEGER PRIMARY KEY,
  message_id  TEXT NOT NULL UNIQUE,
  received    INTEGER NOT NULL,
  sender      TEXT NOT NULL,            -- the From address, lower case
  sender_name TEXT NOT NULL DEFAULT '',
  subject     TEXT NOT NULL DEFAULT '',
  outcome     TEXT NOT NULL CHECK (outcome IN ('ticket','note','held','ignored','accepted','dropped')),
  reason      TEXT NOT NULL DEFAULT '', -- why it was held or ignored
  automatic   INTEGER NOT NULL DEFAULT 0 CHECK (automatic IN (0, 1)),
  contact_id  INTEGER REFERENCES contacts(id),
  ticket_id   INTEGER REFERENCES tickets(id),
  note_id     INTEGER REFERENCES notes(id),
  size        INTEGER NOT NULL,
  raw         BLOB                      -- the message as received
);
-- max_per_sender_per_hour counts from here.
CREATE INDEX mail_inbound_sender ON mail_inbound(sender, received);
CREATE INDEX mail_inbound_held ON mail_inbound(id) WHERE outcome = 'held';
CREATE INDEX mail_inbound_ticket ON mail_inbound(ticket_id) WHERE ticket_id IS NOT NULL;
CREATE INDEX mail_inbound_note ON mail_inbound(note_id) WHERE note_id IS NOT NULL;

CREATE TABLE mail_attachments (
  id            INTEGER PRIMARY KEY,
  inbound_id    INTEGER NOT NULL REFERENCES mail_inbound(id),
  ticket_id     INTEGER REFERENCES tickets(id),
  name          TEXT NOT NULL,
  content_type  TEXT NOT NULL,
  size          INTEGER NOT NULL CHECK (size >= 0),
  bytes         BLOB NOT NULL
);
CREATE INDEX mail_attachments_ticket ON mail_attachments(ticket_id, id);
CREATE INDEX mail_attachments_inbound ON mail_attachments(inbound_id);

CREATE TABLE mail_outbox (
  id            INTEGER PRIMARY KEY,
  created       INTEGER NOT NULL,
  recipient     TEXT NOT NULL,
  subject       TEXT NOT NULL,
  body          TEXT NOT NULL,
  message_id    TEXT NOT NULL UNIQUE,
  in_reply_to   TEXT,
  refs          TEXT NOT NULL DEFAULT '',  -- References: message ids, space separated
  auto_submitted TEXT,                     -- 'auto-replied' on acknowledgements
  ticket_id     INTEGER REFERENCES tickets(id),
  invoice_id    INTEGER REFERENCES invoices(id),
  note_id       INTEGER REFERENCES notes(id),
  status        TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sent','failed')),
  attempts      INTEGER NOT NULL DEFAULT 0,
  next_attempt  INTEGER NOT NULL,
  last_error    TEXT,
  sent          INTEGER
);
CREATE INDEX mail_outbox_due ON mail_outbox(next_attempt) WHERE status = 'queued';
CREATE INDEX mail_outbox_ticket ON mail_outbox(ticket_id) WHERE ticket_id IS NOT NULL;
