-- Schema version 3: one SLA truth.
-- The priority the response clock runs on: a priority change after the first
-- response does not move a met (or breached) response.
ALTER TABLE tickets ADD COLUMN clock_priority INTEGER CHECK (clock_priority BETWEEN 1 AND 5);
-- Written by the store from the SLA engine in the same transaction as the
-- deadlines, so SQL filters by state without a second copy of the rule:
-- while the clock runs, from when it needs attention (warning or breach) and
-- from when it is breached (NULL while a pause that began before the due time
-- holds it); once it stopped, whether the response met its due time.
ALTER TABLE tickets ADD COLUMN attention_at INTEGER;
ALTER TABLE tickets ADD COLUMN breach_at INTEGER;
ALTER TABLE tickets ADD COLUMN response_met INTEGER CHECK (response_met IN (0, 1));
UPDATE tickets SET clock_priority = priority;
-- `sla check` and "Breaching soon".
CREATE INDEX tickets_attention ON tickets(attention_at, id) WHERE attention_at IS NOT NULL;
CREATE INDEX tickets_breach ON tickets(breach_at, id) WHERE breach_at IS NOT NULL;
-- The compliance chart and `sla report` count from this index alone, per
-- the priority each clock ran on.
DROP INDEX tickets_sla_chart;
CREATE INDEX tickets_sla_compliance ON tickets(clock_priority, opened, response_met, breach_at, response_due);
-- What the stored deadlines were computed with (the calendar and SLA table):
-- empty here, so the first open with a config recomputes every ticket.
CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO store_meta (key, value) VALUES ('sla_basis', '');
