/**
 * Stored items, read field by field. Every repository maps its items through these readers, so an attribute
 * of the wrong type fails where it is read (naming the item and the field) instead of flowing on as a cast.
 *
 * Money has one encoding: a DynamoDB number written from a bigint (the document client marshals bigint as N),
 * read back as its decimal text (client.ts) and turned into a bigint here. Numbers keep conditions and `ADD`
 * arithmetic exact (up to DynamoDB's 38 significant digits) and never pass through a float.
 */
export type StoredItem = Record<string, unknown>;

export class StoredItemError extends Error {
  override name = 'StoredItemError';
}

const INTEGER = /^-?\d+$/;

export interface Fields {
  str(name: string): string;
  optStr(name: string): string | undefined;
  /** One of a closed set of strings (a status, a type). */
  oneOf<T extends string>(name: string, values: readonly T[]): T;
  /** A count, id or index: a safe integer. */
  int(name: string): number;
  optInt(name: string): number | undefined;
  /** An amount in the smallest unit. */
  money(name: string): bigint;
  optMoney(name: string): bigint | undefined;
  bool(name: string): boolean;
  /** A flag that is false unless stored true. */
  flag(name: string): boolean;
  strList(name: string): string[];
  /** A list of maps, each read with its own fields. */
  list<T>(name: string, read: (item: Fields) => T): T[];
  /** A nested map, read with its own fields (an absent one fails on its first required field). */
  map(name: string): Fields;
  /** A free-form map (metadata given by a client), stored as given. */
  optMap(name: string): Record<string, unknown> | undefined;
}

/** The readers of one item; `what` names it in errors ("CardTx 12"). */
export function fields(item: StoredItem, what: string): Fields {
  const present = (name: string) => item[name] !== undefined && item[name] !== null;
  const bad = (name: string, expected: string) => new StoredItemError(`${what}: ${name} is not ${expected} (${JSON.stringify(item[name], (_k, v) => (typeof v === 'bigint' ? String(v) : v))})`);
  const optional = <T>(name: string, read: (name: string) => T): T | undefined => (present(name) ? read(name) : undefined);
  const self: Fields = {
    str(name) {
      const v = item[name];
      if (typeof v !== 'string') throw bad(name, 'a string');
      return v;
    },
    optStr: (name) => optional(name, self.str),
    oneOf(name, values) {
      const v = self.str(name);
      if (!(values as readonly string[]).includes(v)) throw bad(name, `one of ${values.join(', ')}`);
      return v as (typeof values)[number];
    },
    int(name) {
      const v = item[name];
      const n = typeof v === 'number' ? v : typeof v === 'string' && INTEGER.test(v) ? Number(v) : typeof v === 'bigint' ? Number(v) : NaN;
      if (!Number.isSafeInteger(n)) throw bad(name, 'an integer');
      return n;
    },
    optInt: (name) => optional(name, self.int),
    money(name) {
      const v = item[name];
      if (typeof v === 'bigint') return v;
      if (typeof v === 'string' && INTEGER.test(v)) return BigInt(v);
      if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
      throw bad(name, 'an integer amount');
    },
    optMoney: (name) => optional(name, self.money),
    bool(name) {
      const v = item[name];
      if (typeof v !== 'boolean') throw bad(name, 'a boolean');
      return v;
    },
    flag: (name) => optional(name, self.bool) ?? false,
    strList(name) {
      const v = item[name] ?? [];
      if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw bad(name, 'a list of strings');
      return v as string[];
    },
    list(name, read) {
      const v = item[name] ?? [];
      if (!Array.isArray(v)) throw bad(name, 'a list');
      return v.map((entry, index) => {
        if (!entry || typeof entry !== 'object' || Array.isArray(entry)) throw bad(name, 'a list of maps');
        return read(fields(entry as StoredItem, `${what}: ${name}[${index}]`));
      });
    },
    map: (name) => fields(self.optMap(name) ?? {}, `${what}: ${name}`),
    optMap(name) {
      if (!present(name)) return undefined;
      const v = item[name];
      if (typeof v !== 'object' || Array.isArray(v)) throw bad(name, 'a map');
      return v as Record<string, unknown>;
    },
  };
  return self;
}
