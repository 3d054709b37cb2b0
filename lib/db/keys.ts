/**
 * Every key of the single table is built here and nowhere else.
 * Prefixes are upper case with '#'; ids that sort by time are ULIDs.
 */
export type Network = 'main' | 'test';

export const keys = {
  partner: (name: string) => ({ PK: `PARTNER#${name}`, SK: 'PROFILE' }),
  order: (network: Network, partner: string, orderId: string) => ({
    PK: `ORDER#${network}#${partner}#${orderId}`,
    SK: 'ORDER',
  }),
  account: (accountId: string) => ({ PK: `ACCOUNT#${accountId}`, SK: 'BALANCE' }),
  posting: (accountId: string, entryUlid: string) => ({ PK: `ACCOUNT#${accountId}`, SK: `POSTING#${entryUlid}` }),
  postingPrefix: 'POSTING#',
  entry: (idempotencyKey: string) => ({ PK: `ENTRY#${idempotencyKey}`, SK: 'ENTRY' }),
  entriesByDay: (day: string) => `ENTRIES#${day}`,
  rates: () => ({ PK: 'CONFIG#RATES', SK: 'CONFIG' }),
  payout: (unit: string) => ({ PK: `PAYOUT#${unit}`, SK: 'PAYOUT' }),
  payoutsByStatus: (status: string) => `PAYOUTS#${status}`,
  textcoin: (id: string) => ({ PK: `TEXTCOIN#${id}`, SK: 'TEXTCOIN' }),
  textcoinsByStatus: (status: string) => `TEXTCOINS#${status}`,
} as const;

/** Ledger account ids: `<network>:<kind>:<id>`. */
export const accountIds = {
  fundShard: (network: Network, shard: number) => `${network}:fund:${shard}`,
  partnerDeposit: (network: Network, partner: string) => `${network}:partner:${partner}`,
  customer: (network: Network, address: string) => `${network}:customer:${address}`,
  textcoin: (network: Network, id: string) => `${network}:textcoin:${id}`,
  /** Tokens that left the ledger on chain. */
  chainOut: (network: Network) => `${network}:chain-out`,
  /** Counterpart of admin deposits: value entering the platform from outside; may go negative. */
  external: (network: Network) => `${network}:external`,
};
