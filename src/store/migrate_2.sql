-- Schema version 2: the SLA tab's 30-day compliance chart reads only this
-- index (priority first, so each priority's tickets come grouped).
CREATE INDEX tickets_sla_chart ON tickets(priority, opened, response_due, first_response, resolved);
-- The queue's summary sort.
CREATE INDEX tickets_summary ON tickets(summary, id);
