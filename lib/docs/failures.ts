/** The catalog of how the docs routes can fail. */
import { failWith } from '../errors.js';

export type DocsFailure = 'no_such_file';

export const fail = failWith<DocsFailure>();
