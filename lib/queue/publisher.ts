/** Publishes typed messages. Queue URLs are resolved by name once per cold start and cached. */
import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { assertDeclared, coreConfig, queuesConfig } from '../config/index.js';
import { queues, type MessageOf, type QueueName } from './messages.js';

let client: SQSClient | undefined;
const urls = new Map<string, Promise<string>>();

export function sqs(): SQSClient {
  if (!client) {
    const { SQS_ENDPOINT } = queuesConfig();
    client = new SQSClient({
      region: coreConfig().AWS_REGION,
      ...(SQS_ENDPOINT ? { endpoint: SQS_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
    });
  }
  return client;
}

export function resetSqs(): void {
  client = undefined;
  urls.clear();
}

export function queueName(queue: QueueName): string {
  assertDeclared(`queue:${queue}`);
  const name = process.env[queues[queue].env];
  if (!name) throw new Error(`${queues[queue].env} is not set`);
  return name;
}

export function queueUrl(queue: QueueName): Promise<string> {
  const name = queueName(queue);
  let url = urls.get(name);
  if (!url) {
    url = sqs()
      .send(new GetQueueUrlCommand({ QueueName: name }))
      .then((o) => o.QueueUrl!);
    url.catch(() => urls.delete(name));
    urls.set(name, url);
  }
  return url;
}

export async function publish<Q extends QueueName>(queue: Q, message: MessageOf<Q>, options: { delaySeconds?: number } = {}): Promise<void> {
  const parsed = queues[queue].schema.parse(message);
  await sqs().send(
    new SendMessageCommand({
      QueueUrl: await queueUrl(queue),
      MessageBody: JSON.stringify(parsed),
      ...(options.delaySeconds ? { DelaySeconds: Math.min(900, options.delaySeconds) } : {}),
    }),
  );
}
