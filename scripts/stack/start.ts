/** `npm start`: the whole platform on loopback, seeded, until Ctrl-C. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PORTS, startStack, stopStack, StackError, type StackPorts } from './stack.js';
import { ROOT } from './resources.js';

const dataDir = join(ROOT, '.local');
const stackFile = join(dataDir, 'stack.json');

function portsFromEnv(): StackPorts {
  const ports = { ...DEFAULT_PORTS };
  for (const key of Object.keys(ports) as (keyof StackPorts)[]) {
    const value = process.env[`PORT_${key.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase()}`];
    if (value) ports[key] = Number(value);
  }
  return ports;
}

async function main(): Promise<void> {
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping the local stack...');
    await stopStack();
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  const started = Date.now();
  const info = await startStack({ dataDir, ports: portsFromEnv(), persist: true, log: (l) => console.log(`  ${l}`) });
  Object.assign(process.env, info.definition.environment, ...info.definition.functions.map((f) => f.environment));
  const { seedBilling, seedCards, seedCashout, seedCoins, seedDemo, seedExchanges, seedRetail, seedWithdrawals } = await import('./seed.js');
  const { startWebhookReceiver } = await import('./webhook-receiver.js');
  const previous = existsSync(stackFile) ? JSON.parse(readFileSync(stackFile, 'utf8')) : {};
  const { partner } = await seedDemo(previous.partner?.key);
  const cards = await seedCards(previous.cards?.apiKey);
  const receiverPort = Number(process.env.PORT_WEBHOOKS ?? 3100);
  let cashoutSecret = '';
  await startWebhookReceiver(receiverPort, () => cashoutSecret, join(dataDir, 'logs', 'webhooks.log')).catch((err: NodeJS.ErrnoException) => {
    throw new StackError(err.code === 'EADDRINUSE' ? `port ${receiverPort} (webhook receiver) is busy: free it or set PORT_WEBHOOKS, then run again.` : err.message);
  });
  const cashout = await seedCashout(`http://127.0.0.1:${receiverPort}/webhooks`, previous.cashout);
  cashoutSecret = cashout.webhookSecret;
  const secrets = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as { identityPrivateKey: string; identityKeyId: string };
  const { user: _user, ...coins } = await seedCoins({ privateKey: secrets.identityPrivateKey, kid: secrets.identityKeyId }, (info.env.MODERATORS ?? info.definition.environment.MODERATORS ?? '').split(',').filter(Boolean));
  const billing = await seedBilling({ privateKey: secrets.identityPrivateKey, kid: secrets.identityKeyId }, info.stripeUrl);
  const { user: _saver, ...withdrawals } = await seedWithdrawals({ privateKey: secrets.identityPrivateKey, kid: secrets.identityKeyId });
  const { user: _trader, ...exchanges } = await seedExchanges({ privateKey: secrets.identityPrivateKey, kid: secrets.identityKeyId }, { coinbaseUrl: info.coinbaseUrl, poloniexUrl: info.poloniexUrl });
  const retail = await seedRetail({ privateKey: secrets.identityPrivateKey, kid: secrets.identityKeyId });
  const stack = { apiUrl: info.apiUrl, mailUrl: info.mailUrl, rpcUrl: info.rpcUrl, stripeUrl: info.stripeUrl, tokenAddress: info.tokenAddress, testTokenAddress: info.testTokenAddress, disburserAddress: info.disburserAddress, partner, cards, cashout, coins, billing, withdrawals, exchanges, retail };
  writeFileSync(stackFile, JSON.stringify(stack, null, 2) + '\n');
  writeFileSync(join(dataDir, 'env.json'), JSON.stringify({ ...info.definition.environment, ...info.env }, null, 2) + '\n');

  const form = (order: string, address: string) =>
    `curl -s ${info.apiUrl}/new_purchase -d partner=${partner.name} -d partner_key=${partner.key} -d customer=alice -d order_id=${order} -d address=${address} -d currency=USD -d currency_amount=25.50 -d partner_cashback_percentage=2`;
  console.log(`
Rewards platform is up (${((Date.now() - started) / 1000).toFixed(1)} s)
  API           ${info.apiUrl}          (docs: ${info.apiUrl}/docs)
  Mail (maildev) ${info.mailUrl}
  Chain (anvil) ${info.rpcUrl}   ERC-20 ${info.tokenAddress} (testnet ${info.testTokenAddress})
  Stripe        ${info.stripeUrl}  (emulator; cards from test tokens such as tok_visa, tok_chargeDeclinedInsufficientFunds)
  Demo partner  ${partner.name} / ${partner.key}
  Cards app     X-App-Id: ${cards.appId}  X-Api-Key: ${cards.apiKey}  card ${cards.cardId}, member ${cards.memberId} (${cards.memberEmail})
  Cash-out      provider ${cashout.name}, Authorization: Bearer ${cashout.apiKey}  webhooks -> ${cashout.receiverUrl}
  Coins         demo user with 100 coins; tickets in .local/stack.json (coins.userTicket ...); moderators ${coins.moderators.join(', ')} (mail in maildev)
  Withdrawals   saver@rewards.local with 500 earned coins and a sandbox bank account; tickets in .local/stack.json (withdrawals.userTicket ...)
  Exchanges     trader@rewards.local with 300 earned coins, Coinbase trader@example.com connected (${info.coinbaseUrl}) and a Poloniex address (${info.poloniexUrl}); tickets in .local/stack.json (exchanges.userTicket ...)
  Moderation    ${info.apiUrl}/payments-service/moderation/desk  (sign in with exchanges.systemTicket)
  Retail        NovaStore (${retail.participantId}) with a terminal and a cashier; shopper@rewards.local with 500 earned coins and card ${retail.cardId}; tickets in .local/stack.json (retail.userTicket ...)
  Billing       participant ${billing.participant} on light with Visa 4242 (receipts to billing@rewards.local); tickets in .local/stack.json (billing.participantTicket ...)
  Written to    .local/stack.json   Logs: .local/logs/

Try:
  # cashback to an Ethereum address (settled on anvil by the chain worker)
  ${form(`demo-${Date.now()}`, '0x70997970C51812dc3A010C7d01b50e0d17dc79C8')}
  # cashback to an email: a claim link arrives in maildev (${info.mailUrl})
  ${form(`demo-mail-${Date.now()}`, 'alice@example.com')}
  # the same as JSON, on the testnet (its own token and treasury)
  curl -s ${info.apiUrl}/test/new_purchase -H 'content-type: application/json' -d '{"partner":"${partner.name}","partner_key":"${partner.key}","customer":"bob","order_id":"t-${Date.now()}","address":"0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65","currency":"EUR","currency_amount":12.5}'
  # cashback cards: earn 5% on a purchase, then read the balance (README: OTP, redeem, refund, history)
  curl -s ${info.apiUrl}/api/v1/cashback/cashback/earn -H 'X-App-Id: ${cards.appId}' -H 'X-Api-Key: ${cards.apiKey}' -H 'content-type: application/json' -d '{"card_id":${cards.cardId},"email":"${cards.memberEmail}","purchase_amount":50.00,"reference":"ORDER-${Date.now()}"}'
  curl -s '${info.apiUrl}/api/v1/cashback/cashback/balance?card_id=${cards.cardId}&member_id=${cards.memberId}' -H 'X-App-Id: ${cards.appId}' -H 'X-Api-Key: ${cards.apiKey}'
  # cash-out: generate a claim, then open the printed URL in a browser and pay with card 4111111111111111
  curl -s ${info.apiUrl}/cashout/generate/${cashout.name} -H 'Authorization: Bearer ${cashout.apiKey}' -H 'content-type: application/json' -d '{"amount":100,"id":"demo-${Date.now()}"}'
  #   -> open ${info.apiUrl}/cashout/claim/<uuid>; the signed webhook shows up here and in .local/logs/webhooks.log

Ctrl-C stops everything; the next npm start reuses .local/.`);
}

main().catch(async (err) => {
  console.error(err instanceof StackError ? `npm start: ${err.message}` : err);
  await stopStack();
  process.exit(1);
});
