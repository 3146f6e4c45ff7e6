import { Readable } from 'node:stream';
import { recordAuditIn } from '../../auth/audit.js';
import { rolledBack, type SqlExecutor } from '../../db/sql-driver.js';
import type { CountryCode } from 'libphonenumber-js';
import { native } from '../../importers/formats/native.js';
import { emptySummary, importCalls, type FormatName, type ImportSummary } from '../../importers/import.js';
import { RecordError } from '../../importers/normalize.js';
import { InputError } from '../../importers/read.js';
import { linkLegs, staged, writeCalls, type BatchItem } from '../../importers/writer.js';
import { publishCalls } from '../../live/publish.js';
import { UserInputError } from '../../errors.js';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { CallRef, loadCall } from './call.js';
import { AnsweredByEnum, CallDirectionEnum, CallStatusEnum } from './enums.js';

/** Records one request may import; larger imports belong to the CLI. */
export const MAX_IMPORT_RECORDS = 1000;

const ImportFormatEnum = builder.enumType('ImportFormat', {
  description: 'The vendor document formats cdrql reads.',
  values: {
    FREECLIMB: { value: 'freeclimb', description: 'FreeClimb call JSON: one call or a list page.' },
    RESTCOMM: { value: 'restcomm', description: 'Restcomm calls XML (RestcommResponse with a Call or a Calls page) or its Twilio-style JSON: one call or a page.' },
    PBX: { value: 'pbx', description: 'The hosted PBX calls JSON ({ calls, page, per_page, order }).' },
    CALLFIRE: { value: 'callfire', description: 'CallFire call XML (r:Resource, n:CallFinished) or its JSON rendering.' },
    JAMBONZ: { value: 'jambonz', description: 'jambonz calls JSON: one call or an array.' },
  } as const,
});

const ImportProblem = builder.objectRef<ImportSummary['problems'][number]>('ImportProblem').implement({
  description: 'A record that was not imported, and why.',
  fields: (t) => ({
    position: t.exposeInt('position', { description: '1-based position of the record in the input.' }),
    externalId: t.exposeString('externalId', { nullable: true, description: 'The vendor’s id of the call, when the record has one.' }),
    message: t.exposeString('message', { description: 'Why it was not imported.' }),
  }),
});

/** A summary as the mutations answer it; `callIds` are the database ids of the calls upsertCalls wrote. */
type AnsweredSummary = ImportSummary & { dryRun: boolean; callIds?: string[] };

const ImportSummaryRef = builder.objectRef<AnsweredSummary>('ImportSummary').implement({
  description: 'What an import did: every record is inserted, updated, unchanged, stale or rejected.',
  fields: (t) => ({
    inserted: t.exposeInt('inserted', { description: 'Calls that were new.' }),
    updated: t.exposeInt('updated', { description: 'Calls that existed and changed: their revision went up by one.' }),
    unchanged: t.exposeInt('unchanged', { description: 'Calls that existed exactly as imported.' }),
    stale: t.exposeInt('stale', { description: 'Records older than the version of the call already stored (an earlier revision, update time or stage): they changed nothing.' }),
    rejected: t.exposeInt('rejected', { description: 'Records that were not imported; see problems.' }),
    problems: t.expose('problems', { type: [ImportProblem], description: 'One entry per rejected record, in input order.' }),
    hint: t.exposeString('hint', { nullable: true, description: 'When every record was rejected for want of its id field: which format the records look like.' }),
    dryRun: t.exposeBoolean('dryRun', { description: 'True when nothing was kept.' }),
    calls: t.field({
      type: [CallRef],
      description:
        'The calls upsertCalls was given, as they are after it (rejected ones left out), in input order, with any selection of the call graph; empty for importCalls and for a dry run.',
      // One planned statement for all of them and their relations, however many there are.
      resolve: async (summary, _args, ctx, info) =>
        (await Promise.all((summary.callIds ?? []).map((id) => loadCall(ctx, info, id)))).filter((call) => call !== null),
    }),
  }),
});

const MoneyInput = builder.inputType('MoneyInput', {
  description: 'An exact amount with its currency.',
  fields: (t) => ({
    amount: t.field({ type: 'Decimal', required: true, description: 'The amount; negative for a charge reported as negative.' }),
    currency: t.string({ required: false, description: 'ISO 4217 code, such as USD.' }),
  }),
});

const CallInput = builder.inputType('CallInput', {
  description: 'A call in cdrql’s own terms, for sources that are not one of the five vendor formats (stored with source NATIVE).',
  fields: (t) => ({
    externalId: t.string({ required: true, description: 'Your id of the call; importing it again updates it.' }),
    parentExternalId: t.string({ required: false, description: 'Your id of the call that created this leg.' }),
    from: t.string({ required: false, description: 'The calling party: a number in any common format, a client name or a SIP URI.' }),
    to: t.string({ required: false, description: 'The called party, likewise.' }),
    callerName: t.string({ required: false, description: "The caller's name." }),
    startTime: t.field({ type: 'DateTime', required: false, description: 'When the call started.' }),
    answerTime: t.field({ type: 'DateTime', required: false, description: 'When it was answered.' }),
    endTime: t.field({ type: 'DateTime', required: false, description: 'When it ended.' }),
    duration: t.int({ required: false, description: 'Seconds; derived from start and end when both are given and this is not.' }),
    status: t.field({ type: CallStatusEnum, required: true, description: 'The call’s state.' }),
    direction: t.field({ type: CallDirectionEnum, required: false, description: 'Who started the call and how.' }),
    answeredBy: t.field({ type: AnsweredByEnum, required: false, description: 'Answering machine detection outcome.' }),
    price: t.field({ type: MoneyInput, required: false, description: 'What the call cost.' }),
  }),
});

const regionOf = (region: string | null | undefined) => (region ? (region.toUpperCase() as CountryCode) : undefined);

/** The import's counts for the request's metrics, and its summary as the mutation answers it. */
function answered(ctx: Context, format: string, summary: ImportSummary & { callIds?: string[] }, dryRun: boolean): AnsweredSummary {
  const { inserted, updated, unchanged, rejected } = summary;
  ctx.record?.imports.push({ format, dryRun, inserted, updated, unchanged, rejected });
  return { ...summary, dryRun };
}

/**
 * Writes native calls in one transaction with their legs' links and the audit event (when they
 * changed anything); a dry run rolls it back.
 */
async function writeNative(ctx: Context, summary: ImportSummary, items: BatchItem[], dryRun: boolean): Promise<ImportSummary & { callIds?: string[] }> {
  if (items.length === 0) return summary;
  const work = async (tx: SqlExecutor) => {
    const counted: ImportSummary & { callIds?: string[] } = { ...summary };
    const { outcomes, changed } = await writeCalls(tx, ctx.accountId, items);
    for (const outcome of outcomes.values()) counted[outcome] += 1;
    if (dryRun) return counted;
    const linked = await linkLegs(tx, ctx.accountId, items);
    // The ids of the calls written, for the answer's calls field (which reads them when selected).
    const written = await tx.query<{ id: string; external_id: string }>(
      `SELECT id::text AS id, external_id FROM calls WHERE account_id = $1 AND source = 'NATIVE' AND external_id = ANY($2::text[])`,
      [ctx.accountId, items.map((item) => item.externalId)],
    );
    const idOf = new Map(written.map((row) => [row.external_id, row.id]));
    counted.callIds = [...new Set(items.map((item) => idOf.get(item.externalId)).filter((id): id is string => id !== undefined))];
    const { inserted, updated, unchanged, stale, rejected } = counted;
    if (inserted + updated > 0) {
      const details = { format: 'native', inserted, updated, unchanged, stale, rejected };
      await recordAuditIn(tx, { accountId: ctx.accountId, actor: { apiKeyId: ctx.credentials.keyId }, action: 'calls.import', details });
    }
    // Last: it holds the account's publishing lock until the commit (publishCalls).
    await publishCalls(tx, ctx.accountId, [...changed, ...linked]);
    return counted;
  };
  return dryRun ? rolledBack(ctx.db.sql, work) : ctx.db.sql.transaction(work);
}

builder.mutationFields((t) => ({
  importCalls: t.field({
    type: ImportSummaryRef,
    authScopes: { write: true },
    description: `Imports one vendor document (at most ${MAX_IMPORT_RECORDS} records): the same reader, rules and summary as npm run import (needs the WRITE scope).`,
    args: {
      format: t.arg({ type: ImportFormatEnum, required: true, description: 'Which vendor wrote the document.' }),
      data: t.arg.string({ required: true, description: 'The document as the vendor wrote it (JSON, or XML for CallFire and Restcomm).' }),
      dryRun: t.arg.boolean({ required: false, defaultValue: false, description: 'Count what would happen, and keep nothing.' }),
      defaultRegion: t.arg.string({ required: false, description: 'Region of numbers written without a country code, such as US.' }),
    },
    resolve: async (_root, args, ctx) => {
      try {
        const summary = await importCalls(ctx.db.sql, Readable.from([args.data]), {
          format: args.format as FormatName,
          accountId: ctx.accountId,
          dryRun: args.dryRun ?? false,
          defaultRegion: regionOf(args.defaultRegion),
          batchSize: MAX_IMPORT_RECORDS + 1,
          maxRecords: MAX_IMPORT_RECORDS,
          onFault: 'refuse',
          actor: { apiKeyId: ctx.credentials.keyId },
        });
        return answered(ctx, args.format, summary, args.dryRun ?? false);
      } catch (error) {
        if (error instanceof InputError || error instanceof RecordError) throw new UserInputError(`data: ${error.message}`, { argument: 'data' });
        throw error;
      }
    },
  }),
  upsertCalls: t.field({
    type: ImportSummaryRef,
    authScopes: { write: true },
    description: `Imports calls given as CallInput (at most ${MAX_IMPORT_RECORDS}), with the same summary as importCalls (needs the WRITE scope).`,
    args: {
      calls: t.arg({ type: [CallInput], required: true, description: 'The calls; importing one again updates it.' }),
      dryRun: t.arg.boolean({ required: false, defaultValue: false, description: 'Count what would happen, and keep nothing.' }),
      defaultRegion: t.arg.string({ required: false, description: 'Region of numbers written without a country code, such as US.' }),
    },
    resolve: async (_root, args, ctx) => {
      if (args.calls.length > MAX_IMPORT_RECORDS) throw new UserInputError(`calls: at most ${MAX_IMPORT_RECORDS} per request; got ${args.calls.length}.`);
      const summary = emptySummary();
      const items = args.calls.flatMap((call, index) => {
        try {
          return [staged(index + 1, native.normalize({ ...call }, { defaultRegion: regionOf(args.defaultRegion) }))];
        } catch (error) {
          summary.rejected += 1;
          summary.problems.push({ position: index + 1, externalId: call.externalId, message: (error as Error).message });
          return [];
        }
      });
      return answered(ctx, 'native', await writeNative(ctx, summary, items, args.dryRun ?? false), args.dryRun ?? false);
    },
  }),
}));
