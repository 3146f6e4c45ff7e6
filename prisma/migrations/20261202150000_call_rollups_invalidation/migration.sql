-- Rollup upkeep as an invalidation log (issue 24): a write's trigger no longer computes rollup
-- rows; it only notes which quarter-hours of which accounts its calls (old and new versions)
-- fall in. The compaction (src/db/rollups.ts: after an import, periodically in the server, and by
-- `npm run rollups:rebuild`) recomputes the noted quarter-hours' rollup rows from the calls and
-- drops the notes it consumed. Readers stay exact meanwhile: for a noted quarter-hour they
-- aggregate the calls themselves with call_quarter_groups, the one grouping the compaction also
-- writes, and read the rollup rows for every other quarter-hour (src/db/read/statistics.ts).

-- A quarter-hour of an account whose rollup rows may be behind its calls; quarter null stands for
-- the calls without a start time. Nothing here is unique, so writers never wait on each other;
-- the compaction takes rows by id, so notes written while it runs stay for the next round.
CREATE TABLE "call_rollup_invalidations" (
    "id" BIGSERIAL NOT NULL,
    "account_id" TEXT NOT NULL,
    "quarter" TIMESTAMPTZ(3),

    CONSTRAINT "call_rollup_invalidations_pkey" PRIMARY KEY ("id")
);

-- The rollup groups of one account's calls in one quarter-hour (null: its calls without a start
-- time), at the finest grain the rollup tables need: every dimension and the conversation-time
-- histogram edge (null for calls without a conversation time). Each rollup table is a projection
-- of these rows (call_quarter_durations: the rows with an edge, `calls` being the calls in that
-- bin), and readers aggregate them for quarter-hours whose rollup rows are behind. Inlined into
-- the calling statement, so the calls are read through the (account_id, start_time) index; the
-- account key of the arm for calls without a start time is null unless that is the quarter asked,
-- so for any other quarter its index scan ends at once instead of reading every such call.
CREATE FUNCTION call_quarter_groups(of_account text, of_quarter timestamptz)
  RETURNS TABLE (account_id text, quarter timestamptz, is_leg boolean, source "CallSource", status "CallStatus",
                 direction "CallDirection", hangup_disposition "HangupDisposition", answered_by "AnsweredBy",
                 currency varchar(3), did_number text, edge integer, calls integer, attempted integer, answered integer,
                 reached integer, conversation_calls integer, conversation_seconds numeric, billable_seconds bigint,
                 priced_calls integer, price numeric)
  LANGUAGE sql STABLE AS $fn$
  SELECT c.account_id, call_quarter(c.start_time), (c.parent_id IS NOT NULL OR c.parent_external_id IS NOT NULL),
         c.source, c.status, c.direction, c.hangup_disposition, c.answered_by, c.currency, c.did_number,
         call_duration_edge(x.conversation),
         count(*)::int,
         (count(*) FILTER (WHERE call_attempted(c.status, c.start_time, c.answer_time)))::int,
         (count(*) FILTER (WHERE call_answered(c.status, c.answer_time)))::int,
         (count(*) FILTER (WHERE call_reached(c.status, c.start_time, c.answer_time)))::int,
         count(x.conversation)::int,
         COALESCE(sum(x.conversation), 0),
         COALESCE(sum(call_billable(c.status, c.answer_time, c.connect_duration, c.duration)), 0)::bigint,
         count(c.price)::int,
         COALESCE(sum(c.price), 0)
    FROM calls c CROSS JOIN LATERAL (SELECT call_conversation(c.status, c.answer_time, c.end_time, c.connect_duration) AS conversation) x
   WHERE c.account_id = of_account
     AND ((c.start_time >= of_quarter AND c.start_time < of_quarter + interval '15 minutes')
          OR (c.account_id = CASE WHEN of_quarter IS NULL THEN of_account END AND c.start_time IS NULL))
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
$fn$;

-- A write notes the distinct quarter-hours of its calls' old and new versions, nothing more.
CREATE OR REPLACE FUNCTION call_rollups_keep() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO call_rollup_invalidations (account_id, quarter) SELECT DISTINCT n.account_id, call_quarter(n.start_time) FROM new_calls n;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO call_rollup_invalidations (account_id, quarter) SELECT DISTINCT o.account_id, call_quarter(o.start_time) FROM old_calls o;
  ELSE
    INSERT INTO call_rollup_invalidations (account_id, quarter)
    SELECT DISTINCT c.account_id, call_quarter(c.start_time)
      FROM (SELECT n.account_id, n.start_time FROM new_calls n UNION ALL SELECT o.account_id, o.start_time FROM old_calls o) c;
  END IF;
  RETURN NULL;
END
$fn$;

DROP FUNCTION call_rollups_compact(interval);
DROP FUNCTION call_rollups_statement(text);

-- Recomputes the rollup rows of the account with the oldest note: of its noted quarter-hours, the
-- first `most` (calls without a start time first), from the calls, and drops those notes. Answers
-- how many quarter-hours it recomputed (0: nothing was noted). The notes are taken (deleted) in
-- the statement's snapshot before the calls are read in a later one, so a write that commits
-- meanwhile either is in what is read or keeps its note; writers never wait on it, and
-- compactions take turns on a transaction lock.
CREATE FUNCTION call_rollups_compact(most integer) RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
  account text;
  quarters timestamptz[];
  undated boolean;
  rollup text;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('call_rollups_compact'));
  SELECT i.account_id INTO account FROM call_rollup_invalidations i ORDER BY i.id LIMIT 1;
  IF account IS NULL THEN RETURN 0; END IF;
  WITH first AS (
    SELECT DISTINCT COALESCE(i.quarter, '-infinity') AS quarter FROM call_rollup_invalidations i
     WHERE i.account_id = account ORDER BY 1 LIMIT most),
  taken AS (
    DELETE FROM call_rollup_invalidations i USING first f
     WHERE i.account_id = account AND COALESCE(i.quarter, '-infinity') = f.quarter RETURNING i.quarter)
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

-- Empties the rollups of one account (or of all when null) and notes every quarter-hour its calls
-- fall in: readers aggregate the calls until the compaction has refilled them, one row per group.
CREATE OR REPLACE FUNCTION call_rollups_rebuild(account text) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('call_rollups_compact'));
  DELETE FROM call_quarter_totals WHERE account IS NULL OR account_id = account;
  DELETE FROM call_quarter_dids WHERE account IS NULL OR account_id = account;
  DELETE FROM call_quarter_rollups WHERE account IS NULL OR account_id = account;
  DELETE FROM call_quarter_durations WHERE account IS NULL OR account_id = account;
  DELETE FROM call_rollup_invalidations WHERE account IS NULL OR account_id = account;
  INSERT INTO call_rollup_invalidations (account_id, quarter)
  SELECT DISTINCT c.account_id, call_quarter(c.start_time) FROM calls c WHERE account IS NULL OR c.account_id = account;
END
$fn$;

-- The appended deltas and their notes are replaced: every quarter-hour with calls is noted, and
-- the next compaction refills the rollups from the calls.
SELECT call_rollups_rebuild(NULL);
DROP TABLE "call_rollup_changes";
