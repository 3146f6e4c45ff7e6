-- Rollup upkeep proportional to the write (issue 24): a write's trigger only appends the deltas
-- of its own calls (call_rollups_statement) and notes the span of quarter-hours they fall in; it
-- no longer merges them. Merging the quarter-hours a batch touched rewrote nearly all of an
-- account's rollup rows for a batch spread over months, in every batch. The appended rows are
-- merged later by call_rollups_compact, in transactions of their own (src/db/rollups.ts: after an
-- import, periodically in the server, and by `npm run rollups:rebuild -- --compact`). Readers sum
-- rows per key and drop groups whose calls sum to zero, so they answer the same before and after.

-- Per write statement and account, the span of quarter-hours its appended rollup rows fall in
-- (and whether some are of calls without a start time), until a compaction has merged them.
-- Nothing here is unique, so writers never wait on each other.
CREATE TABLE "call_rollup_changes" (
    "id" BIGSERIAL NOT NULL,
    "account_id" TEXT NOT NULL,
    "first_quarter" TIMESTAMPTZ(3),
    "last_quarter" TIMESTAMPTZ(3),
    "undated" BOOLEAN NOT NULL,

    CONSTRAINT "call_rollup_changes_pkey" PRIMARY KEY ("id")
);

CREATE OR REPLACE FUNCTION call_rollups_statement(source text) RETURNS text LANGUAGE sql IMMUTABLE AS $fn$
  SELECT format($sql$
    WITH f AS MATERIALIZED (
      SELECT d.sign, d.account_id, call_quarter(d.start_time) AS quarter, (d.parent_id IS NOT NULL OR d.parent_external_id IS NOT NULL) AS is_leg,
             d.source, d.status, d.direction, d.hangup_disposition, d.answered_by, d.currency, d.did_number,
             call_attempted(d.status, d.start_time, d.answer_time) AS attempted, call_answered(d.status, d.answer_time) AS answered,
             call_reached(d.status, d.start_time, d.answer_time) AS reached,
             call_conversation(d.status, d.answer_time, d.end_time, d.connect_duration) AS conversation,
             call_billable(d.status, d.answer_time, d.connect_duration, d.duration) AS billable, d.price
        FROM (%1$s) d),
    g AS MATERIALIZED (
      SELECT f.account_id, f.quarter, f.is_leg, f.source, f.status, f.direction, f.hangup_disposition, f.answered_by, f.currency, f.did_number,
             sum(f.sign)::int AS calls,
             COALESCE(sum(f.sign) FILTER (WHERE f.attempted), 0)::int AS attempted,
             COALESCE(sum(f.sign) FILTER (WHERE f.answered), 0)::int AS answered,
             COALESCE(sum(f.sign) FILTER (WHERE f.reached), 0)::int AS reached,
             COALESCE(sum(f.sign) FILTER (WHERE f.conversation IS NOT NULL), 0)::int AS conversation_calls,
             COALESCE(sum(f.sign * f.conversation), 0) AS conversation_seconds,
             COALESCE(sum(f.sign * f.billable), 0)::bigint AS billable_seconds,
             COALESCE(sum(f.sign) FILTER (WHERE f.price IS NOT NULL), 0)::int AS priced_calls,
             COALESCE(sum(f.sign * f.price), 0) AS price
        FROM f GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
    changed AS MATERIALIZED (
      SELECT * FROM g WHERE calls <> 0 OR attempted <> 0 OR answered <> 0 OR reached <> 0 OR conversation_calls <> 0
                          OR conversation_seconds <> 0 OR billable_seconds <> 0 OR priced_calls <> 0 OR price <> 0),
    durations AS MATERIALIZED (
      SELECT f.account_id, f.quarter, f.is_leg, f.source, f.status, f.direction, f.hangup_disposition, f.answered_by, f.currency, f.did_number,
             call_duration_edge(f.conversation) AS edge, sum(f.sign)::int AS calls
        FROM f WHERE f.conversation IS NOT NULL
       GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 HAVING sum(f.sign) <> 0),
    totals AS (
      INSERT INTO call_quarter_totals (account_id, quarter, is_leg, calls, attempted, answered, reached, conversation_calls, conversation_seconds, billable_seconds)
      SELECT account_id, quarter, is_leg, sum(calls), sum(attempted), sum(answered), sum(reached), sum(conversation_calls), sum(conversation_seconds), sum(billable_seconds)
        FROM changed GROUP BY 1, 2, 3),
    dids AS (
      INSERT INTO call_quarter_dids (account_id, quarter, is_leg, did_number, calls, attempted, answered, reached, conversation_calls, conversation_seconds, billable_seconds)
      SELECT account_id, quarter, is_leg, did_number, sum(calls), sum(attempted), sum(answered), sum(reached), sum(conversation_calls), sum(conversation_seconds), sum(billable_seconds)
        FROM changed GROUP BY 1, 2, 3, 4),
    rollups AS (
      INSERT INTO call_quarter_rollups (account_id, quarter, is_leg, source, status, direction, hangup_disposition, answered_by, currency, did_number,
                                        calls, attempted, answered, reached, conversation_calls, conversation_seconds, billable_seconds, priced_calls, price)
      SELECT * FROM changed),
    histogram AS (
      INSERT INTO call_quarter_durations (account_id, quarter, is_leg, source, status, direction, hangup_disposition, answered_by, currency, did_number, edge, calls)
      SELECT * FROM durations)
    INSERT INTO call_rollup_changes (account_id, first_quarter, last_quarter, undated)
    SELECT account_id, min(quarter), max(quarter), bool_or(quarter IS NULL)
      FROM (SELECT account_id, quarter FROM changed UNION ALL SELECT account_id, quarter FROM durations) t GROUP BY account_id
  $sql$, source)
$fn$;

CREATE OR REPLACE FUNCTION call_rollups_keep() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  EXECUTE call_rollups_statement(CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT 1 AS sign, * FROM new_calls'
    WHEN 'DELETE' THEN 'SELECT -1 AS sign, * FROM old_calls'
    ELSE 'SELECT 1 AS sign, * FROM new_calls UNION ALL SELECT -1 AS sign, * FROM old_calls' END);
  RETURN NULL;
END
$fn$;

DROP FUNCTION call_rollups_compaction(text);

-- Merges the appended rows of the account with the oldest note: of the span its notes cover, the
-- quarter-hours within `span` of the first (and its calls without a start time), into one row per
-- group, dropping groups whose calls all went; the rest of the span stays noted, behind other
-- accounts' notes. Only groups with more than one row are rewritten. Answers how many notes it
-- took (0: nothing left to merge). Writers never wait on it (they only append rows, which its
-- snapshot does not see, and their notes with them), and compactions take turns on a
-- transaction lock, so each row is merged by one of them.
CREATE FUNCTION call_rollups_compact(span interval) RETURNS integer LANGUAGE plpgsql AS $fn$
DECLARE
  account text;
  taken integer;
  first timestamptz;
  last timestamptz;
  upto timestamptz;
  undated boolean;
  rollup record;
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('call_rollups_compact'));
  SELECT c.account_id INTO account FROM call_rollup_changes c ORDER BY c.id LIMIT 1;
  IF account IS NULL THEN RETURN 0; END IF;
  WITH noted AS (DELETE FROM call_rollup_changes c WHERE c.account_id = account RETURNING c.*)
  SELECT count(*)::int, min(first_quarter), max(last_quarter), bool_or(noted.undated) INTO taken, first, last, undated FROM noted;
  upto := LEAST(last, first + span - interval '15 minutes');
  IF upto < last THEN
    INSERT INTO call_rollup_changes (account_id, first_quarter, last_quarter, undated) VALUES (account, upto + interval '15 minutes', last, false);
  END IF;
  FOR rollup IN SELECT * FROM (VALUES
      ('call_quarter_totals', 'account_id, quarter, is_leg',
       'calls, attempted, answered, reached, conversation_calls, conversation_seconds, billable_seconds'),
      ('call_quarter_dids', 'account_id, quarter, is_leg, did_number',
       'calls, attempted, answered, reached, conversation_calls, conversation_seconds, billable_seconds'),
      ('call_quarter_rollups', 'account_id, quarter, is_leg, source, status, direction, hangup_disposition, answered_by, currency, did_number',
       'calls, attempted, answered, reached, conversation_calls, conversation_seconds, billable_seconds, priced_calls, price'),
      ('call_quarter_durations', 'account_id, quarter, is_leg, source, status, direction, hangup_disposition, answered_by, currency, did_number, edge',
       'calls')) t(name, keys, measures)
  LOOP
    EXECUTE format($sql$
      WITH gone AS (
        DELETE FROM %1$I r WHERE r.ctid = ANY(ARRAY(
          SELECT ctid FROM (
            SELECT t.ctid, count(*) OVER (PARTITION BY %2$s) AS n FROM %1$I t
             WHERE t.account_id = $1 AND (t.quarter BETWEEN $2 AND $3 OR ($4 AND t.quarter IS NULL))) counted
           WHERE n > 1))
        RETURNING r.*)
      INSERT INTO %1$I (%2$s, %3$s) SELECT %2$s, %4$s FROM gone GROUP BY %2$s HAVING sum(calls) <> 0
    $sql$, rollup.name, rollup.keys, rollup.measures,
      (SELECT string_agg(format('sum(%I)', m), ', ') FROM unnest(string_to_array(rollup.measures, ', ')) m))
    USING account, first, upto, undated;
  END LOOP;
  RETURN taken;
END
$fn$;

-- Empties the rollups of one account (or of all when null) and adds its calls again, one row per group.
CREATE OR REPLACE FUNCTION call_rollups_rebuild(account text) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM pg_advisory_xact_lock(hashtext('call_rollups_compact'));
  DELETE FROM call_quarter_totals WHERE account IS NULL OR account_id = account;
  DELETE FROM call_quarter_dids WHERE account IS NULL OR account_id = account;
  DELETE FROM call_quarter_rollups WHERE account IS NULL OR account_id = account;
  DELETE FROM call_quarter_durations WHERE account IS NULL OR account_id = account;
  EXECUTE call_rollups_statement(format('SELECT 1 AS sign, * FROM calls WHERE %L::text IS NULL OR account_id = %L', account, account));
  -- One statement wrote one row per group: nothing of the account is left to merge.
  DELETE FROM call_rollup_changes WHERE account IS NULL OR account_id = account;
END
$fn$;
