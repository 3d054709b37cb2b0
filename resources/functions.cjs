// serverless.yml's functions, generated from the route contracts and worker declarations (scripts/functions.ts).
// serverless loads this file with require(); tsx imports the TypeScript.
module.exports = async () => {
  const { tsImport } = await import('tsx/esm/api');
  const { serverlessFunctions } = await tsImport('../scripts/functions.ts', __filename);
  // serverless-offline strips trailing slashes itself (and refuses a route that differs only by one).
  return serverlessFunctions(process.env, { offline: process.argv.includes('offline') });
};
