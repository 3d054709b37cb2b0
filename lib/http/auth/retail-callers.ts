/** The terminal and user auth schemes' callers as retail sessions know them. */
import type { SessionCaller, Terminal } from '../../retail/sessions.js';
import type { TerminalCaller, UserOrTerminalCaller } from './identity.js';

export const terminalOf = (c: TerminalCaller): Terminal => ({ operator: c.operator.sub, deviceId: c.device.deviceId, participant: c.device.participant });

export const sessionCallerOf = (c: UserOrTerminalCaller): SessionCaller => (c.kind === 'terminal' ? { kind: 'terminal', terminal: terminalOf(c) } : { kind: 'user', user: c.claims.sub });
