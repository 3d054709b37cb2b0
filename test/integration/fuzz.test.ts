/**
 * Property-based fuzz over every operation of the OpenAPI document (built in-process from the route
 * contracts, as `npm run openapi` builds it). Each operation gets hostile requests: its path and query
 * parameters, its auth and declared headers and its JSON or form body fields replaced by hostile values;
 * bodies derived from its request schema (valid shapes with hostile leaves, missing required fields, extra
 * and repeated keys), random JSON, invalid JSON, wrong or missing content types and oversized bodies. Each
 * input is sent without credentials and with valid ones for the operation's scheme. Every answer must be
 * below 500, a status the document lists for the operation, in its media type (JSON in the family's envelope,
 * checked with the contract check's zod schemas, or an HTML page), and free of stack traces and internal names.
 *
 *   FUZZ_SEED  fast-check seed (default 20240611), printed at the start; the i-th operation of the document
 *              runs with seed + i, so a run is the same given the seed.
 *   FUZZ_RUNS  inputs for an operation with a request body (default 120); half that for one with only
 *              parameters or credentials, a fifth for one with neither. Each input is sent without and with
 *              valid credentials. The default sends about 5,500 requests, in about 20 s on 2 cores.
 *
 * Requests go out through node:http rather than fetch: fetch normalizes paths and refuses bytes a hostile client
 * can send (the contract check of test/fixtures/contract-check.ts is applied here instead). URLs and headers stay
 * within what API Gateway lets through (10 KB). Answers the local emulator gives itself (hapi refusing a content
 * type or a path encoding before any function runs) are not ours and are skipped; most requests of every
 * operation must reach its function. A failing operation prints its method, path and fast-check's shrunk input.
 */
import { Agent, request } from 'node:http';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { openApiDocument } from '../../lib/docs/openapi.js';
import type { AuthKind, RouteContract } from '../../lib/http/route.js';
import { discoverFunctions } from '../../scripts/functions.js';
import { contractProblems } from '../fixtures/contract-check.js';
import { credentials, type RouteCredentials } from '../fixtures/credentials.js';
import { stack, uniq } from '../fixtures/stack.js';

const SEED = Number(process.env.FUZZ_SEED ?? 20240611);
const RUNS = Number(process.env.FUZZ_RUNS ?? 120);
/** Operations fuzzed at once (the stack runs every function in one process on a 2-core machine). */
const CONCURRENCY = 4;
/** How long one failing operation may shrink its counterexample. */
const SHRINK_MS = 15_000;
/** API Gateway refuses a request line and headers over 10 KB itself, before any function runs. */
const URL_MAX = 4_000;
const HEADERS_MAX = 6_000;

// ---------------------------------------------------------------------------------------------------------
// The document

interface JsonSchema {
  type?: string | string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema | boolean;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: JsonSchema;
}

interface DocOperation {
  operationId: string;
  security: Record<string, string[]>[];
  'x-auth': AuthKind;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: JsonSchema }> };
  responses: Record<string, { content?: Record<string, unknown> }>;
}

interface Operation {
  method: string;
  path: string;
  doc: DocOperation;
  route: RouteContract;
  /** Headers the operation reads: its security schemes' and its declared ones. */
  headerNames: string[];
}

const functions = await discoverFunctions();
const document = openApiDocument(functions.flatMap((f) => (f.route ? [{ name: f.name, route: f.route }] : [])));
const securitySchemes = document.components.securitySchemes as Record<string, { type: string; in?: string; name?: string }>;

const OPERATIONS: Operation[] = Object.entries(document.paths).flatMap(([path, ops]) =>
  Object.entries(ops as Record<string, DocOperation>).map(([method, doc]) => {
    const route = functions.find((f) => f.name === doc.operationId)!.route!;
    const schemeHeaders = doc.security.flatMap((requirement) =>
      Object.keys(requirement).map((name) => {
        const scheme = securitySchemes[name]!;
        return scheme.type === 'http' ? 'authorization' : scheme.name!.toLowerCase();
      }),
    );
    const declared = (doc.parameters ?? []).filter((p) => p.in === 'header').map((p) => p.name.toLowerCase());
    return { method: method.toUpperCase(), path, doc, route, headerNames: [...new Set([...schemeHeaders, ...declared])] };
  }),
);

// ---------------------------------------------------------------------------------------------------------
// Hostile values

/** A JSON value as written on the wire: numbers as their source text, objects as entries (a key may repeat), raw text. */
type Json = null | boolean | string | { num: string } | { raw: string } | Json[] | { entries: [string, Json][] };

const isEntries = (v: Json): v is { entries: [string, Json][] } => typeof v === 'object' && v !== null && !Array.isArray(v) && 'entries' in v;

function writeJson(v: Json): string {
  if (v === null || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(writeJson).join(',')}]`;
  if ('num' in v) return v.num;
  if ('raw' in v) return v.raw;
  return `{${v.entries.map(([k, x]) => `${JSON.stringify(k)}:${writeJson(x)}`).join(',')}}`;
}

/** A value as a form, query or path field carries it. */
function leafText(v: Json): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (!Array.isArray(v) && 'num' in v) return v.num;
  return writeJson(v);
}

function fromPlain(v: unknown): Json {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return { num: Number.isFinite(v) ? JSON.stringify(v) : '0' };
  if (Array.isArray(v)) return v.map(fromPlain);
  return { entries: Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, fromPlain(x)]) };
}

const deepArray = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;
const deepObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;

const HOSTILE_STRINGS = [
  '', ' ', '\t', '\r\n', '\u0000', 'a\u0000b', '\u0007\u001b[31m\u007f', '\u202eevil\u202c', 'a\u200bb\u200d', '\ufeff', '😀🏳️‍🌈', 'Z͑ͫ̓ͪ̂ͫ̽͏̴̙̤̞͉͚̯̞̠͍', 'ｆｕｌｌ１２３', 'é', '\ud800', '\udfff', 'a\ud83d',
  '../../../etc/passwd', '..\\..\\windows', '%00', '%2e%2e%2f', '/', '\\', '.', '..',
  "' OR '1'='1' --", '"; DROP TABLE users; --', '{"$gt":""}', '$where', '{{7*7}}', '${7*7}', '<script>alert(1)</script>', '<!--', ']]>',
  'null', 'undefined', 'true', 'false', 'NaN', 'Infinity', '-Infinity', '-0', '0', '1', '-1', '1.5', '1e308', '1e-400', '0x10', '1_000', ' 1 ', '1,5',
  '1'.repeat(40), '9'.repeat(40), '-' + '9'.repeat(40), '0.' + '0'.repeat(30) + '1', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty',
  'a@b', 'test@example.com', '+12345678', '4111111111111111', '0000', '123456', '1234',
];

const HOSTILE_NUMBERS = [
  '0', '-0', '1', '-1', '2', '0.5', '1.5', '-1.5', '0.001', '1e2', '1E+2', '1e308', '-1e308', '1e309', '1e-400', '4.9e-324', '9007199254740993', '1' + '0'.repeat(39),
  '9'.repeat(40), '-' + '9'.repeat(40), '1000000000000', '1000000000000.01', '999999999999.999', '0.000000000000000000001', '1' + '0'.repeat(30), '1e30', '100', '101', '50.00001',
];

const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', '', ' ', '$where', '$gt', 'a.b', 'a[b]', '😀', '\u0000', 'x'.repeat(300), 'PK', 'SK', 'type'];

/** Percent-encoded path and query text a URL builder never makes: NUL, invalid and overlong UTF-8, lone surrogates, traversal. */
const RAW_URL_TOKENS = [
  '%00', 'a%00b', '%ED%A0%80', '%ED%BF%BF', '%C0%AF', '%C0%AE%C0%AE', '%FF%FE', '%E2%80%AE', '%E2%80%8B', '%F0%9F%98%80', '%2e%2e%2f%2e%2e%2f', '..%2F..%2Fetc%2Fpasswd',
  '%252e%252e', '%2F', '%5C', '%0A', '%0D%0Aset-cookie:x', '%20', '+', '%7B%22%24gt%22%3A%22%22%7D', '__proto__', 'constructor', '%22', '%27%20OR%201%3D1',
];

const LONG_LENGTHS = [300, 2_000, 7_000, 17_000, 65_536];

const hostileText = (maxLength: number): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 24 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom(...LONG_LENGTHS.filter((n) => n <= maxLength), maxLength), fc.constantFrom('x', 'é', '😀', '\u200b', '9', '<', '%'))
        .map(([n, c]) => c.repeat(Math.max(1, Math.floor(n / c.length)))),
    },
  );

const specialJson: Json[] = [
  [],
  [null],
  [''],
  [{ num: '1' }, 'a'],
  { entries: [] },
  { entries: [['__proto__', { entries: [['polluted', true]] }]] },
  { entries: [['constructor', { entries: [['prototype', { entries: [['polluted', true]] }]] }]] },
  { entries: [['$gt', '']] },
  { entries: [['toString', { num: '1' }]] },
  { raw: deepArray(64) },
  { raw: deepArray(5_000) },
  { raw: deepObject(1_000) },
];

const hostileJson: fc.Arbitrary<Json> = fc.oneof(
  { weight: 4, arbitrary: hostileText(65_536) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS).map((num): Json => ({ num })) },
  { weight: 1, arbitrary: fc.constantFrom<Json>(true, false, null) },
  { weight: 2, arbitrary: fc.constantFrom(...specialJson) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map(fromPlain) },
);

/** Percent-encodes the UTF-8 bytes of a text (a lone surrogate becomes U+FFFD, as any client sends it). */
const percentEncode = (s: string) =>
  [...Buffer.from(s, 'utf8')].map((b) => (/[A-Za-z0-9\-_~]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

/** At most `max` characters of a percent-encoded text, cut between characters (never inside one's UTF-8 bytes). */
function capEncoded(s: string, max: number): string {
  if (s.length <= max) return s;
  const tokens = s.slice(0, max).match(/%[0-9A-F]{2}|[^%]/gi) ?? [];
  const byte = (t: string) => (t.length === 3 ? parseInt(t.slice(1), 16) : t.charCodeAt(0));
  let start = tokens.length;
  while (start > 0 && (byte(tokens[start - 1]!) & 0xc0) === 0x80) start--;
  const lead = start > 0 ? byte(tokens[start - 1]!) : 0;
  const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  if (length > 1 && tokens.length - (start - 1) < length) tokens.length = start - 1;
  return tokens.join('');
}

/** A header value as a hostile client sends it: its UTF-8 bytes, without the bytes no HTTP message can carry. */
const headerText = (s: string, max: number) =>
  Buffer.from(s, 'utf8')
    .toString('latin1')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000a-\u001f\u007f]/g, '')
    .slice(0, max);

const CONTENT_TYPES = [
  'application/json', 'application/x-www-form-urlencoded', 'text/plain', 'application/xml', 'multipart/form-data; boundary=----x', 'application/vnd.api+json',
  'APPLICATION/JSON', 'application/json; charset=utf-16', 'application/x-www-form-urlencoded; charset=iso-8859-1', '*/*', '', 'application/jsonx', 'json',
  ' application/json ', 'text/html', 'application/octet-stream', 'application/json, application/xml', 'application/json;;;',
];

// ---------------------------------------------------------------------------------------------------------
// Valid values from the schemas

/** A value in one input of ten, otherwise undefined. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>) => fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });

/** A valid value of a schema: the shape a client means to send. */
function valid(s: JsonSchema, hints: Hints): fc.Arbitrary<Json> {
  if ('const' in s) return fc.constant(fromPlain(s.const));
  if (s.enum) return fc.constantFrom(...s.enum.map(fromPlain));
  const types = Array.isArray(s.type) ? s.type : s.type ? [s.type] : [];
  const branches = s.anyOf ?? s.oneOf;
  // zod's coerced integers: an integer, as a JSON number or a numeric string.
  if (types[0] === 'integer' && branches) return fc.integer({ min: 0, max: 100_000 }).chain((n) => fc.constantFrom<Json>({ num: String(n) }, String(n)));
  if (branches) return fc.oneof(...branches.map((b) => valid(b, hints)));
  // An amount: a JSON number or a decimal string.
  if (types.includes('number') && types.includes('string')) return decimal(s).chain((t) => fc.constantFrom<Json>({ num: t }, t));
  if (types.length > 1) return fc.oneof(...types.map((type) => valid({ ...s, type }, hints)));
  switch (types[0]) {
    case 'string':
      return s.pattern ? fc.stringMatching(new RegExp(s.pattern)) : fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 32, 32) });
    case 'integer':
      return fc.integer({ min: s.minimum ?? 0, max: Math.min(s.maximum ?? 100_000, Number.MAX_SAFE_INTEGER) }).map((n): Json => ({ num: String(n) }));
    case 'number':
      return decimal(s).map((num): Json => ({ num }));
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      return fc.array(valid(s.items ?? {}, hints), { minLength: s.minItems ?? 0, maxLength: Math.min(s.maxItems ?? 4, 4) });
    case 'object':
      return objectOf(s, hints);
    default:
      return fc.jsonValue({ maxDepth: 2 }).map(fromPlain);
  }
}

const decimal = (s: JsonSchema) =>
  fc.oneof(
    fc.integer({ min: 0, max: 5_000 }).map(String),
    fc.tuple(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 99 })).map(([i, f]) => `${i}.${String(f).padStart(2, '0')}`),
    fc.constant(String(s.maximum ?? 1_000_000)),
  );

/** Known good values by field name (the credentials' own card, member, provider), so inputs get past lookups. */
type Hints = Record<string, Json[]>;

/** An object of a schema whose fields are valid, hostile or missing, with extra and repeated keys. */
function objectOf(s: JsonSchema, hints: Hints): fc.Arbitrary<Json> {
  const fields = Object.entries(s.properties ?? {}).map(([name, schema]) => {
    const value = fc.oneof(
      { weight: 8, arbitrary: valid(schema, hints) },
      { weight: 2, arbitrary: hostileJson },
      ...(hints[name] ? [{ weight: 4, arbitrary: fc.constantFrom(...hints[name]) }] : []),
    );
    return fc.option(value.map((v): [string, Json] => [name, v]), { freq: s.required?.includes(name) ? 12 : 2, nil: undefined });
  });
  const additional = typeof s.additionalProperties === 'object' ? fc.array(fc.tuple(fc.string({ maxLength: 8 }), hostileJson), { maxLength: 3 }) : fc.constant([]);
  const extras = fc.array(fc.tuple(fc.constantFrom(...HOSTILE_KEYS), hostileJson), { maxLength: 2 });
  const repeated = rarely(fc.tuple(fc.nat(), hostileJson));
  return fc.tuple(fc.tuple(...fields), additional, extras, repeated).map(([present, more, extra, repeat]) => {
    const entries = [...present.filter((f): f is [string, Json] => f !== undefined), ...more, ...extra];
    if (repeat && entries.length) entries.push([entries[repeat[0] % entries.length]![0], repeat[1]]);
    return { entries };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Requests

type Body = { kind: 'none' } | { kind: 'json'; value: Json } | { kind: 'form'; value: Json } | { kind: 'text'; text: string; latin1?: boolean };

interface Input {
  /** Encoded path segments by parameter name. */
  path: Record<string, string>;
  /** Encoded query pairs, in order (a name may repeat). */
  query: [string, string][];
  /** Auth and declared headers replaced by hostile values (the others keep their valid value, or stay absent). */
  headers: Record<string, string | undefined>;
  contentType: string | undefined;
  body: Body;
}

const urlValue = (schema: JsonSchema, hints: Json[] | undefined, max: number) =>
  fc
    .oneof(
      { weight: 3, arbitrary: hostileText(max).map(percentEncode) },
      { weight: 1, arbitrary: fc.constantFrom(...RAW_URL_TOKENS) },
      { weight: 2, arbitrary: valid(schema, {}).map((v) => percentEncode(leafText(v))) },
      ...(hints ? [{ weight: 4, arbitrary: fc.constantFrom(...hints).map((v) => percentEncode(leafText(v))) }] : []),
    )
    .map((v) => capEncoded(v, max));

function inputOf(op: Operation, hints: Hints, validHeaders: Record<string, string>): fc.Arbitrary<Input> {
  const params = op.doc.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  // Each path value, each of up to two values of a query parameter and two extra query pairs share the URL's budget.
  const valueMax = Math.floor(URL_MAX / (pathParams.length + 2 * queryParams.length + 4));
  // An empty or dot-only segment is another route (or none), not a value of this one.
  const segment = (p: Parameter) => urlValue(p.schema, hints[p.name], valueMax).map((v) => (/^(\.|%2e)*$/i.test(v) ? `${v}x` : v));
  const path = fc.record(Object.fromEntries(pathParams.map((p) => [p.name, segment(p)])));
  const query = fc
    .tuple(
      fc.tuple(...queryParams.map((p) => fc.option(fc.array(urlValue(p.schema, hints[p.name], valueMax), { minLength: 1, maxLength: 2 }), { freq: 4, nil: undefined }))),
      fc.array(fc.tuple(fc.constantFrom(...HOSTILE_KEYS.map(percentEncode)), urlValue({}, undefined, valueMax)), { maxLength: 2 }),
    )
    .map(([declared, extra]) => [...declared.flatMap((values, i) => (values ?? []).map((v): [string, string] => [queryParams[i]!.name, v])), ...extra]);
  const headerMax = Math.floor(HEADERS_MAX / (op.headerNames.length + 1));
  const headers = fc.record(
    Object.fromEntries(
      op.headerNames.map((name) => {
        const own = validHeaders[name];
        const mutations = own ? [own + 'x', own.slice(0, -1), own.slice(0, own.length >> 1), own.toUpperCase(), `${own}, ${own}`, ` ${own}`, own.replace(/[A-Za-z0-9]/, '_'), `Bearer ${own}`] : [];
        const hostile = fc.oneof(hostileText(headerMax).map((v) => headerText(v, headerMax)), ...(mutations.length ? [fc.constantFrom(...mutations.map((v) => headerText(v, headerMax)))] : []));
        return [name, fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: hostile })];
      }),
    ),
  );
  const anyType = fc.option(fc.oneof(fc.constantFrom(...CONTENT_TYPES), hostileText(300).map((v) => headerText(v, 300))), { freq: 5, nil: undefined });
  const typed = (usual: string) => fc.oneof({ weight: 6, arbitrary: fc.constant<string | undefined>(usual) }, { weight: 1, arbitrary: anyType });
  const schema = op.doc.requestBody?.content['application/json']?.schema;
  const object = schema ? objectOf(schema, hints) : fc.constant<Json>({ entries: [] });
  const rawTexts = [
    '{', '}', '{"a":}', "{'a':1}", '{"a":1,}', '[1,2', 'nul', 'NaN', 'null', 'true', '1', '"text"', '[]', '[{}]', '{}', '{"a":1}{"a":2}', '\ufeff{}', '{"\\ud800":1}',
    '{"a":"\\u0000"}', '{"__proto__":{"polluted":true}}', '{"constructor":{"prototype":{"polluted":true}}}', '{"a":1,"a":2}', 'a=1&a=2', '=&=&', '%ZZ=%ZZ', 'a=%E0%A4%A',
    '&&&', '{"a":1e99999}', '{"a":-}', '\u0000', deepArray(5_000), deepObject(2_000), `{"a":${deepArray(7_000)}}`,
  ];
  const body: fc.Arbitrary<{ body: Body; contentType: string | undefined }> =
    op.method === 'GET'
      ? anyType.map((contentType) => ({ body: { kind: 'none' }, contentType }))
      : fc.oneof(
          { weight: schema ? 10 : 1, arbitrary: fc.tuple(object, typed('application/json')).map(([value, contentType]) => ({ body: { kind: 'json', value } as Body, contentType })) },
          { weight: schema ? 3 : 1, arbitrary: fc.tuple(object, typed('application/x-www-form-urlencoded')).map(([value, contentType]) => ({ body: { kind: 'form', value } as Body, contentType })) },
          { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...rawTexts), anyType).map(([text, contentType]) => ({ body: { kind: 'text', text } as Body, contentType })) },
          { weight: 1, arbitrary: fc.tuple(fc.string({ unit: 'binary', maxLength: 64 }), anyType).map(([text, contentType]) => ({ body: { kind: 'text', text: Buffer.from(text, 'utf8').toString('latin1'), latin1: true } as Body, contentType })) },
          { weight: 1, arbitrary: fc.tuple(fc.jsonValue({ maxDepth: 4 }), typed('application/json')).map(([v, contentType]) => ({ body: { kind: 'json', value: fromPlain(v) } as Body, contentType })) },
          {
            weight: 1,
            arbitrary: fc
              .tuple(fc.constantFrom(16_385, 20_000, 65_536), fc.constantFrom('json', 'form'), anyType)
              .map(([n, kind, contentType]) => ({ body: { kind: 'text', text: kind === 'json' ? `{"a":"${'x'.repeat(n)}"}` : `a=${'x'.repeat(n)}` } as Body, contentType })),
          },
          { weight: 1, arbitrary: anyType.map((contentType) => ({ body: { kind: 'none' } as Body, contentType })) },
        );
  return fc.record({ path, query, headers, body }).map(({ path, query, headers, body }) => {
    const input: Input = { path, query, headers, ...body };
    return Object.assign(input, { [fc.toStringMethod]: () => describeInput(op, input) });
  });
}

const abbreviate = (s: string) => (s.length > 160 ? `${s.slice(0, 60)}…(${s.length} chars)…${s.slice(-20)}` : s);

function describeInput(op: Operation, input: Input): string {
  const body = input.body.kind === 'none' ? 'no body' : input.body.kind === 'text' ? `raw body ${JSON.stringify(abbreviate(input.body.text))}` : `${input.body.kind} body ${abbreviate(input.body.kind === 'json' ? writeJson(input.body.value) : formText(input.body.value))}`;
  const headers = Object.entries(input.headers).filter(([, v]) => v !== undefined);
  return [
    `${op.method} ${abbreviate(urlOf(op, input))}`,
    ...headers.map(([k, v]) => `${k}: ${JSON.stringify(abbreviate(v!))}`),
    `content-type: ${input.contentType === undefined ? '(none)' : JSON.stringify(abbreviate(input.contentType))}`,
    body,
  ].join('\n    ');
}

const urlOf = (op: Operation, input: Input) =>
  op.path.replace(/\{(\w+)\}/g, (_m, name: string) => input.path[name]!) + (input.query.length ? `?${input.query.map(([k, v]) => `${k}=${v}`).join('&')}` : '');

function formText(value: Json): string {
  if (!isEntries(value)) return percentEncode(leafText(value));
  return value.entries.flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x) => `${percentEncode(k)}=${percentEncode(leafText(x))}`)).join('&');
}

/** The body fields that authenticate a partner replace the generated ones (when the input has them). */
function withFields(value: Json, fields: Record<string, string>): Json {
  if (!isEntries(value)) return value;
  const done = new Set<string>();
  return {
    entries: value.entries.map(([k, v]): [string, Json] => {
      if (!Object.hasOwn(fields, k) || done.has(k)) return [k, v];
      done.add(k);
      return [k, fields[k]!];
    }),
  };
}

interface Sent {
  label: string;
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: Buffer;
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

function build(op: Operation, input: Input, label: string, creds?: { headers: Record<string, string>; fields: Record<string, string> }): Sent {
  const headers: Record<string, string> = { ...(creds?.headers ?? {}) };
  for (const [name, value] of Object.entries(input.headers)) if (value !== undefined) headers[name] = value;
  if (input.contentType !== undefined) headers['content-type'] = input.contentType;
  const b = input.body;
  const body =
    b.kind === 'none'
      ? undefined
      : b.kind === 'text'
        ? Buffer.from(b.text, b.latin1 ? 'latin1' : 'utf8')
        : Buffer.from(b.kind === 'json' ? writeJson(withFields(b.value, creds?.fields ?? {})) : formText(withFields(b.value, creds?.fields ?? {})), 'utf8');
  return { label, method: op.method, url: urlOf(op, input), headers, body };
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY * 2 });
let requests = 0;
let refused = 0;

function send(sent: Sent): Promise<Answer> {
  const api = new URL(stack().apiUrl);
  requests++;
  return new Promise((resolve, reject) => {
    const req = request(
      { host: api.hostname, port: api.port, method: sent.method, path: sent.url, agent, headers: { ...sent.headers, ...(sent.body ? { 'content-length': String(sent.body.length) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(20_000, () => req.destroy(new Error('no answer within 20 s')));
    req.on('error', reject);
    req.end(sent.body);
  });
}

// ---------------------------------------------------------------------------------------------------------
// What every answer must be

const LEAKS: [string, RegExp][] = [
  ['a stack frame', /\bat (?:async )?\S*\s?\(?(?:file:|node:|\/)\S*:\d+(?::\d+)?|(?:\n|\\n)\s+at \S/],
  ['a source line reference', /\.(?:[cm]?[jt]s|tsx?):\d+/],
  ['node_modules', /node_modules/],
  ['a file path', /\/work\/|\/var\/task\/|\/tmp\//],
  ['a JavaScript error name', /\b(?:TypeError|ReferenceError|SyntaxError|RangeError|URIError|EvalError)\b/],
  ['a DynamoDB name', /ConditionalCheckFailed|ValidationException|DynamoDB|TransactionCanceled|ProvisionedThroughput|ResourceNotFoundException/],
  ['undefined as a value', /\bundefined\b/],
  ['an unformatted object', /\[object \w+\]/],
];

/** What the request carried, decoded: an answer that repeats it back echoes the client, it leaks nothing. */
function carried(sent: Sent): string {
  const decode = (s: string) => {
    try {
      return decodeURIComponent(s.replace(/\+/g, ' '));
    } catch {
      return s;
    }
  };
  return [decode(sent.url), ...Object.values(sent.headers), sent.body?.toString('utf8') ?? '', decode(sent.body?.toString('utf8') ?? '')].join('\n');
}

/**
 * The local emulator's own refusal (hapi's `{statusCode, error, message}`: a content type or a path encoding it
 * cannot parse): the function never ran. API Gateway has its own front door; only our functions are fuzzed.
 */
function emulatorRefusal(a: Answer): boolean {
  if (a.status >= 500 || !a.contentType.startsWith('application/json; charset=utf-8')) return false;
  try {
    const body = JSON.parse(a.text) as { statusCode?: unknown; error?: unknown };
    return body.statusCode === a.status && typeof body.error === 'string';
  } catch {
    return false;
  }
}

const isHtmlPage = (a: Answer) => a.contentType.startsWith('text/html') && /^<!doctype html>/i.test(a.text.trimStart()) && /<\/html>\s*$/i.test(a.text);

function problemsOf(op: Operation, sent: Sent, answer: Answer): string[] {
  const out: string[] = [];
  const { status } = answer;
  if (status >= 500) out.push(`answered ${status}`);
  const documented = op.doc.responses[String(status)];
  const success = Object.entries(op.doc.responses).find(([s]) => s.startsWith('2'))![1];
  const entry = documented ?? (status < 400 ? success : undefined);
  if (!entry) out.push(`status ${status} is not in the operation's documented responses (${Object.keys(op.doc.responses).join(', ')})`);
  const mediaType = Object.keys(entry?.content ?? {})[0] ?? 'application/json';
  const formPost = (sent.headers['content-type'] ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');
  // Routes that answer browser forms with pages (htmlErrors 'forms') may answer a form post with one.
  const pageForForm = formPost && op.route.htmlErrors?.when === 'forms' && answer.contentType.startsWith('text/html');
  const redirect = status >= 300 && status < 400;
  if (mediaType === 'text/html' || pageForForm) {
    if (!redirect && !isHtmlPage(answer)) out.push(`answered ${JSON.stringify(answer.contentType)} where an HTML page is documented`);
  } else if (mediaType === 'application/json') {
    if (!answer.contentType.startsWith('application/json')) out.push(`answered ${JSON.stringify(answer.contentType)} where JSON is documented`);
    else out.push(...contractProblems(op.route, status, answer.contentType, answer.text));
  } else if (!redirect && !answer.contentType.startsWith(mediaType)) out.push(`answered ${JSON.stringify(answer.contentType)} where ${mediaType} is documented`);
  // A file the operation serves (the docs renderer) is code, not a message.
  if (mediaType === 'application/json' || mediaType === 'text/html' || status >= 400) {
    const text = answer.text.replace(/<script\b[\s\S]*?<\/script>/gi, '').replace(/<style\b[\s\S]*?<\/style>/gi, '');
    const request = carried(sent);
    for (const [what, pattern] of LEAKS) {
      const found = pattern.exec(text)?.[0];
      if (found && !request.includes(found.trim())) out.push(`the body contains ${what}: ${JSON.stringify(found)}`);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// The properties

let creds: RouteCredentials;
let hints: Hints;
let started = 0;

/** At most CONCURRENCY operations run at once. */
let running = 0;
const waiting: (() => void)[] = [];
async function limited<T>(task: () => Promise<T>): Promise<T> {
  if (running >= CONCURRENCY) await new Promise<void>((r) => waiting.push(r));
  running++;
  try {
    return await task();
  } finally {
    running--;
    waiting.shift()?.();
  }
}

const ADDRESS = '0xe40555b43d60656b9510860A11D6bDCDDb8E78A2';

function hintsOf(c: RouteCredentials, claim: string): Hints {
  const card = String(c.card.cardId);
  return {
    card_id: [{ num: card }, card],
    id: [card],
    member_id: [{ num: String(c.card.memberId) }],
    name: [c.provider.name],
    partner: [c.partner.partner],
    uuid: [claim],
    address: [ADDRESS, ADDRESS.toLowerCase()],
    list: [[ADDRESS], [ADDRESS, ADDRESS.toLowerCase()]],
    pan: ['4111111111111111', '5555555555554444'],
    expDate: ['3012'],
  };
}

/** Inputs for an operation: FUZZ_RUNS with a request body, half with only parameters or credentials, a fifth with neither. */
function runsOf(op: Operation): number {
  if (op.doc.requestBody) return RUNS;
  return Math.ceil(op.doc.parameters?.length || op.headerNames.length || op.method !== 'GET' ? RUNS / 2 : RUNS / 5);
}

async function fuzz(op: Operation, index: number): Promise<{ reached: number; total: number }> {
  const kind = op.doc['x-auth'];
  const validHeaders = creds.headers[kind] ?? {};
  const fields = kind === 'partnerKey' ? creds.partner : {};
  const authenticated = Object.keys(validHeaders).length > 0 || Object.keys(fields).length > 0;
  const seed = SEED + index;
  let reached = 0;
  let total = 0;
  let firstFailure: number | undefined;
  const property = fc.asyncProperty(inputOf(op, hints, validHeaders), async (input) => {
    // Once the shrinking budget is spent every further candidate passes: fast-check reports the smallest failure found.
    if (firstFailure !== undefined && Date.now() - firstFailure > SHRINK_MS) return;
    const attempts = [build(op, input, 'without credentials'), ...(authenticated ? [build(op, input, 'with valid credentials', { headers: validHeaders, fields })] : [])];
    const answers = await Promise.all(attempts.map(send));
    const found = attempts.flatMap((sent, i) => {
      const answer = answers[i]!;
      if (emulatorRefusal(answer)) {
        refused++;
        return [];
      }
      reached++;
      return problemsOf(op, sent, answer).map((p) => `${sent.label}: ${p}\n      answer ${answer.status} ${JSON.stringify(abbreviate(answer.text))}`);
    });
    total += attempts.length;
    if (found.length) {
      firstFailure ??= Date.now();
      throw new Error(`${op.method} ${op.path} (seed ${seed})\n    ${found.join('\n    ')}`);
    }
  });
  await fc.assert(property, { seed, numRuns: runsOf(op) });
  return { reached, total };
}

describe.concurrent('fuzz: every operation of the OpenAPI document', () => {
  beforeAll(async () => {
    creds = await credentials();
    // Member 1 of the credentials' card exists with some cashback, and the provider has a claim, so inputs reach past the lookups.
    const earned = await send({ label: 'setup', method: 'POST', url: '/api/v1/cashback/cashback/earn', headers: { ...creds.headers.appKey, 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ card_id: creds.card.cardId, email: `${uniq('fuzz')}@example.com`, purchase_amount: 50 })) });
    const generated = await send({ label: 'setup', method: 'POST', url: `/cashout/generate/${creds.provider.name}`, headers: { ...creds.headers.providerKey, 'content-type': 'application/json' }, body: Buffer.from(JSON.stringify({ amount: 5, id: uniq('claim') })) });
    if (earned.status !== 200 || generated.status !== 201) throw new Error(`setup failed: earn ${earned.status} ${earned.text}, generate ${generated.status} ${generated.text}`);
    hints = hintsOf(creds, (JSON.parse(generated.text) as { uuid: string }).uuid);
    started = Date.now();
    console.log(`fuzz: seed ${SEED} (FUZZ_SEED), ${RUNS} inputs per operation (FUZZ_RUNS), ${OPERATIONS.length} operations`);
  });

  afterAll(() => {
    agent.destroy();
    console.log(`fuzz: ${requests} requests (${refused} refused by the local emulator) in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  OPERATIONS.forEach((op, index) => {
    it(`${op.method} ${op.path}`, async ({ expect }) => {
      const { reached, total } = await limited(() => fuzz(op, index));
      // Inputs the emulator refuses before any function runs test nothing: most must reach the function.
      expect(reached, `requests that reached the function, of ${total}`).toBeGreaterThan(total / 2);
    }, 120_000);
  });
});
