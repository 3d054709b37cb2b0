import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { DomainError, failWith } from '../../lib/errors.js';
import { ConfigError } from '../../lib/config/index.js';
import { ContentionError } from '../../lib/db/errors.js';
import { ApiError } from '../../lib/http/errors.js';
import { errorSchemaOf } from '../../lib/docs/error-schemas.js';
import { cardsFamily, cashoutFamily, docsFamily, partnerCashbackFamily, paymentsFamily, platformFamily } from '../../lib/http/families.js';
import { toApiError } from '../../lib/http/handler.js';
import { log } from '../../lib/log/index.js';

const ROOT = join(import.meta.dirname, '../..');

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('domain failures and the families’ tables', () => {
  it('answer a failure with the family’s status, wire code, envelope and details', () => {
    const pinLocked = failWith<'pin_locked'>()('pin_locked', 'locked until noon', { locked_until: 'noon' });
    const answer = toApiError(cardsFamily, pinLocked);
    expect(answer).toMatchObject({ status: 403, code: 'pin_locked', message: 'locked until noon', details: { locked_until: 'noon' } });
    expect(cardsFamily.errorBody(answer)).toEqual({ success: false, error: { code: 'pin_locked', message: 'locked until noon', details: { locked_until: 'noon' } } });

    // A failure whose wire code differs from its name.
    expect(toApiError(cashoutFamily, new DomainError('provider_exists', 'taken'))).toMatchObject({ status: 409, code: 'item_exists' });
    expect(toApiError(platformFamily, new DomainError('link_expired', 'expired'))).toMatchObject({ status: 410, code: 'expired' });
    expect(paymentsFamily.errorBody(toApiError(paymentsFamily, new DomainError('no_ticket', 'header required')))).toMatchObject({ error_id: 'payments-no_ticket' });
    expect(toApiError(partnerCashbackFamily, new DomainError('unknown_partner', 'authentication failed'))).toMatchObject({ status: 401 });
  });

  it('turn a failure the family does not answer, and anything unexpected, into a logged 500 that says nothing inside', () => {
    const logged = vi.spyOn(log, 'error').mockImplementation(() => {});
    try {
      expect(toApiError(cardsFamily, new DomainError('claim_not_found', 'no such claim'))).toMatchObject({ status: 500, code: 'internal', message: 'internal error' });
      expect(logged).toHaveBeenCalledWith(expect.any(String), expect.objectContaining({ family: 'cashback-cards', code: 'claim_not_found' }));
    } finally {
      logged.mockRestore();
    }
    expect(toApiError(cardsFamily, new Error('boom'))).toMatchObject({ status: 500, code: 'internal' });
    expect(toApiError(cardsFamily, new ContentionError('x'))).toMatchObject({ status: 503, code: 'busy' });
    expect(toApiError(cardsFamily, new ConfigError('x'))).toMatchObject({ status: 500, code: 'misconfigured' });
    const wire = new ApiError(415, 'unsupported_media_type', 'send JSON');
    expect(toApiError(cardsFamily, wire)).toBe(wire);
  });

  it('every table answers with an error status, in the envelope the document shows for the family', () => {
    for (const family of [cardsFamily, cashoutFamily, partnerCashbackFamily, paymentsFamily, platformFamily, docsFamily]) {
      for (const [code, answer] of Object.entries(family.errors)) {
        const status = typeof answer === 'number' ? answer : answer[0];
        expect(status >= 400 && status < 600, `${family.name} ${code}`).toBe(true);
        const body = family.errorBody(toApiError(family, new DomainError(code, 'it failed', { why: 'test' })));
        expect(errorSchemaOf(family).safeParse(body).success, `${family.name} ${code}`).toBe(true);
      }
    }
  });

  it('domain code throws its own failures and never imports the HTTP layer', () => {
    const offenders: string[] = [];
    for (const file of sources(join(ROOT, 'lib'))) {
      const path = relative(ROOT, file);
      if (path.startsWith('lib/http/') || path.startsWith('lib/docs/')) continue;
      const text = readFileSync(file, 'utf8');
      if (/from '[./]*http\//.test(text) || /new ApiError\(/.test(text)) offenders.push(path);
    }
    expect(offenders).toEqual([]);
  });
});
