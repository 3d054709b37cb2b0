/** The catalog of how an identity ticket (and a terminal's device ticket) can be refused (every payments route answers these). */
import { failWith } from '../errors.js';

export type IdentityFailure = 'no_ticket' | 'bad_ticket' | 'no_participant' | 'not_system' | 'no_device' | 'bad_device' | 'device_not_operator';

export const fail = failWith<IdentityFailure>();
