-- Schema version 5 (the technician's first hour):
-- * a running timer is a row, so it survives `q`, a crash and a hang-up and
--   shows on the technician's other consoles; one per technician;
-- * a payment recorded in error is voided, not deleted: it stays in the
--   history with when, why and by whom, and stops counting toward the balance.
CREATE TABLE timers (
  technician_id  INTEGER PRIMARY KEY REFERENCES technicians(id),
  ticket_id      INTEGER NOT NULL REFERENCES tickets(id),
  started        INTEGER NOT NULL
);

ALTER TABLE payments ADD COLUMN voided INTEGER;
ALTER TABLE payments ADD COLUMN void_reason TEXT;
ALTER TABLE payments ADD COLUMN voided_by INTEGER REFERENCES technicians(id);
