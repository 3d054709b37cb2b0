/**
 * User coins (payments service), first part: identity tickets on every call, a user's Ethereum addresses, and a
 * participant's Ethereum account. Input arrives validated (./schema.ts): addresses checksummed, amounts as bigints.
 */
import { isoSeconds } from '../wire.js';
import { ttlCache } from '../cache.js';
import { Erc20Reader } from '../chain/erc20.js';
import * as keys from '../db/keys.js';
import { accountIds } from '../db/keys.js';
import { getBalance } from '../ledger/index.js';
import { coinsConfig } from '../config/index.js';
import { coinTransferDecisions, coinTransfersRepo, participantsRepo, userAddressesRepo, type CoinTransfer, type StoredCoinTransfer } from './repository.js';
import { InsufficientFundsError } from '../db/errors.js';
import { keyedRequest } from '../db/request-keys.js';
import { transferNow, transfersNow, transferView } from './views.js';
import { transactWrite, type GuardedItem } from '../db/transact.js';
import { entryItems } from '../ledger/index.js';
import { randomUUID } from 'node:crypto';
import { depositAddress } from './deposits.js';
import { refuseWhileLocked, withdrawalRoom, withdrawalWithinRoom } from '../withdrawals/index.js';
import { fail } from './failures.js';
import type {
  AddAddressInput,
  AddressList,
  CoinsBalance,
  DepositView,
  ParticipantAccount,
  ParticipantDeposit,
  ParticipantEthereumInput,
  RemoveAddressesInput,
  TransferHistory,
  TransferInput,
  TransferRequested,
  TransferView,
} from './schema.js';

/** Adds an address, or updates its description; at most 20 per user. */
export async function addAddress(user: string, input: AddAddressInput): Promise<AddressList> {
  const { address, description } = input;
  const list = await userAddressesRepo.list(user);
  if (list.length >= 20 && !list.some((a) => a.address === address)) throw fail('too_many_addresses', 'a user can register at most 20 addresses');
  await userAddressesRepo.put(user, { address, description: description ?? '', ts: isoSeconds(new Date()) });
  return { list: await userAddressesRepo.list(user) };
}

export const listAddresses = async (user: string): Promise<AddressList> => ({ list: await userAddressesRepo.list(user) });

export async function removeAddresses(user: string, input: RemoveAddressesInput): Promise<AddressList> {
  await userAddressesRepo.remove(user, input.list);
  return { list: await userAddressesRepo.list(user) };
}

export async function participantEthereum(participant: string): Promise<ParticipantAccount> {
  return { address: (await participantsRepo.getAddress(participant)) ?? null };
}

/** Transfers of this user not yet final: requested, or approved and still settling on chain. */
export async function transfersInFlight(user: string): Promise<number> {
  const { history } = await transferHistory(user);
  return history.filter((h) => h.status === 'pending').length;
}

export async function setParticipantEthereum(participant: string, input: ParticipantEthereumInput, user?: string): Promise<ParticipantAccount> {
  const { address } = input;
  const inFlight = user ? await transfersInFlight(user) : 0;
  if (inFlight > 0) {
    throw fail('transfers_in_flight', `the Ethereum account cannot change while ${inFlight} transfer(s) are pending or settling: wait until they finish`, { in_flight: inFlight });
  }
  await participantsRepo.setAddress(participant, address, new Date().toISOString());
  return { address };
}

let reader: Erc20Reader | undefined;
const chainBalances = ttlCache<string, bigint>(() => Number(coinsConfig().BALANCE_CACHE_SECONDS) * 1000);

/** `account_coins` (ledger) + `balance_coins` (on chain, over the user's addresses, briefly cached). */
export async function coinsBalance(user: string): Promise<CoinsBalance> {
  const cfg = coinsConfig();
  reader ??= new Erc20Reader(cfg.RPC_URL, cfg.TOKEN_ADDRESS);
  const [account, addresses] = await Promise.all([getBalance(accountIds.userCoins(user)), userAddressesRepo.list(user)]);
  let onChain = 0n;
  try {
    const balances = await Promise.all(addresses.map((a) => chainBalances.get(a.address, () => reader!.balanceOf(a.address))));
    onChain = balances.reduce<bigint>((sum, b) => sum + (b ?? 0n), 0n);
  } catch {
    throw fail('chain_unavailable', 'on-chain balances cannot be read right now, retry shortly');
  }
  return {
    account_coins: account.toString(),
    balance_coins: onChain.toString(),
    coins_fee: { max: cfg.COINS_FEE_MAX, min: cfg.COINS_FEE_MIN },
    total_coins: (account + onChain).toString(),
  };
}

/**
 * Moves coins + fee from the user's ledger account to the transfer's hold in one transaction with the
 * transfer record: concurrent transfers can never spend the same coins (the debit is conditioned on the
 * balance). Moderators then approve (the hold settles on chain) or reject (the hold returns).
 *
 * With an Idempotency-Key (the user's own, kept 24 hours) the key is taken in that same transaction: a retry
 * with the same request answers the transfer the key created, as it is now, and holds nothing again; the key
 * with another request is refused; of concurrent requests with one key, one creates the transfer.
 */
export async function requestTransfer(user: string, input: TransferInput, idempotencyKey?: string): Promise<TransferRequested> {
  const { address, coins, fee } = input;
  const cfg = coinsConfig();
  // The bounds are configuration, and the answer names them (error_data).
  if (fee < BigInt(cfg.COINS_FEE_MIN) || fee > BigInt(cfg.COINS_FEE_MAX)) {
    throw fail('bad_fee', `fee must be between ${cfg.COINS_FEE_MIN} and ${cfg.COINS_FEE_MAX}`, { min: cfg.COINS_FEE_MIN, max: cfg.COINS_FEE_MAX });
  }
  const keyed = {
    key: idempotencyKey === undefined ? undefined : keys.coinTransferRequestKey(user, idempotencyKey),
    type: 'TransferRequestKey',
    owner: { user },
    request: [address, coins.toString(), fee.toString()],
    answer: async (uuid: string) => {
      const t = await coinTransferDecisions.get(uuid);
      return t && transferNow(t);
    },
    reused: () => fail('idempotency_key_reused', 'this Idempotency-Key was already used for a transfer request with another address, coins or fee'),
  };
  return keyedRequest(keyed, (keyItems) => holdTransfer(user, input, keyItems));
}

async function holdTransfer(user: string, { address, coins, fee }: TransferInput, keyItems: (uuid: string, now: string) => GuardedItem[]): Promise<TransferRequested> {
  const now = new Date();
  const room = await withdrawalRoom(user, now);
  refuseWhileLocked(room);
  // Coins and fee leave the balance: both count (a rejection gives both back, a refused chain transfer the coins).
  const counted = withdrawalWithinRoom(user, room, coins + fee, now);
  const t: CoinTransfer = { uuid: randomUUID(), user, address, coins, fee, status: 'pending', hash: null, ts: now.toISOString() };
  try {
    await transactWrite([
      ...keyItems(t.uuid, t.ts),
      coinTransfersRepo.newItem(t),
      ...entryItems({
        idempotencyKey: `coins-transfer:${t.uuid}`,
        kind: 'coins-transfer-hold',
        postings: [
          { account: accountIds.userCoins(user), amount: -(coins + fee) },
          { account: accountIds.coinsHold(t.uuid), amount: coins + fee },
        ],
      }),
      // A withdrawal of the month from the request on (a pending transfer counts against the limits); a rejection undoes it.
      counted,
    ]);
  } catch (err) {
    if (err instanceof InsufficientFundsError) {
      throw fail('insufficient_coins', 'account_coins cannot cover coins + fee', { account_coins: (await getBalance(accountIds.userCoins(user))).toString() });
    }
    throw err;
  }
  return { ...transferView(t), hash: null, status: 'pending' };
}


/** pending until decided; an approved transfer is `pending` until its chain payout settles (success/failure). */
export async function transferHistory(user: string): Promise<TransferHistory> {
  const transfers = await coinTransfersRepo.listByUser(user);
  const views = await transfersNow(transfers.filter((t) => !('txHash' in t)) as StoredCoinTransfer[]);
  let next = 0;
  const history = transfers.map((t): TransferView | DepositView =>
    'txHash' in t ? { coins: t.coins.toString(), hash: t.txHash, id: `deposit:${t.txHash}:${t.logIndex}`, status: 'success', ts: isoSeconds(t.ts), type: 'deposit' } : views[next++]!,
  );
  return { history };
}

/**
 * The payments service's participant deposit settings: the participant's own deposit address (derived like a user's),
 * the coins credited to it, and no coin limit. `fee` is null: participant fee plans are not configured here.
 */
export async function participantDepositSettings(participant: string): Promise<ParticipantDeposit> {
  const { address } = await depositAddress(participant);
  return { address, unlimited_coins: false, coins: (await getBalance(accountIds.userCoins(participant))).toString(), fee: null };
}
