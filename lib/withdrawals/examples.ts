/**
 * Examples the route contracts of bank cash-outs share (docs only: the contracts' example fields are blanked
 * in Lambda bundles, so nothing here is bundled).
 */
export const cashoutAccountExample = { account: '67774555', bank: 'SomeBank', bsb: '355896', country: '036', description: 'My account', id: 'ab97eff9-1ef5-4612-95ea-b557d9b106fe', name: "User's account", postcode: '6646' };

/** A transfer of 30000 coins paying its fee with coins (a 5% gas fee and AUD 1.50), as the contract shows it. */
export const cashoutFeeExample = {
  coins: '30000000000000000000000',
  coins_with_fee: '43609000000000000000000',
  coins_without_fee: '16391000000000000000000',
  fee_coins: '13609000000000000000000',
  fee_value: 1.5,
  gas_coins: '160000000000000000000',
  gas_fee_coins: '8000000000000000000',
  gas_fee_precent: 5,
  gas_fee_value: 0.0,
  pay_fee_with_coins: true,
  transaction_fee: 1.5,
  transaction_fee_coins: '13601000000000000000000',
  transaction_fee_value: 1.5,
  value: 1.8,
  value_with_fee: 3.3,
  value_without_fee: 1.8,
};
