-- Dashboard rollups (schema.prisma CallQuarterTotal, CallQuarterDid, CallQuarterRollup,
-- CallQuarterDuration): the measures of the calls per account and UTC quarter-hour of their start
-- (a quarter-hour composes every zone's local boundaries: all offsets in use are multiples of 15
-- minutes), kept by statement-level triggers on calls in the transaction of every write, so
-- imports, upserts, webhooks, revisions and deletes all keep them without the writers knowing.
-- src/db/read/statistics.ts reads them; `npm run rollups:rebuild` refills them.
--
-- The rollups are sums of rows, and readers always sum: a write appends its delta rows (never an
-- upsert, which would hold a row lock on a shared quarter-hour until commit and make concurrent
-- imports of one account wait for each other), then, when no other transaction is doing so for
-- the account, merges the rows of the quarter-hours it touched into one row per group.

-- What a call counts as. Inlinable SQL functions: the trigger and the statistics that read the
-- calls themselves share these definitions (README "Dashboard measures" gives the formulas).

-- Dialled: it has a start time and is not still queued; an answered call was dialled.
CREATE FUNCTION call_attempted(status "CallStatus", start_time timestamptz, answer_time timestamptz) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT answer_time IS NOT NULL OR status IN ('COMPLETED', 'IN_PROGRESS') OR (start_time IS NOT NULL AND status <> 'QUEUED')
$$;

CREATE FUNCTION call_answered(status "CallStatus", answer_time timestamptz) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT answer_time IS NOT NULL OR status IN ('COMPLETED', 'IN_PROGRESS')
$$;

-- Reached the called party's equipment (the numerator of NER): answered, busy or not answered.
CREATE FUNCTION call_reached(status "CallStatus", start_time timestamptz, answer_time timestamptz) RETURNS boolean
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT answer_time IS NOT NULL OR status IN ('COMPLETED', 'IN_PROGRESS')
      OR (start_time IS NOT NULL AND status IN ('BUSY', 'NO_ANSWER'))
$$;

-- Conversation seconds of an answered call: answer to end when both are known, else the vendor's
-- connected seconds; null when neither is known.
CREATE FUNCTION call_conversation(status "CallStatus", answer_time timestamptz, end_time timestamptz, connect_duration integer) RETURNS numeric
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN answer_time IS NOT NULL OR status IN ('COMPLETED', 'IN_PROGRESS') THEN
    COALESCE(CASE WHEN end_time >= answer_time THEN extract(epoch FROM end_time - answer_time) END, connect_duration::numeric) END
$$;

-- Billable seconds of an answered call: the vendor's connected seconds, else its duration.
CREATE FUNCTION call_billable(status "CallStatus", answer_time timestamptz, connect_duration integer, duration integer) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN answer_time IS NOT NULL OR status IN ('COMPLETED', 'IN_PROGRESS') THEN COALESCE(connect_duration, duration) END
$$;

-- The lower edge of the histogram bin of a conversation time: whole seconds below 32 s, then 16
-- bins per doubling (each bin at most 1/16 of its lower edge wide).
CREATE FUNCTION call_duration_edge(seconds numeric) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE WHEN seconds IS NULL THEN NULL WHEN seconds < 32 THEN floor(seconds)::int
    ELSE floor(seconds)::int - floor(seconds)::int % (1 << width_bucket(floor(seconds)::int,
      ARRAY[32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288, 1048576, 2097152,
            4194304, 8388608, 16777216, 33554432, 67108864, 134217728, 268435456, 536870912, 1073741824])) END
$$;

CREATE FUNCTION call_quarter(start_time timestamptz) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT date_bin('15 minutes', start_time, timestamptz '2000-01-01 00:00:00+00')
$$;

-- Per account, quarter-hour and leg or not: what a series or statistics without any other
-- dimension reads.
CREATE TABLE "call_quarter_totals" (
    "id" BIGSERIAL NOT NULL,
    "account_id" TEXT NOT NULL,
    "quarter" TIMESTAMPTZ(3),
    "is_leg" BOOLEAN NOT NULL,
    "calls" INTEGER NOT NULL,
    "attempted" INTEGER NOT NULL,
    "answered" INTEGER NOT NULL,
    "reached" INTEGER NOT NULL,
    "conversation_calls" INTEGER NOT NULL,
    "conversation_seconds" DECIMAL(20,3) NOT NULL,
    "billable_seconds" BIGINT NOT NULL,

    CONSTRAINT "call_quarter_totals_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "call_quarter_totals_account_id_quarter_idx" ON "call_quarter_totals"("account_id", "quarter");

-- The same per DID: what a DID breakdown or split reads.
CREATE TABLE "call_quarter_dids" (
    "id" BIGSERIAL NOT NULL,
    "account_id" TEXT NOT NULL,
    "quarter" TIMESTAMPTZ(3),
    "is_leg" BOOLEAN NOT NULL,
    "did_number" TEXT,
    "calls" INTEGER NOT NULL,
    "attempted" INTEGER NOT NULL,
    "answered" INTEGER NOT NULL,
    "reached" INTEGER NOT NULL,
    "conversation_calls" INTEGER NOT NULL,
    "conversation_seconds" DECIMAL(20,3) NOT NULL,
    "billable_seconds" BIGINT NOT NULL,

    CONSTRAINT "call_quarter_dids_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "call_quarter_dids_account_id_quarter_idx" ON "call_quarter_dids"("account_id", "quarter");

-- The same per low-cardinality dimension, currency and DID.
CREATE TABLE "call_quarter_rollups" (
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
    "calls" INTEGER NOT NULL,
    "attempted" INTEGER NOT NULL,
    "answered" INTEGER NOT NULL,
    "reached" INTEGER NOT NULL,
    "conversation_calls" INTEGER NOT NULL,
    "conversation_seconds" DECIMAL(20,3) NOT NULL,
    "billable_seconds" BIGINT NOT NULL,
    "priced_calls" INTEGER NOT NULL,
    "price" DECIMAL(20,6) NOT NULL,

    CONSTRAINT "call_quarter_rollups_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "call_quarter_rollups_account_id_quarter_idx" ON "call_quarter_rollups"("account_id", "quarter");

-- Answered calls per conversation-time histogram bin (call_duration_edge), per the same keys.
CREATE TABLE "call_quarter_durations" (
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
    "edge" INTEGER NOT NULL,
    "calls" INTEGER NOT NULL,

    CONSTRAINT "call_quarter_durations_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "call_quarter_durations_account_id_quarter_idx" ON "call_quarter_durations"("account_id", "quarter");

-- The statement that appends the calls of the query `source` (calls' columns and a `sign`: 1 to
-- add a call, -1 to take it away) to the rollups, one row per group whose measures change (an
-- update of other columns writes nothing).
CREATE FUNCTION call_rollups_statement(source text) RETURNS text LANGUAGE sql IMMUTABLE AS $fn$
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
      SELECT * FROM changed)
    INSERT INTO call_quarter_durations (account_id, quarter, is_leg, source, status, direction, hangup_disposition, answered_by, currency, did_number, edge, calls)
    SELECT f.account_id, f.quarter, f.is_leg, f.source, f.status, f.direction, f.hangup_disposition, f.answered_by, f.currency, f.did_number,
           call_duration_edge(f.conversation), sum(f.sign)::int
      FROM f WHERE f.conversation IS NOT NULL
     GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 HAVING sum(f.sign) <> 0
  $sql$, source)
$fn$;

-- The statement that merges the rows of the quarter-hours of the query `touched` (account_id,
-- quarter) into one row per group, dropping groups whose calls all went.
CREATE FUNCTION call_rollups_compaction(touched text) RETURNS text LANGUAGE sql IMMUTABLE AS $fn$
  SELECT format($sql$
    WITH k AS MATERIALIZED (SELECT DISTINCT account_id, quarter FROM (%1$s) t WHERE quarter IS NOT NULL),
    totals AS (DELETE FROM call_quarter_totals r USING k WHERE r.account_id = k.account_id AND r.quarter = k.quarter RETURNING r.*),
    totals_merged AS (
      INSERT INTO call_quarter_totals (account_id, quarter, is_leg, calls, attempted, answered, reached, conversation_calls, conversation_seconds, billable_seconds)
      SELECT account_id, quarter, is_leg, sum(calls), sum(attempted), sum(answered), sum(reached), sum(conversation_calls), sum(conversation_seconds), sum(billable_seconds)
        FROM totals GROUP BY 1, 2, 3 HAVING sum(calls) <> 0),
    dids AS (DELETE FROM call_quarter_dids r USING k WHERE r.account_id = k.account_id AND r.quarter = k.quarter RETURNING r.*),
    dids_merged AS (
      INSERT INTO call_quarter_dids (account_id, quarter, is_leg, did_number, calls, attempted, answered, reached, conversation_calls, conversation_seconds, billable_seconds)
      SELECT account_id, quarter, is_leg, did_number, sum(calls), sum(attempted), sum(answered), sum(reached), sum(conversation_calls), sum(conversation_seconds), sum(billable_seconds)
        FROM dids GROUP BY 1, 2, 3, 4 HAVING sum(calls) <> 0),
    rollups AS (DELETE FROM call_quarter_rollups r USING k WHERE r.account_id = k.account_id AND r.quarter = k.quarter RETURNING r.*),
    rollups_merged AS (
      INSERT INTO call_quarter_rollups (account_id, quarter, is_leg, source, status, direction, hangup_disposition, answered_by, currency, did_number,
                                        calls, attempted, answered, reached, conversation_calls, conversation_seconds, billable_seconds, priced_calls, price)
      SELECT account_id, quarter, is_leg, source, status, direction, hangup_disposition, answered_by, currency, did_number,
             sum(calls), sum(attempted), sum(answered), sum(reached), sum(conversation_calls), sum(conversation_seconds), sum(billable_seconds),
             sum(priced_calls), sum(price)
        FROM rollups GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 HAVING sum(calls) <> 0),
    durations AS (DELETE FROM call_quarter_durations r USING k WHERE r.account_id = k.account_id AND r.quarter = k.quarter RETURNING r.*)
    INSERT INTO call_quarter_durations (account_id, quarter, is_leg, source, status, direction, hangup_disposition, answered_by, currency, did_number, edge, calls)
    SELECT account_id, quarter, is_leg, source, status, direction, hangup_disposition, answered_by, currency, did_number, edge, sum(calls)
      FROM durations GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 HAVING sum(calls) <> 0
  $sql$, touched)
$fn$;

-- Appends the statement's deltas; then merges the quarter-hours it touched unless another
-- transaction holds the account's merge lock (its merge is then not waited for: the rows stay
-- appended, which readers sum all the same, until a later write or a rebuild merges them).
CREATE FUNCTION call_rollups_keep() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  rows text := CASE TG_OP
    WHEN 'INSERT' THEN 'SELECT 1 AS sign, * FROM new_calls'
    WHEN 'DELETE' THEN 'SELECT -1 AS sign, * FROM old_calls'
    ELSE 'SELECT 1 AS sign, * FROM new_calls UNION ALL SELECT -1 AS sign, * FROM old_calls' END;
  account text;
BEGIN
  EXECUTE call_rollups_statement(rows);
  FOR account IN EXECUTE format('SELECT DISTINCT account_id FROM (%s) d', rows) LOOP
    IF pg_try_advisory_xact_lock(hashtext('call_rollups'), hashtext(account)) THEN
      EXECUTE call_rollups_compaction(format('SELECT account_id, call_quarter(start_time) AS quarter FROM (%s) d WHERE account_id = %L', rows, account));
    END IF;
  END LOOP;
  RETURN NULL;
END
$fn$;

CREATE TRIGGER call_rollups_insert AFTER INSERT ON calls REFERENCING NEW TABLE AS new_calls
  FOR EACH STATEMENT EXECUTE FUNCTION call_rollups_keep();
CREATE TRIGGER call_rollups_update AFTER UPDATE ON calls REFERENCING OLD TABLE AS old_calls NEW TABLE AS new_calls
  FOR EACH STATEMENT EXECUTE FUNCTION call_rollups_keep();
CREATE TRIGGER call_rollups_delete AFTER DELETE ON calls REFERENCING OLD TABLE AS old_calls
  FOR EACH STATEMENT EXECUTE FUNCTION call_rollups_keep();

-- Empties the rollups of one account (or of all when null) and adds its calls again, one row per group.
CREATE FUNCTION call_rollups_rebuild(account text) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  DELETE FROM call_quarter_totals WHERE account IS NULL OR account_id = account;
  DELETE FROM call_quarter_dids WHERE account IS NULL OR account_id = account;
  DELETE FROM call_quarter_rollups WHERE account IS NULL OR account_id = account;
  DELETE FROM call_quarter_durations WHERE account IS NULL OR account_id = account;
  EXECUTE call_rollups_statement(format('SELECT 1 AS sign, * FROM calls WHERE %L::text IS NULL OR account_id = %L', account, account));
END
$fn$;

SELECT call_rollups_rebuild(NULL);
