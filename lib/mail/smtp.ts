/**
 * A small SMTP client for local capture servers (maildev, smtp-server in tests): plain SMTP, no TLS or
 * auth, multipart text + HTML. Production mail goes through SES (./ses.ts); keeping this dependency-free
 * keeps the mail worker's bundle small.
 */
import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import type { Mail, Mailer } from './index.js';

const encodeHeader = (v: string) => (/^[\x20-\x7e]*$/.test(v) ? v : `=?UTF-8?B?${Buffer.from(v, 'utf8').toString('base64')}?=`);
const base64Lines = (v: string) => Buffer.from(v, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n');
const bareAddress = (v: string) => /<([^>]+)>/.exec(v)?.[1] ?? v.trim();

export function buildMessage(from: string, mail: Mail, messageId: string, date = new Date()): string {
  const boundary = `b_${randomUUID()}`;
  const headers = [`From: ${from}`, `To: ${mail.to}`, `Subject: ${encodeHeader(mail.subject)}`, `Message-ID: <${messageId}>`, `Date: ${date.toUTCString()}`, 'MIME-Version: 1.0'];
  const part = (type: string, body: string) => [`--${boundary}`, `Content-Type: ${type}; charset=utf-8`, 'Content-Transfer-Encoding: base64', '', base64Lines(body)].join('\r\n');
  const body = mail.html
    ? [`Content-Type: multipart/alternative; boundary="${boundary}"`, '', part('text/plain', mail.text), part('text/html', mail.html), `--${boundary}--`].join('\r\n')
    : ['Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: base64', '', base64Lines(mail.text)].join('\r\n');
  return `${headers.join('\r\n')}\r\n${body}\r\n`;
}

/** Reads SMTP replies (multi-line aware) and checks their codes. */
class Conversation {
  private buffer = '';
  private waiting: ((line: string) => void) | undefined;
  private failure: Error | undefined;

  constructor(private readonly socket: Socket) {
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.drain();
    });
    socket.on('error', (err) => {
      this.failure = err;
      this.waiting?.('');
    });
  }

  private drain(): void {
    // A complete reply ends with a line "NNN text" (space, not hyphen, after the code).
    const m = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n/.exec(this.buffer);
    if (m && this.waiting) {
      const reply = this.buffer.slice(0, m.index + m[0].length);
      this.buffer = this.buffer.slice(reply.length);
      const resolve = this.waiting;
      this.waiting = undefined;
      resolve(reply);
    }
  }

  async expect(code: number, command?: string): Promise<void> {
    if (command !== undefined) this.socket.write(`${command}\r\n`);
    const reply = await new Promise<string>((resolve) => {
      this.waiting = resolve;
      this.drain();
    });
    if (this.failure) throw this.failure;
    const last = reply.trimEnd().split('\r\n').pop() ?? '';
    if (!last.startsWith(String(code))) throw new Error(`SMTP ${command?.split(' ')[0] ?? 'greeting'}: expected ${code}, got "${last}"`);
  }
}

export class SmtpMailer implements Mailer {
  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly from: string,
  ) {}

  async send(mail: Mail): Promise<{ messageId: string }> {
    const messageId = `${randomUUID()}@${bareAddress(this.from).split('@')[1] ?? 'localhost'}`;
    const socket = connect({ host: this.host, port: this.port });
    socket.setTimeout(15_000, () => socket.destroy(new Error('SMTP timeout')));
    const smtp = new Conversation(socket);
    try {
      await smtp.expect(220);
      await smtp.expect(250, 'EHLO rewards.local');
      await smtp.expect(250, `MAIL FROM:<${bareAddress(this.from)}>`);
      await smtp.expect(250, `RCPT TO:<${bareAddress(mail.to)}>`);
      await smtp.expect(354, 'DATA');
      // Dot-stuffing: a line starting with "." gets another one.
      const data = buildMessage(this.from, mail, messageId).replace(/^\./gm, '..');
      await smtp.expect(250, `${data}.`);
      await smtp.expect(221, 'QUIT').catch(() => undefined);
      return { messageId };
    } finally {
      socket.end();
    }
  }
}
