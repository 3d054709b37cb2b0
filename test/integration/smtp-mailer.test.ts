/** The SMTP adapter against a real SMTP server (smtp-server), parsed with mailparser. */
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmtpMailer } from '../../lib/mail/smtp.js';

let server: SMTPServer;
let port = 0;
const received: ParsedMail[] = [];

describe('SmtpMailer', () => {
  beforeAll(async () => {
    server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, _session, done) {
        simpleParser(stream).then((mail) => {
          received.push(mail);
          done();
        }, done);
      },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('delivers text and HTML parts to the recipient', async () => {
    const mailer = new SmtpMailer('127.0.0.1', port, 'Rewards <no-reply@rewards.local>');
    await mailer.send({ to: 'alice@example.com', subject: 'Hello', text: 'plain body', html: '<p>html body</p>' });
    expect(received).toHaveLength(1);
    expect(received[0]!.subject).toBe('Hello');
    expect(received[0]!.text?.trim()).toBe('plain body');
    expect(received[0]!.html).toContain('html body');
    expect((received[0]!.to as { text: string }).text).toBe('alice@example.com');
  });

  it('keeps non-ASCII subjects and lines that start with a dot intact', async () => {
    const mailer = new SmtpMailer('127.0.0.1', port, 'Rewards <no-reply@rewards.local>');
    await mailer.send({ to: 'bob@example.com', subject: 'Café ✓ cashback', text: 'line one\n.\n.hidden line' });
    const mail = received.at(-1)!;
    expect(mail.subject).toBe('Café ✓ cashback');
    expect(mail.text?.trim()).toBe('line one\n.\n.hidden line');
  });
});
