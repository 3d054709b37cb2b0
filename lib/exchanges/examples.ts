/** Examples the exchange route contracts share (docs only: blanked in Lambda bundles, so nothing here is bundled). */
export const poloniexAccountExamples = [
  { address: '0x8ca5F489Cc1fd1ceC24747b64e8DE0f4A6a850E3', description: 'Test desc', id: '48d8909fbf42cc6bbed4dd47eeaf203cb2a65634', is_new: true, status: 'pending' as const, ts: '2022-12-30T06:34:58Z' },
  { address: '0x4ca5F489CC1fD1cEc24747b64E8dE0F4A6A850e3', description: 'Test desc', id: '69b83263fbdbaa4ebf49d59ea98540a3ce77be96', is_new: false, status: 'success' as const, ts: '2022-12-30T06:23:35Z' },
];

export const coinbaseProfileExample = {
  avatar_url: 'https://images.coinbase.com/avatar?h=61f710805a65551207c9d7byjafcxQzYPjMprN0R71t%2BVpkJP2t60hwR92vM%0Ah7X%2F&s=128',
  email: 'email@gmail.com',
  id: '80bc50eb-246a-5f8c-91f1-33dd27d6e519',
  name: 'user surname',
  profile_bio: null,
  profile_location: null,
  profile_url: null,
  resource: 'user' as const,
  resource_path: '/v2/users/80bc50eb-246a-5f8c-91f1-33dd27d6e519',
  username: null,
};
