/** Examples the exchange route contracts share (docs only: blanked in Lambda bundles, so nothing here is bundled). */
export const poloniexAccountExamples = [
  { address: '0x8ca5F489Cc1fd1ceC24747b64e8DE0f4A6a850E3', description: 'Test desc', id: '48d8909fbf42cc6bbed4dd47eeaf203cb2a65634', is_new: true, status: 'pending' as const, ts: '2022-12-30T06:34:58Z' },
  { address: '0x4ca5F489CC1fD1cEc24747b64E8dE0F4A6A850e3', description: 'Test desc', id: '69b83263fbdbaa4ebf49d59ea98540a3ce77be96', is_new: false, status: 'success' as const, ts: '2022-12-30T06:23:35Z' },
];
