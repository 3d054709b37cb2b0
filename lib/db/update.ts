/**
 * An UpdateExpression from a record: each defined field of `set` is SET (an undefined one is left alone, or
 * with `removeUndefined` REMOVEd), each name in `remove` REMOVEd, and `keep` fields are set only when the
 * item has none (`if_not_exists`: a first write's id or creation stays). Every attribute goes through a
 * placeholder (#f<i>, :v<i>), so any name is safe; callers add their own condition placeholders beside these.
 */
export interface UpdateParts {
  UpdateExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues: Record<string, unknown>;
}

export interface UpdateOptions {
  /** Attributes to REMOVE. */
  remove?: readonly string[];
  /** REMOVE every field of `set` whose value is undefined (a replace: what the new version lacks goes). */
  removeUndefined?: boolean;
  /** Attributes set only when the item has none yet. */
  keep?: Record<string, unknown>;
}

export function updateOf(set: Record<string, unknown>, options: UpdateOptions = {}): UpdateParts {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const assignments: string[] = [];
  let i = 0;
  const entries = Object.entries(set);
  for (const [name, value] of entries) {
    if (value === undefined) continue;
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
  const undefinedNames = options.removeUndefined ? entries.filter(([, v]) => v === undefined).map(([k]) => k) : [];
  // A name in both lists is removed once (DynamoDB refuses overlapping paths).
  const removals = [...new Set([...(options.remove ?? []), ...undefinedNames])].map((name) => {
    names[`#f${i}`] = name;
    return `#f${i++}`;
  });
  const clauses = [assignments.length ? `SET ${assignments.join(', ')}` : '', removals.length ? `REMOVE ${removals.join(', ')}` : ''];
  return {
    UpdateExpression: clauses.filter(Boolean).join(' '),
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
