-- Schema version 9: each technician's own saved queue views (a name for a
-- view, sort, search and filter), cycled with the built-in ones.
CREATE TABLE saved_views (
  id             INTEGER PRIMARY KEY,
  technician_id  INTEGER NOT NULL REFERENCES technicians(id),
  name           TEXT NOT NULL,
  view           TEXT NOT NULL,
  sort           TEXT NOT NULL,
  descending     INTEGER NOT NULL CHECK (descending IN (0, 1)),
  search         TEXT,
  filter         TEXT NOT NULL DEFAULT '',
  UNIQUE (technician_id, name)
);
