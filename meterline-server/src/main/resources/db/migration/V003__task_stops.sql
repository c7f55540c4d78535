-- One counter, raised by every transaction that stops a task. Servers sharing the database poll
-- it (one row, once a second) and drop their cached tasks when it moves, so a running task can
-- stay cached instead of being read again for every request it signs.
CREATE TABLE task_stops (
  id    INTEGER PRIMARY KEY,
  count BIGINT NOT NULL
);
INSERT INTO task_stops (id, count) VALUES (1, 0);
