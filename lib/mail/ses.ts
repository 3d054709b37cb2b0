import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mail, Mailer } from './index.js';

export class SesMailer implements Mailer {
  private readonly client = new SESv2Client({});
  constructor(private readonly from: string) {}

  async send(mail: Mail): Promise<{ messageId: string }> {
    const out = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: this.from,
        Destination: { ToAddresses: [mail.to] },
        Content: {
          Simple: {
            Subject: { Data: mail.subject },
            Body: { Text: { Data: mail.text }, ...(mail.html ? { Html: { Data: mail.html } } : {}) },
          },
        },
      }),
    );
    return { messageId: out.MessageId ?? '' };
  }
}
