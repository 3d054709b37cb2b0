import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');

describe('the OpenAPI document under Redocly', () => {
  it('passes the recommended rules with no errors and no warnings', () => {
    const out = spawnSync(process.execPath, [join(root, 'node_modules/@redocly/cli/bin/cli.js'), 'lint', 'docs/openapi.json', '--format', 'summary'], { cwd: root, encoding: 'utf8', env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } });
    const report = `${out.stdout}\n${out.stderr}`;
    expect(report).toContain('Your API description is valid');
    expect(report).not.toMatch(/\b(error|warning) [a-z0-9-]+:/);
    expect(out.status, report).toBe(0);
  }, 60_000);
});
