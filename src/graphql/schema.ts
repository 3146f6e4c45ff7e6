import { builder } from './builder.js';
import './types/scalars.js';
import './types/enums.js';
import './types/filters.js';
import './types/call.js';
import './types/call-record.js';
import './types/recording.js';
import './types/node.js';
import './types/api-key.js';
import './types/import.js';
import './types/statistics.js';
import './types/call-changed.js';
import './types/webhook-endpoint.js';

export const schema = builder.toSchema({ sortSchema: true });
