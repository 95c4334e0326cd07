-- Schema version 10: how many days each site's recorder keeps its footage, so an incident lookup can say when
-- the footage will be overwritten. One column with a default; no row changes.
ALTER TABLE site ADD COLUMN recorder_retention_days INTEGER NOT NULL DEFAULT 30  -- days the site's recorder
  -- (NVR/DVR) keeps footage before overwriting it (since version 10)
  CHECK (recorder_retention_days BETWEEN 1 AND 3650);
