/**
 * Each API family's error envelope (what `errorBody` in lib/http/families.ts answers), for the OpenAPI
 * document, by family name. Documentation only: Lambda bundles do not import it.
 */
import * as z from 'zod/mini';

const platformError = z.object({ result: z.literal('error'), error: z.string(), code: z.string() });

export const errorSchemas: Readonly<Record<string, z.ZodMiniType>> = {
  /** Obyte-compatible: {"result":"error","error":"..."}. */
  'partner-cashback': z.object({ result: z.literal('error'), error: z.string() }),
  platform: platformError,
  docs: platformError,
  'cashback-cards': z.object({
    success: z.literal(false),
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown() }),
  }),
  cashout: z.object({ message: z.string(), code: z.string() }),
  payments: z.object({ error: z.string(), error_data: z.unknown(), error_id: z.string(), error_object: z.null() }),
};

/** The error envelope of a family; a family without one here is a mistake, not an undocumented envelope. */
export function errorSchemaOf(family: { name: string }): z.ZodMiniType {
  const schema = errorSchemas[family.name];
  if (!schema) throw new Error(`no error schema for the API family "${family.name}" (lib/docs/error-schemas.ts)`);
  return schema;
}
