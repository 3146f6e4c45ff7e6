import { builder } from './builder.js';
import './types/scalars.js';
import './types/call.js';

export const schema = builder.toSchema({ sortSchema: true });
