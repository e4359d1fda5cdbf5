-- Schema version 10 (the SLA tab without a scan). The board's title counts
-- its clocks, and the chart its breached open clocks, from an index of the
-- running clocks alone that holds every column they ask (no ticket row is
-- read). The 30-day compliance chart reads a summary the database keeps per
-- opened day and priority — tickets with a response clock, met, missed —
-- instead of every ticket of the month; the open clocks that have breached
-- are counted live, since that changes with the time, not with a write.
CREATE INDEX tickets_running_clocks ON tickets(clock_priority, breach_at, opened, priority, paused_since)
  WHERE first_response IS NULL AND resolved IS NULL AND response_due IS NOT NULL;

CREATE TABLE sla_days (
  day            INTEGER NOT NULL,   -- opened / 86400 (UTC days)
  clock_priority INTEGER NOT NULL,
  tickets        INTEGER NOT NULL,
  met            INTEGER NOT NULL,
  missed         INTEGER NOT NULL,
  PRIMARY KEY (day, clock_priority)
) WITHOUT ROWID;

INSERT INTO sla_days (day, clock_priority, tickets, met, missed)
  SELECT opened / 86400, clock_priority, count(*), sum(response_met IS 1), sum(response_met IS 0)
  FROM tickets WHERE clock_priority BETWEEN 1 AND 5 AND response_due IS NOT NULL
  GROUP BY 1, 2;

CREATE TRIGGER sla_days_insert AFTER INSERT ON tickets
  WHEN new.clock_priority BETWEEN 1 AND 5 AND new.response_due IS NOT NULL
BEGIN
  INSERT INTO sla_days (day, clock_priority, tickets, met, missed)
    VALUES (new.opened / 86400, new.clock_priority, 1, new.response_met IS 1, new.response_met IS 0)
    ON CONFLICT (day, clock_priority) DO UPDATE
      SET tickets = tickets + 1, met = met + excluded.met, missed = missed + excluded.missed;
END;

CREATE TRIGGER sla_days_delete AFTER DELETE ON tickets
  WHEN old.clock_priority BETWEEN 1 AND 5 AND old.response_due IS NOT NULL
BEGIN
  UPDATE sla_days SET tickets = tickets - 1, met = met - (old.response_met IS 1), missed = missed - (old.response_met IS 0)
    WHERE day = old.opened / 86400 AND clock_priority = old.clock_priority;
END;

CREATE TRIGGER sla_days_update AFTER UPDATE OF opened, clock_priority, response_due, response_met ON tickets
BEGIN
  UPDATE sla_days SET tickets = tickets - 1, met = met - (old.response_met IS 1), missed = missed - (old.response_met IS 0)
    WHERE day = old.opened / 86400 AND clock_priority = old.clock_priority
      AND old.clock_priority BETWEEN 1 AND 5 AND old.response_due IS NOT NULL;
  INSERT INTO sla_days (day, clock_priority, tickets, met, missed)
    SELECT new.opened / 86400, new.clock_priority, 1, new.response_met IS 1, new.response_met IS 0
    WHERE new.clock_priority BETWEEN 1 AND 5 AND new.response_due IS NOT NULL
    ON CONFLICT (day, clock_priority) DO UPDATE
      SET tickets = tickets + 1, met = met + excluded.met, missed = missed + excluded.missed;
END;
