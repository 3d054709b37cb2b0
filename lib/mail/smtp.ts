import nodemailer from 'nodemailer';
import type { Mail, Mailer } from './index.js';

export class SmtpMailer implements Mailer {
  private readonly transport;
  constructor(
    host: string,
    port: number,
    private readonly from: string,
  ) {
    this.transport = nodemailer.createTransport({ host, port, secure: false, ignoreTLS: true });
  }

  async send(mail: Mail): Promise<{ messageId: string }> {
    const info = await this.transport.sendMail({ from: this.from, ...mail });
    return { messageId: info.messageId };
  }
}
