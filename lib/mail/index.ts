/** Outbound mail behind one interface: SES in AWS, SMTP locally (maildev) and in tests. */
import { mailConfig } from '../config/index.js';

export interface Mail {
  to: string;
  subject: string;
  text: string;
  html?: string;
}

export interface Mailer {
  send(mail: Mail): Promise<{ messageId: string }>;
}

let mailer: Mailer | undefined;

export async function getMailer(): Promise<Mailer> {
  if (!mailer) {
    const cfg = mailConfig();
    if (cfg.MAIL_TRANSPORT === 'ses') {
      const { SesMailer } = await import('./ses.js');
      mailer = new SesMailer(cfg.MAIL_FROM);
    } else {
      const { SmtpMailer } = await import('./smtp.js');
      mailer = new SmtpMailer(cfg.SMTP_HOST, Number(cfg.SMTP_PORT), cfg.MAIL_FROM);
    }
  }
  return mailer;
}

export function setMailer(m: Mailer | undefined): void {
  mailer = m;
}
