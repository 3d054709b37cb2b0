/** Outbound SMS behind one interface: Amazon SNS in AWS, a log sink locally (the code shows in the workers' log). */
import { assertDeclared, cardsConfig } from '../config/index.js';
import { log } from '../log/index.js';

export interface SmsSender {
  send(to: string, text: string): Promise<void>;
}

/** Local stand-in: writes the message to the structured log instead of a phone. */
export const logSms: SmsSender = {
  async send(to, text) {
    log.info('sms (log sink)', { to, text });
  },
};

let sender: SmsSender | undefined;

export async function getSmsSender(): Promise<SmsSender> {
  assertDeclared('sms');
  if (!sender) {
    if (cardsConfig().SMS_TRANSPORT === 'sns') {
      const { SNSClient, PublishCommand } = await import('@aws-sdk/client-sns');
      const sns = new SNSClient({});
      sender = {
        async send(to, text) {
          await sns.send(new PublishCommand({ PhoneNumber: to, Message: text, MessageAttributes: { 'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: 'Transactional' } } }));
        },
      };
    } else sender = logSms;
  }
  return sender;
}

export function setSmsSender(s: SmsSender | undefined): void {
  sender = s;
}
