/**
 * An UpdateExpression from a record: each field of `set` is SET, each name in `remove` REMOVEd, and `keep`
 * fields are set only when the item has none (`if_not_exists`: a first write's id or creation stays). Every
 * attribute goes through a placeholder (#f<i>, :v<i>), so any name is safe; callers add their own condition
 * placeholders beside these.
 */
export interface UpdateParts {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

export function updateOf(set: Record<string, unknown>, options: { remove?: readonly string[]; keep?: Record<string, unknown> } = {}): UpdateParts {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const assignments: string[] = [];
  let i = 0;
  for (const [name, value] of Object.entries(set)) {
    names[`#f${i}`] = name;
    values[`:v${i}`] = value;
    assignments.push(`#f${i} = :v${i}`);
    i++;
  }
  for (const [name, value] of Object.entries(options.keep ?? {})) {
    names[`#f${i}`] = name;
    values[`:v${i}`] = value;
    assignments.push(`#f${i} = if_not_exists(#f${i}, :v${i})`);
    i++;
  }
  const removals = (options.remove ?? []).map((name) => {
    names[`#f${i}`] = name;
    return `#f${i++}`;
  });
  return {
    UpdateExpression: `SET ${assignments.join(', ')}${removals.length ? ` REMOVE ${removals.join(', ')}` : ''}`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/** The fields of `record` that are defined (an update sets those and leaves the others alone). */
export const definedFields = (record: Record<string, unknown>) => Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
