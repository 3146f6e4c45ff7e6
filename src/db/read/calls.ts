import type { Entity } from './entity.js';
import { isoTime } from './sql.js';

/** Plain columns whose GraphQL field is the camelCase of the column, read as they are. */
const PLAIN_COLUMNS = [
  'source', 'external_id', 'vendor_account_id', 'uri', 'sip_call_id', 'parent_external_id',
  'from_address', 'from_number', 'from_domain', 'caller_name', 'to_address', 'to_number', 'to_domain',
  'forwarded_from', 'diversion_number', 'did_number', 'did_domain', 'bridged_address', 'bridged_domain',
  'phone_number_id', 'vendor_revision', 'duration', 'connect_duration', 'bridged_duration',
  'status', 'vendor_status', 'direction', 'vendor_direction', 'answered_by', 'vendor_answered_by',
  'hangup_cause', 'hangup_disposition', 'pbx_result', 'callfire_state', 'callfire_final_result', 'vendor_result',
  'sip_status', 'sip_reason', 'application_id', 'service_url', 'originating_sip_ip', 'originating_sip_trunk',
  'api_version', 'label', 'payload', 'revision',
] as const;

const TIME_COLUMNS = [
  'vendor_created_at', 'vendor_updated_at', 'start_time', 'answer_time', 'bridged_time', 'end_time', 'created_at', 'updated_at',
] as const;

/** Vendor ids that are 64-bit numbers travel as text, as JSON numbers would lose digits. */
const BIGINT_COLUMNS = ['broadcast_id', 'batch_id', 'contact_id'] as const;

export const camel = (column: string) => column.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

function columnsOf(alias: string, plain: readonly string[], times: readonly string[], bigints: readonly string[]) {
  return Object.fromEntries([
    ...plain.map((column) => [camel(column), `${alias}.${column}`]),
    ...times.map((column) => [camel(column), isoTime(`${alias}.${column}`)]),
    ...bigints.map((column) => [camel(column), `${alias}.${column}::text`]),
  ]) as Record<string, string>;
}

/**
 * A call counts as answered when it has an answer time or its status says it was answered:
 * Restcomm and jambonz report no answer time.
 */
export const ANSWERED = (alias: string) => `(${alias}.answer_time IS NOT NULL OR ${alias}.status IN ('COMPLETED', 'IN_PROGRESS'))`;
export const IS_LEG = (alias: string) => `(${alias}.parent_id IS NOT NULL OR ${alias}.parent_external_id IS NOT NULL)`;
export const HAS_RECORDING = (alias: string) => `EXISTS (SELECT 1 FROM recordings hr WHERE hr.call_id = ${alias}.id)`;

export const callEntity: Entity = {
  table: 'calls',
  alias: 'c',
  columns: {
    ...columnsOf('c', PLAIN_COLUMNS, TIME_COLUMNS, BIGINT_COLUMNS),
    id: 'c.id::text',
    parentId: 'c.parent_id::text',
    extension: `CASE WHEN c.extension_id IS NULL AND c.extension_name IS NULL THEN NULL ELSE json_build_object(
      'id', c.extension_id::text, 'name', c.extension_name, 'type', c.extension_type,
      'groupId', c.extension_group_id::text, 'externalNumber', c.extension_external_number) END`,
    price: `CASE WHEN c.price IS NULL THEN NULL ELSE json_build_object('amount', c.price::text, 'currency', c.currency) END`,
    quality: `CASE WHEN c.quality_rate IS NULL THEN NULL ELSE json_build_object('rate', c.quality_rate, 'maxRate', c.quality_max_rate) END`,
    isLeg: IS_LEG('c'),
    answered: ANSWERED('c'),
    hasRecording: HAS_RECORDING('c'),
  },
  requires: { parent: ['parentId'] },
  orders: {
    START_TIME: { column: 'c.start_time', type: 'timestamptz', text: isoTime('c.start_time') },
    END_TIME: { column: 'c.end_time', type: 'timestamptz', text: isoTime('c.end_time') },
    CREATED_AT: { column: 'c.created_at', type: 'timestamptz', text: isoTime('c.created_at') },
    DURATION: { column: 'c.duration', type: 'integer', text: 'c.duration::text' },
    PRICE: { column: 'c.price', type: 'numeric', text: 'c.price::text' },
  },
};
