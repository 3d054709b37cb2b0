/** The catalog of how an identity ticket can be refused (every payments route answers these). */
import { failWith } from '../errors.js';

export type IdentityFailure = 'no_ticket' | 'bad_ticket' | 'no_participant' | 'not_system';

export const fail = failWith<IdentityFailure>();
