/** Named integer sequences (ids the cards API shows as integers, HD wallet indexes). Gaps are possible, reuse is not. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from './client.js';
import { fields } from './item.js';
import * as keys from './keys.js';

export const countersRepo = {
  /** Next integer of a named sequence (ids the cards API shows as integers). Gaps are possible, reuse is not. */
  async next(name: string): Promise<number> {
    const out = await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.counter(name),
        UpdateExpression: 'ADD #v :one SET #type = :type',
        ExpressionAttributeNames: { '#v': 'value', '#type': 'type' },
        ExpressionAttributeValues: { ':one': 1, ':type': 'Counter' },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return fields(out.Attributes ?? {}, `Counter ${name}`).int('value');
  },
};
