import { getCountryCallingCode, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** Why one record cannot be imported; the importer reports it with the record's position. */
export class RecordError extends Error {
  override name = 'RecordError';
}

export interface NormalizeOptions {
  /** Region for numbers written without a country code, such as US. */
  defaultRegion?: CountryCode;
}

/**
 * Absent values come as undefined, null, an empty string, an empty element or the string "null";
 * numbers may come as strings and strings as numbers.
 */
export function text(value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' || trimmed === 'null' ? null : trimmed;
}

export function integer(value: unknown, field: string): number | null {
  const raw = text(value);
  if (raw === null) return null;
  if (!/^-?\d+$/.test(raw)) throw new RecordError(`${field} is not a whole number: ${JSON.stringify(value)}`);
  const number = Number(raw);
  if (!Number.isSafeInteger(number) || Math.abs(number) > 2_147_483_647) throw new RecordError(`${field} is out of range: ${raw}`);
  return number;
}

/** A 64-bit vendor id, kept as its digits. */
export function bigint(value: unknown, field: string): string | null {
  const raw = text(value);
  if (raw === null) return null;
  if (!/^\d{1,18}$/.test(raw)) throw new RecordError(`${field} is not a numeric id: ${JSON.stringify(value)}`);
  return raw;
}

/** An exact decimal as text, as DECIMAL(14,6) can hold it. */
export function decimal(value: unknown, field: string): string | null {
  const raw = text(value);
  if (raw === null) return null;
  if (!/^-?\d{1,8}(\.\d+)?$/.test(raw)) throw new RecordError(`${field} is not a decimal amount: ${JSON.stringify(value)}`);
  return raw;
}

/** ISO 4217 codes, as the ICU data in Node knows them. */
const CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

/** Whether `code` is an ISO 4217 currency code, such as USD. */
export const isCurrencyCode = (code: string): boolean => CURRENCIES.has(code);

/** A currency code in capitals; anything but an ISO 4217 code is refused, not cut to the column's three letters. */
export function currency(value: unknown, field: string): string | null {
  const code = text(value)?.toUpperCase() ?? null;
  if (code !== null && !isCurrencyCode(code)) throw new RecordError(`${field} is not an ISO 4217 currency code such as USD: ${JSON.stringify(value).slice(0, 40)}`);
  return code;
}

export function boolean(value: unknown, field: string): boolean | null {
  const raw = text(value)?.toLowerCase() ?? null;
  if (raw === null) return null;
  if (raw === 'true' || raw === '1') return true;
  if (raw === 'false' || raw === '0') return false;
  throw new RecordError(`${field} is not true or false: ${JSON.stringify(value)}`);
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const PBX_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/;
const RFC_2822 = /^(?:[A-Za-z]{3},\s*)?(\d{1,2} [A-Za-z]{3} \d{4} \d{2}:\d{2}(:\d{2})?) ?(GMT|UTC|UT|Z|[+-]\d{4})$/;

/**
 * An instant as ISO-8601 UTC text, from ISO-8601 with an offset, RFC 1123 / 2822 (a wrong
 * weekday is ignored), the PBX's `YYYY-MM-DD HH:MM:SS[.ff]` in UTC, or epoch milliseconds.
 */
export function time(value: unknown, field: string): string | null {
  if (typeof value === 'number') return epoch(value, field);
  if (value instanceof Date) return epoch(value.getTime(), field);
  const raw = text(value);
  if (raw === null) return null;
  let instant = times.get(raw);
  if (instant === undefined) {
    instant = parseTime(raw);
    // A record repeats its times (created, updated and started at once, say); the memo stays small.
    if (times.size >= MAX_REMEMBERED_TIMES) times.clear();
    times.set(raw, instant);
  }
  if (instant === null) throw new RecordError(`${field} is not a time cdrql can read: ${JSON.stringify(value)}`);
  return instant;
}

const MAX_REMEMBERED_TIMES = 64;
const times = new Map<string, string | null>();

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
const RFC_1123_GMT = /^(?:[A-Z][a-z]{2}, )?(\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/;

/**
 * RFC 1123 in GMT, the form FreeClimb and Restcomm write every time in, read field by field:
 * V8's parser of such strings was a tenth of an import's time. Null when it is another form or
 * names a day that does not exist, for parseTime to judge.
 */
function rfc1123(raw: string): Date | null {
  const m = RFC_1123_GMT.exec(raw);
  const month = m && MONTHS[m[2]!];
  if (!m || month === undefined || month === null) return null;
  const [day, hours, minutes, seconds] = [Number(m[1]), Number(m[4]), Number(m[5]), Number(m[6])];
  const date = new Date(Date.UTC(Number(m[3]), month, day, hours, minutes, seconds));
  return date.getUTCDate() === day && hours < 24 && minutes < 60 && seconds < 60 ? date : null;
}

const CANONICAL_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * A time already in the form parseTime returns (ISO-8601 UTC with milliseconds, as CallFire and
 * jambonz write them) is its own answer, unless V8 would move it: a day after the 28th may roll
 * over into the next month, and 24:00 into the next day. Undefined for other forms.
 */
function canonicalUtc(raw: string): string | null | undefined {
  if (!CANONICAL_UTC.test(raw)) return undefined;
  const time = Date.parse(raw);
  if (Number.isNaN(time)) return null;
  return raw.slice(8, 10) <= '28' && raw.slice(11, 13) !== '24' ? raw : new Date(time).toISOString();
}

const PBX_TIME_FIELDS = /^(\d{4}-(\d{2})-(\d{2})) ((\d{2}):(\d{2}):(\d{2}))(?:\.(\d{3}))?$/;

/**
 * The PBX's UTC form (`2026-08-01 12:34:56`, milliseconds optional) written as ISO-8601 by moving
 * its fields, without V8's date parser, which the general path runs for every value and which
 * costs far more than the move. Undefined for a value whose fields lie outside their ranges, or with another number of
 * fraction digits, which V8 may move (a 30th of February) and the general path judges.
 */
function pbxUtc(raw: string): string | undefined {
  const m = PBX_TIME_FIELDS.exec(raw);
  if (!m || m[2]! < '01' || m[2]! > '12' || m[3]! < '01' || m[3]! > '28' || m[5]! > '23' || m[6]! > '59' || m[7]! > '59') return undefined;
  return `${m[1]}T${m[4]}.${m[8] ?? '000'}Z`;
}

/** The ISO-8601 UTC text of a time written in one of time()'s forms, or null. */
function parseTime(raw: string): string | null {
  const canonical = canonicalUtc(raw) ?? pbxUtc(raw);
  if (canonical !== undefined) return canonical;
  let date = rfc1123(raw) ?? undefined;
  if (date) return date.toISOString();
  if (ISO.test(raw)) date = new Date(raw);
  else if (PBX_TIME.test(raw)) date = new Date(raw.replace(' ', 'T') + 'Z');
  else {
    const rfc = RFC_2822.exec(raw);
    if (rfc) date = new Date(`${rfc[1]} ${rfc[3] === 'Z' || rfc[3] === 'UT' ? 'GMT' : rfc[3]}`);
    else if (/^\d{12,13}$/.test(raw)) date = new Date(Number(raw));
  }
  return date && !Number.isNaN(date.getTime()) ? date.toISOString() : null;
}

function epoch(milliseconds: number, field: string): string {
  const fast = isoOfEpoch(milliseconds);
  if (fast !== undefined) return fast;
  const date = new Date(milliseconds);
  if (!Number.isFinite(milliseconds) || Number.isNaN(date.getTime())) throw new RecordError(`${field} is not a time: ${milliseconds}`);
  return date.toISOString();
}

/** Milliseconds of 0000-01-01 and of 10000-01-01: the range whose years toISOString writes in four digits. */
const YEAR_0_MS = -62_167_219_200_000;
const YEAR_10000_MS = 253_402_300_800_000;

const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);

/**
 * toISOString's text of a whole number of milliseconds in years 0-9999, by arithmetic on the
 * day count (the proleptic Gregorian calendar in eras of 400 years), without making a Date and
 * formatting it for every time of every record (jambonz writes its times as epoch milliseconds).
 * Undefined for anything else, which toISOString judges.
 */
function isoOfEpoch(ms: number): string | undefined {
  if (!Number.isInteger(ms) || ms < YEAR_0_MS || ms >= YEAR_10000_MS) return undefined;
  const days = Math.floor(ms / 86_400_000);
  const inDay = ms - days * 86_400_000;
  const shifted = days + 719_468; // days since 0000-03-01
  const era = Math.floor(shifted / 146_097);
  const dayOfEra = shifted - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const hours = Math.floor(inDay / 3_600_000);
  const minutes = Math.floor((inDay % 3_600_000) / 60_000);
  const seconds = Math.floor((inDay % 60_000) / 1000);
  const millis = inDay % 1000;
  return `${String(year).padStart(4, '0')}-${two(month)}-${two(day)}T${two(hours)}:${two(minutes)}:${two(seconds)}.${String(millis).padStart(3, '0')}Z`;
}

export interface Party {
  /** As the vendor gave it. */
  address: string | null;
  /** E.164, when the address is a possible phone number. */
  number: string | null;
}

const DIALLABLE = /^\+?[\d\s().-]{4,}$/;

/**
 * A party as given, and its E.164 form when it is a phone number: with a +, as E.164 digits
 * without one (CallFire, the PBX), or as a national number of the default region.
 */
export function party(value: unknown, options: NormalizeOptions): Party {
  const address = text(value);
  if (address === null || !DIALLABLE.test(address)) return { address, number: null };
  const region = options.defaultRegion ?? '';
  let parsed = parsedIn.get(region);
  if (!parsed) parsedIn.set(region, (parsed = new Map()));
  let number = parsed.get(address);
  if (number === undefined) {
    number = e164(address, options);
    // Call records repeat the same numbers (DIDs, regular callers); parsing one costs microseconds.
    if (parsed.size >= MAX_REMEMBERED_NUMBERS) parsed.clear();
    parsed.set(address, number);
  }
  return { address, number };
}

const MAX_REMEMBERED_NUMBERS = 100_000;
/** E.164 forms by default region, then by address. */
const parsedIn = new Map<string, Map<string, string | null>>();

/**
 * A North American number (+1, then an area code and a number that start with 2-9) is its own
 * E.164 form and always possible: most vendors' numbers are such, and libphonenumber spends
 * microseconds on each finding which of the 25 countries of +1 it belongs to.
 */
const NANP = /^\+1[2-9]\d{9}$/;
const NANP_NATIONAL = /^[2-9]\d{9}$/;

function e164(address: string, options: NormalizeOptions): string | null {
  const digits = address.replace(/[^\d]/g, '');
  if (NANP.test(`+${digits}`) && (address.startsWith('+') || digits.length === 11)) return `+${digits}`;
  if (options.defaultRegion && NANP_NATIONAL.test(digits) && !address.startsWith('+') && getCountryCallingCode(options.defaultRegion) === '1') return `+1${digits}`;
  const candidates = address.startsWith('+')
    ? [`+${digits}`]
    : [...(digits.length >= 11 ? [`+${digits}`] : []), ...(options.defaultRegion ? [digits] : [])];
  for (const candidate of candidates) {
    const number = parsePhoneNumberFromString(candidate, options.defaultRegion);
    if (number?.isPossible()) return number.number;
  }
  return null;
}

/** The E.164 form of a number-only field (a DID, a diversion number), or the value as given. */
export const phone = (value: unknown, options: NormalizeOptions): string | null => {
  const { address, number } = party(value, options);
  return number ?? address;
};

/** Looks a vendor word up in a vocabulary; unknown words get `fallback`. */
export function vocabulary<T extends string>(value: unknown, words: Record<string, T>, fallback: T): T;
export function vocabulary<T extends string>(value: unknown, words: Record<string, T>): T | null;
export function vocabulary<T extends string>(value: unknown, words: Record<string, T>, fallback: T | null = null): T | null {
  const raw = text(value);
  if (raw === null) return null;
  return words[raw] ?? words[raw.toLowerCase()] ?? fallback;
}

/** A duration from start and end, only when the vendor gave both times and no duration. */
export function derivedDuration(given: number | null, start: string | null, end: string | null): number | null {
  if (given !== null || start === null || end === null) return given;
  const seconds = Math.round((Date.parse(end) - Date.parse(start)) / 1000);
  return seconds >= 0 ? seconds : null;
}
