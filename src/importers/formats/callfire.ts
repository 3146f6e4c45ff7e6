import type { CallFireResult, CallFireState, CallStatus } from '../../db/generated/enums.js';
import { bigint, boolean, decimal, integer, party, RecordError, text, time } from '../normalize.js';
import type { Columns, Format } from '../record.js';

const STATE_STATUS: Record<CallFireState, CallStatus | null> = {
  READY: 'QUEUED',
  SELECTED: 'QUEUED',
  CALLBACK: 'QUEUED',
  FINISHED: null,
  DNC: 'CANCELED',
  DUP: 'CANCELED',
  INVALID: 'FAILED',
  TIMEOUT: 'NO_ANSWER',
};

/** A FINISHED call's status follows its FinalResult. */
const RESULT_STATUS: Record<Exclude<CallFireResult, 'OTHER'>, CallStatus> = {
  LA: 'COMPLETED',
  AM: 'COMPLETED',
  XFER: 'COMPLETED',
  XFER_LEG: 'COMPLETED',
  SENT: 'COMPLETED',
  BUSY: 'BUSY',
  NO_ANS: 'NO_ANSWER',
  DNC: 'CANCELED',
  UNDIALED: 'CANCELED',
  SD: 'CANCELED',
  POSTPONED: 'CANCELED',
  ABANDONED: 'CANCELED',
  INTERNAL_ERROR: 'FAILED',
  CARRIER_ERROR: 'FAILED',
  CARRIER_TEMP_ERROR: 'FAILED',
};

type Node = Record<string, unknown>;

/** XML and JSON renderings give one element as an object and several as an array. */
const many = (value: unknown): Node[] => (Array.isArray(value) ? value : value && typeof value === 'object' ? [value] : []) as Node[];

/** `<ToNumber context="…">1919…</ToNumber>` renders as `{ value, @context }`. */
const textOf = (value: unknown) => (value && typeof value === 'object' && !Array.isArray(value) ? (value as Node).value : value);

const idOf = (node: Node, field: string) => bigint(node['@id'] ?? node.id ?? node.Id, field);

const result = (value: unknown): { result: CallFireResult | null; word: string | null } => {
  const word = text(value);
  if (word === null) return { result: null, word };
  return { result: word in RESULT_STATUS ? (word as CallFireResult) : 'OTHER', word };
};

function attempt(node: Node, index: number): { row: Columns; recordings: Columns[]; originate: string | null } {
  const originate = time(node.OriginateTime, `CallRecord[${index}].OriginateTime`);
  const { result: attemptResult, word } = result(node.Result);
  return {
    originate,
    row: {
      external_id: idOf(node, `CallRecord[${index}].id`),
      result: attemptResult,
      vendor_result: word,
      originate_time: originate,
      answer_time: time(node.AnswerTime, `CallRecord[${index}].AnswerTime`),
      finish_time: time(node.FinishTime, `CallRecord[${index}].FinishTime`),
      duration: integer(node.Duration, `CallRecord[${index}].Duration`),
      billed_amount: decimal(node.BilledAmount, `CallRecord[${index}].BilledAmount`),
      switch_id: text(node.SwitchId),
      caller_name: text(node.CallerName),
      question_responses: many(node.QuestionResponse).map((qr) => ({ question: text(qr.Question), response: text(qr.Response) })),
    },
    recordings: many(node.RecordingMeta).map((meta, n) => ({
      external_id: idOf(meta, `RecordingMeta[${n}].id`),
      name: text(meta.Name),
      recorded_at: time(meta.Created, `RecordingMeta[${n}].Created`),
      length_seconds: integer(meta.LengthInSeconds, `RecordingMeta[${n}].LengthInSeconds`),
      url: text(meta.Link),
    })),
  };
}

/**
 * CallFire calls in the JSON rendering of API 1.1 (`Resource.Call`, `ResourceList.Call[]`,
 * `Resource.ContactHistory.Call[]`) or as XML (`r:Resource`, `n:CallFinished`), which the reader
 * turns into the same shape.
 */
export const callfire: Format = {
  name: 'callfire',
  source: 'CALLFIRE',
  recordPaths: ['$.Resource.Call', '$.ResourceList.Call.*', '$.Resource.ContactHistory.Call.*', '$.Call.*'],
  xml: true,
  idField: '@id',
  externalIdOf: (call) => text(call['@id'] ?? call.id ?? call.Id),
  normalize(call, options) {
    const externalId = idOf(call, 'Call.id');
    if (!externalId) throw new RecordError('the Call has no id');
    const from = party(textOf(call.FromNumber), options);
    const to = party(textOf(call.ToNumber), options);
    const state = text(call.State) as CallFireState | null;
    if (state !== null && !(state in STATE_STATUS)) throw new RecordError(`State "${state}" is not a CallFire state`);
    const final = result(call.FinalResult);
    const status: CallStatus =
      state === null ? 'UNKNOWN' : (STATE_STATUS[state] ?? (final.result && final.result !== 'OTHER' ? RESULT_STATUS[final.result] : 'UNKNOWN'));
    // Exports list attempts newest first; attempt 1 is the first one dialled. The rows are
    // numbered in place rather than copied: three copies of each attempt were a tenth of Node's
    // share of a CallFire import.
    const dialled = many(call.CallRecord).map(attempt);
    const order = dialled.map((_, index) => index);
    if (dialled.length > 1) {
      order.sort((a, b) => {
        const [x, y] = [dialled[a]!.originate, dialled[b]!.originate];
        return x && y ? x.localeCompare(y) : b - a;
      });
    }
    let answered: string | null = null;
    const attempts = order.map((index, n) => {
      const { row, recordings } = dialled[index]!;
      row.attempt = n + 1;
      const answer = row.answer_time as string | null;
      if (answer !== null && (answered === null || answer < answered)) answered = answer;
      return { row, recordings };
    });
    const first = attempts[0]?.row;
    const last = attempts.at(-1)?.row;
    const label = many(call.Label).map((l) => text(l.Name ?? l.value)).find((name) => name !== null) ?? text(typeof call.Label === 'string' ? call.Label : null);
    const inbound = boolean(call.Inbound, 'Inbound');
    return {
      externalId,
      call: {
        source: 'CALLFIRE',
        external_id: externalId,
        from_address: from.address,
        from_number: from.number,
        to_address: to.address,
        to_number: to.number,
        vendor_created_at: time(call.Created, 'Created'),
        vendor_updated_at: time(call.Modified, 'Modified'),
        start_time: (first?.originate_time as string | null) ?? null,
        answer_time: answered,
        end_time: (last?.finish_time as string | null) ?? null,
        duration: (last?.duration as number | null) ?? null,
        status,
        vendor_status: state,
        direction: inbound === null ? null : inbound ? 'INBOUND' : 'OUTBOUND',
        vendor_direction: inbound === null ? null : `Inbound: ${inbound}`,
        callfire_state: state,
        callfire_final_result: final.result,
        vendor_result: final.word,
        broadcast_id: bigint(call.BroadcastId, 'BroadcastId'),
        batch_id: bigint(call.BatchId, 'BatchId'),
        contact_id: bigint(call.ContactId, 'ContactId'),
        label,
        payload: call,
      },
      attempts,
      recordings: [],
    };
  },
};
