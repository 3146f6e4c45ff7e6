-- Rollups maintained in the transaction of every write (issue 24): a write's triggers append its
-- calls' contributions to the rollups as delta rows, so that the rollup rows plus the deltas equal
-- the aggregates of the calls at every commit, and no read or compaction has to read the calls
-- again. Deltas are the finest grain of the rollups (every dimension and the conversation-time
-- histogram edge): each rollup table is a projection of them. The compaction
-- (src/db/rollups.ts) folds them into the rollup tables in transactions of its own; readers sum a
-- table's rows and the deltas of the same quarter-hours (src/db/read/statistics.ts), so they
-- answer the same before and after. Nothing here is unique and nothing is updated: writers append
-- and never wait on each other or on the compaction.
CREATE TABLE "call_rollup_deltas" (
    "id" BIGSERIAL NOT NULL,
    "account_id" TEXT NOT NULL,
    "quarter" TIMESTAMPTZ(3),
    "is_leg" BOOLEAN NOT NULL,
    "source" "CallSource" NOT NULL,
    "status" "CallStatus" NOT NULL,
    "direction" "CallDirection",
    "hangup_disposition" "HangupDisposition",
    "answered_by" "AnsweredBy",
    "currency" VARCHAR(3),
    "did_number" TEXT,
    "edge" INTEGER,
    "calls" INTEGER NOT NULL,
    "attempted" INTEGER NOT NULL,
    "answered" INTEGER NOT NULL,
    "reached" INTEGER NOT NULL,
    "conversation_calls" INTEGER NOT NULL,
    "conversation_seconds" DECIMAL(20,3) NOT NULL,
    "billable_seconds" BIGINT NOT NULL,
    "priced_calls" INTEGER NOT NULL,
    "price" DECIMAL(20,6) NOT NULL,

    CONSTRAINT "call_rollup_deltas_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "call_rollup_deltas_account_id_quarter_idx" ON "call_rollup_deltas"("account_id", "quarter");

-- What one call adds to the rollups (sign 1) or takes away from them (sign -1): its keys at the
-- finest grain and its measures, by the per-call definitions of 20261202060000_call_rollups.
-- Inlined where it is called, so a trigger reads its transition table once.
CREATE FUNCTION call_rollup_fact(c calls, sign integer)
  RETURNS TABLE (account_id text, quarter timestamptz, is_leg boolean, source "CallSource", status "CallStatus",
                 direction "CallDirection", hangup_disposition "HangupDisposition", answered_by "AnsweredBy",
                 currency varchar(3), did_number text, edge integer, calls integer, attempted integer, answered integer,
                 reached integer, conversation_calls integer, conversation_seconds numeric, billable_seconds bigint,
                 priced_calls integer, price numeric)
  LANGUAGE sql IMMUTABLE AS $fn$
  SELECT c.account_id, call_quarter(c.start_time), (c.parent_id IS NOT NULL OR c.parent_external_id IS NOT NULL),
         c.source, c.status, c.direction, c.hangup_disposition, c.answered_by, c.currency, c.did_number,
         call_duration_edge(x.conversation),
         sign,
         sign * call_attempted(c.status, c.start_time, c.answer_time)::int,
         sign * call_answered(c.status, c.answer_time)::int,
         sign * call_reached(c.status, c.start_time, c.answer_time)::int,
         sign * (x.conversation IS NOT NULL)::int,
         sign * COALESCE(x.conversation, 0),
         sign * COALESCE(call_billable(c.status, c.answer_time, c.connect_duration, c.duration), 0)::bigint,
         sign * (c.price IS NOT NULL)::int,
         sign * COALESCE(c.price, 0)
    FROM (SELECT call_conversation(c.status, c.answer_time, c.end_time, c.connect_duration) AS conversation) x
$fn$;

-- An insert appends one delta per call and a delete one negative delta per call; an update
-- appends the difference per group, so a call whose rollup columns did not change writes nothing
-- (an import that revises other fields, a webhook's progress before the call ends).
CREATE OR REPLACE FUNCTION call_rollups_keep() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO call_rollup_deltas (account_id, quarter, is_leg, source, status, direction, hangup_disposition, answered_by, currency, did_number,
                                    edge, calls, attempted, answered, reached, conversation_calls, conversation_seconds, billable_seconds, priced_calls, price)
    SELECT f.* FROM new_calls n CROSS JOIN LATERAL call_rollup_fact(n, 1) f;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO call_rollup_deltas (account_id, quarter, is_leg, source, status, direction, hangup_disposition, answered_by, currency, did_number,
                                    edge, calls, attempted, answered, reached, conversation_calls, conversation_seconds, billable_seconds, priced_calls, price)
    SELECT f.* FROM old_calls o CROSS JOIN LATERAL call_rollup_fact(o, -1) f;
  ELSE
    INSERT INTO call_rollup_deltas (account_id, quarter, is_leg, source, status, direction, hangup_disposition, answered_by, currency, did_number,
                                    edge, calls, attempted, answered, reached, conversation_calls, conversation_seconds, billable_seconds, priced_calls, price)
    SELECT f.account_id, f.quarter, f.is_leg, f.source, f.status, f.direction, f.hangup_disposition, f.answered_by, f.currency, f.did_number, f.edge,
           sum(f.calls), sum(f.attempted), sum(f.answered), sum(f.reached), sum(f.conversation_calls), sum(f.conversation_seconds),
           sum(f.billable_seconds), sum(f.priced_calls), sum(f.price)
      FROM (SELECT f.* FROM new_calls n CROSS JOIN LATERAL call_rollup_fact(n, 1) f
            UNION ALL SELECT f.* FROM old_calls o CROSS JOIN LATERAL call_rollup_fact(o, -1) f) f
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11
    HAVING sum(f.calls) <> 0 OR sum(f.attempted) <> 0 OR sum(f.answered) <> 0 OR sum(f.reached) <> 0 OR sum(f.conversation_calls) <> 0
        OR sum(f.conversation_seconds) <> 0 OR sum(f.billable_seconds) <> 0 OR sum(f.priced_calls) <> 0 OR sum(f.price) <> 0;
  END IF;
  RETURN NULL;
END
$fn$;

DROP FUNCTION call_rollups_compact(integer);

-- Folds the deltas of the account with the oldest delta into the rollup tables: of its
-- quarter-hours with deltas, the first `most` (calls without a start time first). Answers how
-- many quarter-hours it folded (0: there were no deltas). The deltas taken, the rollup rows they
-- are added to and the rows written in their place are all of one statement, hence one snapshot:
-- a write that commits meanwhile keeps its deltas for the next round, and readers see the rows
-- before or after, which sum the same. The calls are not read. Compactions take turns on a
-- transaction lock; a group whose calls sum to zero is left out.
CREATE FUNCTION call_rollups_compact(most integer) RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
  account text;
  quarters timestamptz[];
  undated boolean;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('call_rollups_compact'));
  SELECT d.account_id INTO account FROM call_rollup_deltas d ORDER BY d.id LIMIT 1;
  IF account IS NULL THEN RETURN 0; END IF;
  SELECT array_agg(CASE WHEN q.quarter = '-infinity' THEN NULL ELSE q.quarter END) INTO quarters
    FROM (SELECT DISTINCT COALESCE(d.quarter, '-infinity') AS quarter FROM call_rollup_deltas d
           WHERE d.account_id = account ORDER BY 1 LIMIT most) q;
  undated := array_position(quarters, NULL) IS NOT NULL;
  WITH taken AS (
    DELETE FROM call_rollup_deltas d WHERE d.account_id = account AND (d.quarter = ANY(quarters) OR (undated AND d.quarter IS NULL)) RETURNING d.*),
  old_totals AS (
    DELETE FROM call_quarter_totals r WHERE r.account_id = account AND (r.quarter = ANY(quarters) OR (undated AND r.quarter IS NULL)) RETURNING r.*),
  old_dids AS (
    DELETE FROM call_quarter_dids r WHERE r.account_id = account AND (r.quarter = ANY(quarters) OR (undated AND r.quarter IS NULL)) RETURNING r.*),
  old_rollups AS (
    DELETE FROM call_quarter_rollups r WHERE r.account_id = account AND (r.quarter = ANY(quarters) OR (undated AND r.quarter IS NULL)) RETURNING r.*),
  old_durations AS (
    DELETE FROM call_quarter_durations r WHERE r.account_id = account AND (r.quarter = ANY(quarters) OR (undated AND r.quarter IS NULL)) RETURNING r.*),
  totals AS (
    INSERT INTO call_quarter_totals (account_id, quarter, is_leg, calls, attempted, answered, reached, conversation_calls, conversation_seconds, billable_seconds)
    SELECT g.account_id, g.quarter, g.is_leg, sum(g.calls), sum(g.attempted), sum(g.answered), sum(g.reached), sum(g.conversation_calls),
           sum(g.conversation_seconds), sum(g.billable_seconds)
      FROM (SELECT r.account_id, r.quarter, r.is_leg, r.calls, r.attempted, r.answered, r.reached, r.conversation_calls, r.conversation_seconds, r.billable_seconds FROM old_totals r
            UNION ALL
            SELECT t.account_id, t.quarter, t.is_leg, t.calls, t.attempted, t.answered, t.reached, t.conversation_calls, t.conversation_seconds, t.billable_seconds FROM taken t) g
     GROUP BY 1, 2, 3 HAVING sum(g.calls) <> 0),
  dids AS (
    INSERT INTO call_quarter_dids (account_id, quarter, is_leg, did_number, calls, attempted, answered, reached, conversation_calls, conversation_seconds, billable_seconds)
    SELECT g.account_id, g.quarter, g.is_leg, g.did_number, sum(g.calls), sum(g.attempted), sum(g.answered), sum(g.reached), sum(g.conversation_calls),
           sum(g.conversation_seconds), sum(g.billable_seconds)
      FROM (SELECT r.account_id, r.quarter, r.is_leg, r.did_number, r.calls, r.attempted, r.answered, r.reached, r.conversation_calls, r.conversation_seconds, r.billable_seconds FROM old_dids r
            UNION ALL
            SELECT t.account_id, t.quarter, t.is_leg, t.did_number, t.calls, t.attempted, t.answered, t.reached, t.conversation_calls, t.conversation_seconds, t.billable_seconds FROM taken t) g
     GROUP BY 1, 2, 3, 4 HAVING sum(g.calls) <> 0),
  rollups AS (
    INSERT INTO call_quarter_rollups (account_id, quarter, is_leg, source, status, direction, hangup_disposition, answered_by, currency, did_number,
                                      calls, attempted, answered, reached, conversation_calls, conversation_seconds, billable_seconds, priced_calls, price)
    SELECT g.account_id, g.quarter, g.is_leg, g.source, g.status, g.direction, g.hangup_disposition, g.answered_by, g.currency, g.did_number,
           sum(g.calls), sum(g.attempted), sum(g.answered), sum(g.reached), sum(g.conversation_calls), sum(g.conversation_seconds),
           sum(g.billable_seconds), sum(g.priced_calls), sum(g.price)
      FROM (SELECT r.account_id, r.quarter, r.is_leg, r.source, r.status, r.direction, r.hangup_disposition, r.answered_by, r.currency, r.did_number,
                   r.calls, r.attempted, r.answered, r.reached, r.conversation_calls, r.conversation_seconds, r.billable_seconds, r.priced_calls, r.price FROM old_rollups r
            UNION ALL
            SELECT t.account_id, t.quarter, t.is_leg, t.source, t.status, t.direction, t.hangup_disposition, t.answered_by, t.currency, t.did_number,
                   t.calls, t.attempted, t.answered, t.reached, t.conversation_calls, t.conversation_seconds, t.billable_seconds, t.priced_calls, t.price FROM taken t) g
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 HAVING sum(g.calls) <> 0)
  INSERT INTO call_quarter_durations (account_id, quarter, is_leg, source, status, direction, hangup_disposition, answered_by, currency, did_number, edge, calls)
  SELECT g.account_id, g.quarter, g.is_leg, g.source, g.status, g.direction, g.hangup_disposition, g.answered_by, g.currency, g.did_number, g.edge, sum(g.calls)
    FROM (SELECT r.account_id, r.quarter, r.is_leg, r.source, r.status, r.direction, r.hangup_disposition, r.answered_by, r.currency, r.did_number, r.edge, r.calls
            FROM old_durations r
          UNION ALL
          SELECT t.account_id, t.quarter, t.is_leg, t.source, t.status, t.direction, t.hangup_disposition, t.answered_by, t.currency, t.did_number, t.edge, t.calls
            FROM taken t WHERE t.edge IS NOT NULL) g
   GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 HAVING sum(g.calls) <> 0;
  RETURN cardinality(quarters);
END
$fn$;

-- Empties the rollups of one account (or of all when null) and appends one delta per call, in one
-- statement: a write that commits meanwhile is either in the calls it reads or keeps its deltas.
-- The compaction then folds them.
CREATE OR REPLACE FUNCTION call_rollups_rebuild(account text) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('call_rollups_compact'));
  WITH totals AS (DELETE FROM call_quarter_totals WHERE account IS NULL OR account_id = account),
  dids AS (DELETE FROM call_quarter_dids WHERE account IS NULL OR account_id = account),
  rollups AS (DELETE FROM call_quarter_rollups WHERE account IS NULL OR account_id = account),
  durations AS (DELETE FROM call_quarter_durations WHERE account IS NULL OR account_id = account),
  deltas AS (DELETE FROM call_rollup_deltas WHERE account IS NULL OR account_id = account)
  INSERT INTO call_rollup_deltas (account_id, quarter, is_leg, source, status, direction, hangup_disposition, answered_by, currency, did_number,
                                  edge, calls, attempted, answered, reached, conversation_calls, conversation_seconds, billable_seconds, priced_calls, price)
  SELECT f.* FROM calls c CROSS JOIN LATERAL call_rollup_fact(c, 1) f WHERE account IS NULL OR c.account_id = account;
END
$fn$;

-- The invalidation log is replaced: every call becomes a delta, and the next compaction refills
-- the rollups from them.
SELECT call_rollups_rebuild(NULL);
DROP TABLE "call_rollup_invalidations";
DROP FUNCTION call_quarter_groups(text, timestamptz);
