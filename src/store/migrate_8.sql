-- Schema version 8 (every sort, either direction, as fast as the first):
-- the open tickets are a few percent of a long history, so a queue sorted
-- by a column whose index also holds every closed ticket walked past
-- hundreds of thousands of them from one end (SLA due soonest first, age
-- oldest first, status, summary). Each sort of the open views gets an index
-- over the open tickets alone, in the order it shows, so either end of it,
-- and any keyset page between, is a short range read. The WHERE clause is
-- the queue's own condition, word for word, so the planner matches it.
--
-- The "SLA due" sort puts running response clocks soonest first and those
-- that have had their first response last (by ID), for the whole table too.
DROP INDEX tickets_due_all;
CREATE INDEX tickets_due_all ON tickets(CASE WHEN first_response IS NULL THEN coalesce(response_due, 9223372036854775807) ELSE 9223372036854775807 END, id);
CREATE INDEX tickets_open_due ON tickets(CASE WHEN first_response IS NULL THEN coalesce(response_due, 9223372036854775807) ELSE 9223372036854775807 END, id) WHERE status NOT IN ('Resolved','Closed');
CREATE INDEX tickets_open_opened ON tickets(opened, id) WHERE status NOT IN ('Resolved','Closed');
CREATE INDEX tickets_open_status ON tickets(status, id) WHERE status NOT IN ('Resolved','Closed');
CREATE INDEX tickets_open_summary ON tickets(summary, id) WHERE status NOT IN ('Resolved','Closed');
CREATE INDEX tickets_open_company ON tickets(company_id, id) WHERE status NOT IN ('Resolved','Closed');
CREATE INDEX tickets_open_assignee ON tickets(assignee_id, id) WHERE status NOT IN ('Resolved','Closed');
