import type { PrismaClient } from '../../src/db/generated/client.js';

/*
 * Rows the demo seed lacks, added to the account the differential test reads: a parent with
 * many legs whose start times, durations and prices tie or are missing, a leg known only by its
 * parent's vendor id, attempts with several recordings, recordings whose time and length tie or
 * are missing, and calls created at the same instant. Every ordering then meets ties (broken by
 * id) and NULLs (last ascending, first descending).
 */

const at = (text: string) => new Date(text);
const TIE = at('2026-10-15T12:00:00.000Z');

export async function addEdgeCases(prisma: PrismaClient, accountId: string): Promise<void> {
  const base = { accountId, source: 'NATIVE' as const, payload: { note: 'edge case', nested: { b: 1, a: [2, 3] } } };
  const parent = await prisma.call.create({
    data: {
      ...base,
      externalId: 'edge-parent',
      status: 'COMPLETED',
      direction: 'OUTBOUND_API',
      startTime: TIE,
      answerTime: at('2026-10-15T12:00:05.000Z'),
      endTime: at('2026-10-15T12:10:00.000Z'),
      duration: 600,
      price: '0.120000',
      currency: 'USD',
      fromAddress: '+14155550100',
      fromNumber: '+14155550100',
      toAddress: '+442071838750',
      toNumber: '+442071838750',
      createdAt: TIE,
    },
  });
  // Legs: three share a start time, one has none; durations and prices tie or are missing.
  const legs: Array<[string | null, number | null, string | null, 'COMPLETED' | 'NO_ANSWER' | 'BUSY' | 'QUEUED']> = [
    ['2026-10-15T12:00:10.000Z', 30, '0.010000', 'COMPLETED'],
    ['2026-10-15T12:00:10.000Z', 30, '0.010000', 'NO_ANSWER'],
    ['2026-10-15T12:00:10.000Z', null, null, 'BUSY'],
    [null, null, null, 'QUEUED'],
    ['2026-10-15T12:00:02.000Z', 45, '-0.020000', 'COMPLETED'],
    ['2026-10-15T12:00:30.000Z', 30, '0.010000', 'COMPLETED'],
    [null, 12, null, 'NO_ANSWER'],
  ];
  for (const [index, [start, duration, price, status]] of legs.entries()) {
    await prisma.call.create({
      data: {
        ...base,
        externalId: `edge-leg-${index + 1}`,
        parentId: parent.id,
        parentExternalId: 'edge-parent',
        status,
        direction: 'OUTBOUND_DIAL',
        startTime: start ? at(start) : null,
        endTime: start && duration ? new Date(at(start).getTime() + duration * 1000) : null,
        duration,
        price,
        currency: price ? 'USD' : null,
        toAddress: `+1415555020${index}`,
        toNumber: `+1415555020${index}`,
        createdAt: TIE,
      },
    });
  }
  // A leg whose parent never arrived: a leg by its parent's vendor id alone.
  await prisma.call.create({
    data: { ...base, externalId: 'edge-orphan-leg', parentExternalId: 'edge-missing-parent', status: 'RINGING', startTime: TIE, createdAt: TIE },
  });
  // Calls tying the parent on every sort column, and one with none of them.
  for (const suffix of ['a', 'b']) {
    await prisma.call.create({
      data: { ...base, externalId: `edge-tie-${suffix}`, status: 'FAILED', startTime: TIE, endTime: at('2026-10-15T12:10:00.000Z'), duration: 600, price: '0.120000', currency: 'EUR', createdAt: TIE },
    });
  }
  await prisma.call.create({ data: { ...base, externalId: 'edge-empty', status: 'UNKNOWN', createdAt: TIE } });

  // Attempts with recordings: none, one, several (tied and missing times and lengths).
  const attempted = await prisma.call.create({
    data: { ...base, externalId: 'edge-attempts', status: 'COMPLETED', startTime: at('2026-10-16T09:00:00.000Z'), duration: 90, createdAt: at('2026-10-16T09:30:00.000Z') },
  });
  const attempts = [];
  for (const attempt of [1, 2, 3]) {
    attempts.push(
      await prisma.callRecord.create({
        data: {
          accountId,
          callId: attempted.id,
          attempt,
          externalId: `edge-attempt-${attempt}`,
          result: attempt === 3 ? 'LA' : 'NO_ANS',
          vendorResult: attempt === 3 ? 'LA' : 'NO_ANS',
          originateTime: at(`2026-10-16T09:0${attempt}:00.000Z`),
          answerTime: attempt === 3 ? at('2026-10-16T09:03:05.000Z') : null,
          finishTime: at(`2026-10-16T09:0${attempt}:40.000Z`),
          duration: attempt === 3 ? 35 : null,
          billedAmount: attempt === 3 ? '1.500000' : null,
          switchId: 'sw-1',
          callerName: 'Edge Case',
          questionResponses: attempt === 3 ? [{ question: 'color', response: 'blue' }, { question: 'size', response: 'L' }] : [],
        },
      }),
    );
  }
  const recordings: Array<[number | null, string | null, number | null]> = [
    [1, '2026-10-16T09:03:10.000Z', 20],
    [2, '2026-10-16T09:03:10.000Z', 20],
    [2, null, null],
    [null, '2026-10-16T09:03:10.000Z', null],
    [null, null, 20],
  ];
  for (const [index, [attempt, recordedAt, lengthSeconds]] of recordings.entries()) {
    await prisma.recording.create({
      data: {
        accountId,
        callId: attempted.id,
        callRecordId: attempt === null ? null : attempts[attempt]!.id,
        externalId: `edge-recording-${index + 1}`,
        name: `edge ${index + 1}`,
        recordedAt: recordedAt ? at(recordedAt) : null,
        lengthSeconds,
        url: `https://example.test/recordings/${index + 1}`,
      },
    });
  }
  // A recording on a leg, so a leg's recordings and hasRecording have something to show.
  const leg = await prisma.call.findFirstOrThrow({ where: { accountId, externalId: 'edge-leg-1' } });
  await prisma.recording.create({ data: { accountId, callId: leg.id, externalId: 'edge-leg-recording', recordedAt: TIE, lengthSeconds: 30 } });
}
