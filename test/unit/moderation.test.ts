import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { handler as decideHandler } from '../../functions/coins/transfer-decide.js';
import { handler as pageHandler } from '../../functions/coins/transfer-decision-page.js';
import { confirmationPage, decide, moderationCode, readCode } from '../../lib/coins/moderation.js';
import { resetConfig } from '../../lib/config/index.js';
import { textcoinByCode, textcoinCode } from '../../lib/payouts/index.js';
import { hmacBase64Url } from '../../lib/security/secrets.js';
import { httpEvent, lambdaContext } from '../fixtures/events.js';

describe('moderation links', () => {
  it('carry the transfer and the moderator, and refuse tampering and expiry', () => {
    const code = moderationCode('t-1', 'mod@example.com');
    expect(readCode(code)).toEqual({ transferUuid: 't-1', moderator: 'mod@example.com' });
    const [payload, sig] = code.split('.');
    const other = Buffer.from(JSON.stringify({ t: 't-2', m: 'mod@example.com', e: 9e9 })).toString('base64url');
    expect(() => readCode(`${other}.${sig}`)).toThrow(/not valid/);
    expect(() => readCode(`${payload}.${sig}x`)).toThrow(/not valid/);
    const old = moderationCode('t-1', 'mod@example.com', Date.now() - 100 * 3600_000);
    expect(() => readCode(old)).toThrow(/expired/);
  });
});

describe('link secrets are kept per purpose', () => {
  it('a moderation code signed with the textcoin secret is refused', () => {
    const [payload, sig] = moderationCode('t-1', 'mod@example.com').split('.');
    const withTextcoinSecret = hmacBase64Url(process.env.TEXTCOIN_LINK_SECRET!, `moderation:${payload}`, 24);
    expect(withTextcoinSecret).not.toBe(sig);
    expect(() => readCode(`${payload}.${withTextcoinSecret}`)).toThrow(expect.objectContaining({ code: 'bad_link' }));
  });

  it('a textcoin link signed with the moderation secret is refused', async () => {
    const unit = Buffer.alloc(32, 7).toString('base64');
    const [id, sig] = textcoinCode(unit).split('.');
    const withModerationSecret = hmacBase64Url(process.env.MODERATION_LINK_SECRET!, `textcoin:${id}`);
    expect(withModerationSecret).not.toBe(sig);
    // Refused on the signature, before any lookup (unit tests reach no table).
    await expect(textcoinByCode(`${id}.${withModerationSecret}`)).rejects.toMatchObject({ code: 'invalid_link' });
  });
});

describe('a moderator removed from the list', () => {
  const ddbMock = mockClient(DynamoDBDocumentClient);
  const pending = { uuid: 't-9', user: 'urn:authenticateit:user:u', address: '0xe40555b43d60656b9510860A11D6bDCDDb8E78A2', coins: '3000000000000000000', fee: '1000000000000000000', status: 'pending', ts: '2025-01-01T00:00:00.000Z' };
  const setModerators = (list: string) => {
    process.env.MODERATORS = list;
    resetConfig();
  };
  beforeEach(() => {
    ddbMock.reset();
    ddbMock.on(GetCommand).resolves({ Item: pending });
  });
  afterEach(() => {
    delete process.env.MODERATORS;
    resetConfig();
  });

  it('can no longer open the page or decide with an old link; one still listed can, in any letter case', async () => {
    setModerators('Mod@Example.com, other@example.com');
    const code = moderationCode('t-9', 'mod@example.com');
    expect(await confirmationPage(code, 'approve')).toContain('Approve this transfer?');

    setModerators('other@example.com');
    await expect(confirmationPage(code, 'approve')).rejects.toMatchObject({ code: 'moderator_removed' });
    await expect(decide(code, 'reject')).rejects.toMatchObject({ code: 'moderator_removed' });
    expect(ddbMock.commandCalls(GetCommand)).toHaveLength(1); // only the listed moderator's page read the transfer
  });

  it('is answered a 403 page saying the link is no longer valid, on the GET and the POST', async () => {
    setModerators('other@example.com');
    const code = moderationCode('t-9', 'mod@example.com');
    for (const [handler, method] of [[pageHandler, 'GET'], [decideHandler, 'POST']] as const) {
      const event = { ...httpEvent(method, '/user/ethereum/transfer/{code}/{decision}'), pathParameters: { code, decision: 'approve' } };
      const res = (await handler(event, lambdaContext)) as { statusCode: number; headers: Record<string, string>; body: string };
      expect(res.statusCode, method).toBe(403);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain('this approval link is no longer valid');
    }
  });
});
