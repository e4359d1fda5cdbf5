-- pimdesk store, schema version 1. Times are UTC unix seconds; dates are
-- 'YYYY-MM-DD' in the calendar's zone; money is integer cents.

CREATE TABLE companies (
  id        INTEGER PRIMARY KEY,
  key       TEXT NOT NULL UNIQUE,
  name      TEXT NOT NULL UNIQUE,
  industry  TEXT NOT NULL DEFAULT '',
  city      TEXT NOT NULL DEFAULT '',
  phone     TEXT NOT NULL DEFAULT ''
);

CREATE TABLE contacts (
  id              INTEGER PRIMARY KEY,
  key             TEXT NOT NULL UNIQUE,
  company_id      INTEGER NOT NULL REFERENCES companies(id),
  name            TEXT NOT NULL,
  email           TEXT NOT NULL DEFAULT '',
  phone           TEXT NOT NULL DEFAULT '',
  title           TEXT NOT NULL DEFAULT '',
  security_level  TEXT NOT NULL CHECK (security_level IN ('submitter','viewer','company_viewer','billing','manager','admin'))
);
CREATE INDEX contacts_company ON contacts(company_id, name);

CREATE TABLE technicians (
  id       INTEGER PRIMARY KEY,
  key      TEXT NOT NULL UNIQUE,
  login    TEXT NOT NULL UNIQUE,
  name     TEXT NOT NULL,
  role     TEXT NOT NULL CHECK (role IN ('technician','dispatcher','finance','admin')),
  phone    TEXT NOT NULL DEFAULT '',
  email    TEXT NOT NULL DEFAULT '',
  oncall   INTEGER NOT NULL DEFAULT 0  -- takes part in the after-hours rotation
);

CREATE TABLE agreements (
  id                       INTEGER PRIMARY KEY,
  key                      TEXT NOT NULL UNIQUE,
  company_id               INTEGER NOT NULL REFERENCES companies(id),
  product                  TEXT NOT NULL CHECK (product IN ('SMS','FITS','VM','COLO','ECHO','ENTERPRISE_EMAIL','PREPAID_LABOR')),
  executed                 TEXT NOT NULL,
  project_completed        TEXT,
  ended                    TEXT,
  onboarding_fee_cents     INTEGER NOT NULL CHECK (onboarding_fee_cents >= 0),
  monthly_cents            INTEGER NOT NULL CHECK (monthly_cents >= 0),
  project_fee_cents        INTEGER NOT NULL CHECK (project_fee_cents >= 0),
  labor_rate_cents         INTEGER NOT NULL CHECK (labor_rate_cents >= 0),
  prepaid_hours_per_month  INTEGER NOT NULL CHECK (prepaid_hours_per_month >= 0)
);
CREATE INDEX agreements_company ON agreements(company_id);

CREATE TABLE tickets (
  id              INTEGER PRIMARY KEY,
  key             TEXT UNIQUE,
  company_id      INTEGER NOT NULL REFERENCES companies(id),
  contact_id      INTEGER REFERENCES contacts(id),
  summary         TEXT NOT NULL,
  description     TEXT NOT NULL DEFAULT '',
  priority        INTEGER NOT NULL CHECK (priority BETWEEN 1 AND 5),
  status          TEXT NOT NULL CHECK (status IN ('New','In Progress','Waiting on Client','Scheduled','Resolved','Closed')),
  board           TEXT NOT NULL,
  source          TEXT NOT NULL,
  assignee_id     INTEGER REFERENCES technicians(id),
  opened          INTEGER NOT NULL,
  first_response  INTEGER,
  resolved        INTEGER,
  scheduled       INTEGER,
  response_due    INTEGER,
  warning_at      INTEGER,
  resolve_due     INTEGER,
  paused_since    INTEGER,
  version         INTEGER NOT NULL DEFAULT 1,
  updated         INTEGER NOT NULL
);
CREATE INDEX tickets_status ON tickets(status, id);
CREATE INDEX tickets_priority ON tickets(priority, id);
CREATE INDEX tickets_company ON tickets(company_id, id);
CREATE INDEX tickets_assignee ON tickets(assignee_id, id);
CREATE INDEX tickets_opened ON tickets(opened, id);
-- the queue's "SLA due" sort: tickets without a clock last.
CREATE INDEX tickets_due_all ON tickets(coalesce(response_due, 9223372036854775807), id);
-- open tickets (not Resolved or Closed): the queue's default views read these.
CREATE INDEX tickets_open ON tickets(id) WHERE status NOT IN ('Resolved','Closed');
CREATE INDEX tickets_open_priority ON tickets(priority, id) WHERE status NOT IN ('Resolved','Closed');
CREATE INDEX tickets_open_board ON tickets(board, id) WHERE status NOT IN ('Resolved','Closed');
-- running response clocks: the SLA board and "Breaching soon" read this.
CREATE INDEX tickets_running ON tickets(response_due, id)
  WHERE first_response IS NULL AND resolved IS NULL;

CREATE TABLE ticket_pauses (
  id         INTEGER PRIMARY KEY,
  ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
  start      INTEGER NOT NULL,
  end        INTEGER
);
CREATE INDEX ticket_pauses_ticket ON ticket_pauses(ticket_id, start);

CREATE TABLE notes (
  id         INTEGER PRIMARY KEY,
  ticket_id  INTEGER NOT NULL REFERENCES tickets(id),
  author_id  INTEGER REFERENCES technicians(id),
  created    INTEGER NOT NULL,
  internal   INTEGER NOT NULL,
  body       TEXT NOT NULL
);
CREATE INDEX notes_ticket ON notes(ticket_id, created);

CREATE TABLE time_entries (
  id             INTEGER PRIMARY KEY,
  ticket_id      INTEGER NOT NULL REFERENCES tickets(id),
  technician_id  INTEGER REFERENCES technicians(id),
  start          INTEGER NOT NULL,
  minutes        INTEGER NOT NULL CHECK (minutes > 0),
  billable       INTEGER NOT NULL,
  note           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX time_entries_ticket ON time_entries(ticket_id, start);

CREATE TABLE audit (
  id         INTEGER PRIMARY KEY,
  entity     TEXT NOT NULL,          -- 'ticket', 'contact', 'invoice', ...
  entity_id  INTEGER NOT NULL,
  who_id     INTEGER REFERENCES technicians(id),
  at         INTEGER NOT NULL,
  field      TEXT NOT NULL,
  old        TEXT,
  new        TEXT
);
CREATE INDEX audit_entity ON audit(entity, entity_id, at);

CREATE TABLE invoices (
  id           INTEGER PRIMARY KEY,
  number       TEXT NOT NULL UNIQUE,
  company_id   INTEGER NOT NULL REFERENCES companies(id),
  date         TEXT NOT NULL,
  due          TEXT NOT NULL,
  total_cents  INTEGER NOT NULL CHECK (total_cents >= 0),
  void_reason  TEXT,
  created      INTEGER NOT NULL
);
CREATE INDEX invoices_company ON invoices(company_id, date);

CREATE TABLE invoice_lines (
  id            INTEGER PRIMARY KEY,
  invoice_id    INTEGER NOT NULL REFERENCES invoices(id),
  kind          TEXT NOT NULL CHECK (kind IN ('onboarding','recurring','project','labor','prepaid_labor')),
  description   TEXT NOT NULL,
  ticket_id     INTEGER REFERENCES tickets(id),
  minutes       INTEGER NOT NULL DEFAULT 0,
  unit_cents    INTEGER NOT NULL DEFAULT 0,
  amount_cents  INTEGER NOT NULL CHECK (amount_cents >= 0),
  period_start  TEXT,
  period_end    TEXT
);
CREATE INDEX invoice_lines_invoice ON invoice_lines(invoice_id);

-- every billed item remembers its line, so no run bills it twice.
CREATE TABLE billed_items (
  item_key  TEXT PRIMARY KEY,
  line_id   INTEGER NOT NULL REFERENCES invoice_lines(id)
) WITHOUT ROWID;

CREATE TABLE payments (
  id            INTEGER PRIMARY KEY,
  invoice_id    INTEGER NOT NULL REFERENCES invoices(id),
  amount_cents  INTEGER NOT NULL CHECK (amount_cents > 0),
  method        TEXT NOT NULL CHECK (method IN ('check','ach','billcom','paypal','card')),
  date          TEXT NOT NULL,
  reference     TEXT NOT NULL DEFAULT '',
  recorded_by   INTEGER REFERENCES technicians(id),
  created       INTEGER NOT NULL
);
CREATE INDEX payments_invoice ON payments(invoice_id);

-- unsaved editor text, kept so a dropped session loses nothing.
CREATE TABLE drafts (
  id             INTEGER PRIMARY KEY,
  technician_id  INTEGER NOT NULL REFERENCES technicians(id),
  ticket_id      INTEGER REFERENCES tickets(id),
  base_version   INTEGER,
  body           TEXT NOT NULL,          -- JSON of the editor's fields
  updated        INTEGER NOT NULL
);
CREATE UNIQUE INDEX drafts_owner ON drafts(technician_id, ifnull(ticket_id, 0));

CREATE TABLE onboarding_items (
  id          INTEGER PRIMARY KEY,
  company_id  INTEGER NOT NULL REFERENCES companies(id),
  position    INTEGER NOT NULL,
  item        TEXT NOT NULL,
  status      TEXT NOT NULL CHECK (status IN ('pending','in progress','done','n/a')),
  date        TEXT,
  who_id      INTEGER REFERENCES technicians(id),
  note        TEXT NOT NULL DEFAULT '',
  UNIQUE (company_id, position)
);

-- full-text index over summary, description and notes; rowid = ticket id.
CREATE VIRTUAL TABLE ticket_fts USING fts5(summary, description, notes, prefix='2 3', tokenize='unicode61');
