/** Client settings for the local emulators (DynamoDB Local, fauxqs): loopback endpoint, dummy credentials. */
export const localAws = (endpoint: string | undefined) => ({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
