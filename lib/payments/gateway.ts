/**
 * The card-payment gateway behind one interface. `pay` is keyed by our reference; `status` answers what
 * the gateway did with a reference, so an unknown outcome (timeout, crash) is resolved by asking, never by
 * paying again. Locally (and until a real gateway adapter is configured) the sandbox answers.
 */
export interface CardRef {
  pan: string;
  expDate: string;
}

export interface PaymentRequest {
  reference: string;
  /** The provider's card, paying (with its IPIN). */
  from: CardRef & { ipin: string };
  /** The customer's card, paid. */
  to: CardRef;
  amount: number;
}

export interface GatewayResult {
  approved: boolean;
  /** Gateway response code (0 approved). */
  code: number;
  response: string;
  gatewayReference: string;
}

export class GatewayTimeoutError extends Error {
  override name = 'GatewayTimeoutError';
}

export interface CardGateway {
  pay(request: PaymentRequest): Promise<GatewayResult>;
  status(reference: string): Promise<GatewayResult | undefined>;
}

let gateway: CardGateway | undefined;

export async function getGateway(): Promise<CardGateway> {
  if (!gateway) gateway = (await import('./sandbox.js')).sandboxGateway;
  return gateway;
}

export function setGateway(g: CardGateway | undefined): void {
  gateway = g;
}
