-- The compaction's choice of notes made once, and taken as a range: the notes table is written by every
-- import batch and, on a database with autovacuum off (PGlite has none) or not yet analyzed,
-- has no statistics. The planner then took it for one row and joined the notes to the chosen
-- quarter-hours by a nested loop that ran the choice (a sort of every note) again for each note:
-- after a 1,000,000-record import (752,000 notes) one round of 20 quarter-hours took 63 s, and
-- the compaction did not end in 19 minutes. Now the choice is made once and the notes taken are
-- a range up to its last quarter-hour.
CREATE OR REPLACE FUNCTION call_rollups_compact(most integer) RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
  account text;
  quarters timestamptz[];
  undated boolean;
  rollup text;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('call_rollups_compact'));
  SELECT i.account_id INTO account FROM call_rollup_invalidations i ORDER BY i.id LIMIT 1;
  IF account IS NULL THEN RETURN 0; END IF;
  -- The notes chosen are those of the account's `most` oldest distinct quarter-hours, so they are
  -- every note up to the last of them: a range, read in one pass whatever the plan (the statement
  -- sees one snapshot, so a note written meanwhile is not taken without being recomputed).
  WITH first AS MATERIALIZED (
    SELECT max(f.quarter) AS last FROM (
      SELECT DISTINCT COALESCE(i.quarter, '-infinity') AS quarter FROM call_rollup_invalidations i
       WHERE i.account_id = account ORDER BY 1 LIMIT most) f),
  taken AS (
    DELETE FROM call_rollup_invalidations i USING first f
     WHERE i.account_id = account AND COALESCE(i.quarter, '-infinity') <= f.last RETURNING i.quarter)
  SELECT array_agg(DISTINCT t.quarter) INTO quarters FROM taken t;
  undated := array_position(quarters, NULL) IS NOT NULL;
  FOREACH rollup IN ARRAY ARRAY['call_quarter_totals', 'call_quarter_dids', 'call_quarter_rollups', 'call_quarter_durations'] LOOP
    EXECUTE format('DELETE FROM %I r WHERE r.account_id = $1 AND (r.quarter = ANY($2) OR ($3 AND r.quarter IS NULL))', rollup)
      USING account, quarters, undated;
  END LOOP;
  WITH g AS MATERIALIZED (
    SELECT g.* FROM unnest(quarters) q(quarter) CROSS JOIN LATERAL call_quarter_groups(account, q.quarter) g),
  totals AS (
    INSERT INTO call_quarter_totals (account_id, quarter, is_leg, calls, attempted, answered, reached, conversation_calls, conversation_seconds, billable_seconds)
    SELECT g.account_id, g.quarter, g.is_leg, sum(g.calls), sum(g.attempted), sum(g.answered), sum(g.reached), sum(g.conversation_calls),
           sum(g.conversation_seconds), sum(g.billable_seconds)
      FROM g GROUP BY 1, 2, 3),
  dids AS (
    INSERT INTO call_quarter_dids (account_id, quarter, is_leg, did_number, calls, attempted, answered, reached, conversation_calls, conversation_seconds, billable_seconds)
    SELECT g.account_id, g.quarter, g.is_leg, g.did_number, sum(g.calls), sum(g.attempted), sum(g.answered), sum(g.reached), sum(g.conversation_calls),
           sum(g.conversation_seconds), sum(g.billable_seconds)
      FROM g GROUP BY 1, 2, 3, 4),
  rollups AS (
    INSERT INTO call_quarter_rollups (account_id, quarter, is_leg, source, status, direction, hangup_disposition, answered_by, currency, did_number,
                                      calls, attempted, answered, reached, conversation_calls, conversation_seconds, billable_seconds, priced_calls, price)
    SELECT g.account_id, g.quarter, g.is_leg, g.source, g.status, g.direction, g.hangup_disposition, g.answered_by, g.currency, g.did_number,
           sum(g.calls), sum(g.attempted), sum(g.answered), sum(g.reached), sum(g.conversation_calls), sum(g.conversation_seconds),
           sum(g.billable_seconds), sum(g.priced_calls), sum(g.price)
      FROM g GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10)
  INSERT INTO call_quarter_durations (account_id, quarter, is_leg, source, status, direction, hangup_disposition, answered_by, currency, did_number, edge, calls)
  SELECT g.account_id, g.quarter, g.is_leg, g.source, g.status, g.direction, g.hangup_disposition, g.answered_by, g.currency, g.did_number, g.edge, g.calls
    FROM g WHERE g.edge IS NOT NULL;
  RETURN cardinality(quarters);
END
$fn$;
