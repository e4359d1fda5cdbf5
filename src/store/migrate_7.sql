-- Schema version 7 (an SLA report that does not grow with the history):
-- * each ticket keeps its first response time in contractual minutes of the
--   clock it ran on, written with its other SLA figures, so `sla report`
--   reads counts and medians from one index instead of the ticket rows and
--   a calendar walk per ticket;
-- * the compliance index covers it;
-- * the stored basis is forgotten, so the next open recomputes every
--   ticket's figures (once) and fills the new column.
ALTER TABLE tickets ADD COLUMN response_minutes INTEGER;

DROP INDEX tickets_sla_compliance;
CREATE INDEX tickets_sla_compliance ON tickets(clock_priority, opened, response_met, breach_at, response_due, response_minutes);

DELETE FROM store_meta WHERE key = 'sla_basis';
