/**
 * Deposits: each user gets an address derived from the deposit HD wallet's extended public key
 * (index = a counter, so addresses never repeat), and a scheduled scanner credits ERC-20 Transfer events
 * to those addresses once they are DEPOSIT_CONFIRMATIONS blocks deep: one ledger entry and one history
 * item per event (keyed by transaction hash and log index), so an event seen twice credits once.
 */
import { HDNodeWallet } from 'ethers';
import { coinsConfig, depositConfig } from '../config/index.js';
import { Erc20Reader, type TokenTransferEvent } from '../chain/erc20.js';
import { AlreadyExistsError, ConditionFailedError } from '../db/errors.js';
import { accountIds } from '../db/keys.js';
import { countersRepo } from '../db/counters.js';
import { DuplicateEntryError } from '../db/ledger.js';
import { depositsRepo } from './repository.js';
import { transactWrite } from '../db/transact.js';
import { entryItems } from '../ledger/index.js';
import { log } from '../log/index.js';
import { earningItem } from '../withdrawals/earnings.js';

let root: HDNodeWallet | undefined;
const derive = (index: number) => (root ??= HDNodeWallet.fromExtendedKey(depositConfig().DEPOSIT_XPUB) as HDNodeWallet).deriveChild(index).address;

export async function depositAddress(user: string): Promise<{ address: string }> {
  const existing = await depositsRepo.addressOf(user);
  if (existing) return { address: existing };
  const index = await countersRepo.next('deposit-address');
  const address = derive(index);
  try {
    await transactWrite(depositsRepo.newAddressItems(user, address, index, new Date().toISOString()));
    return { address };
  } catch (err) {
    if (err instanceof ConditionFailedError) return { address: (await depositsRepo.addressOf(user))! }; // a concurrent first call won
    throw err;
  }
}

export interface DepositSource {
  blockNumber(): Promise<number>;
  transfers(fromBlock: number, toBlock: number): Promise<TokenTransferEvent[]>;
}

let reader: Erc20Reader | undefined;
const defaultSource = (): DepositSource => (reader ??= new Erc20Reader(coinsConfig().RPC_URL, coinsConfig().TOKEN_ADDRESS));

/** Credits one event; false when it was credited before. */
export async function creditDeposit(e: TokenTransferEvent, user: string, ts = new Date().toISOString()): Promise<boolean> {
  try {
    await transactWrite([
      depositsRepo.newDepositItem({ user, txHash: e.txHash, logIndex: e.logIndex, address: e.to, coins: e.value, blockNumber: e.blockNumber, ts }),
      ...entryItems({
        idempotencyKey: `deposit:${e.txHash}:${e.logIndex}`,
        kind: 'coins-deposit',
        memo: e.txHash,
        postings: [
          { account: accountIds.external('main'), amount: -e.value, allowNegative: true },
          { account: accountIds.userCoins(user), amount: e.value },
        ],
      }),
      // The user's earnings of the month (withdrawal limits, earnings statement).
      earningItem(user, e.value, new Date(ts)),
    ]);
    return true;
  } catch (err) {
    if (err instanceof DuplicateEntryError || err instanceof AlreadyExistsError || err instanceof ConditionFailedError) return false;
    throw err;
  }
}

/** One scan: from the block after the cursor to the newest confirmed block, in chunks. */
export async function scanDeposits(source: DepositSource = defaultSource(), maxBlocks = 5000): Promise<{ from: number; to: number; credited: number }> {
  const confirmations = Number(depositConfig().DEPOSIT_CONFIRMATIONS);
  const head = await source.blockNumber();
  const to = head - confirmations;
  const from = ((await depositsRepo.cursor()) ?? -1) + 1;
  if (to < from) return { from, to, credited: 0 };
  let credited = 0;
  for (let start = from; start <= to; start += maxBlocks) {
    const end = Math.min(to, start + maxBlocks - 1);
    const events = (await source.transfers(start, end)).filter((e) => e.value > 0n);
    const owners = await depositsRepo.usersOf(events.map((e) => e.to));
    for (const e of events) {
      const user = owners.get(e.to);
      if (user && (await creditDeposit(e, user))) credited++;
    }
    await depositsRepo.setCursor(end);
  }
  if (credited) log.info('deposits credited', { from, to, credited });
  return { from, to, credited };
}
