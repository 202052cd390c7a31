/**
 * Friendly wording for invalid lesson frontmatter, in the manner of Starlight's
 * error map (withastro/starlight packages/starlight/utils/error-map.ts): every
 * problem names the lesson file and the field, and says "expected X, found Y",
 * so an author can fix it without reading zod's issue codes.
 */
import type { ZodError, ZodIssue } from 'zod';

/** LessonFrontmatterError is thrown at build time when a lesson's frontmatter breaks lessons/schema.ts. */
export class LessonFrontmatterError extends Error {
  readonly file: string;
  readonly problems: string[];

  constructor(file: string, problems: string[]) {
    super(
      `Invalid frontmatter in ${file} (schema: lessons/schema.ts):\n` +
        problems.map((p) => `  - ${p}`).join('\n'),
    );
    this.name = 'LessonFrontmatterError';
    this.file = file;
    this.problems = problems;
  }
}

/** frontmatterProblems turns a zod error for `data` into one sentence per problem, each naming its field. */
export function frontmatterProblems(error: ZodError, data: unknown): string[] {
  return error.issues.map((issue) => describeIssue(issue, data));
}

/** fieldName renders a zod path the way an author reads YAML: `exercises[1].id`. */
export function fieldName(path: ReadonlyArray<string | number>): string {
  if (path.length === 0) return '(frontmatter)';
  return path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
}

function valueAt(data: unknown, path: ReadonlyArray<string | number>): unknown {
  let current: unknown = data;
  for (const part of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[part];
  }
  return current;
}

/** describeFound says what the author wrote, with its YAML type, e.g. `"ten" (a string)`. */
export function describeFound(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') return `${JSON.stringify(value)} (a string)`;
  if (typeof value === 'number') return `${value} (a number)`;
  if (typeof value === 'boolean') return `${value} (a boolean)`;
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`;
  if (value instanceof Date) return `the date ${value.toISOString().slice(0, 10)}`;
  return 'a mapping';
}

const typeNames: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  integer: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
};

function describeIssue(issue: ZodIssue, data: unknown): string {
  const field = fieldName(issue.path);
  const found = valueAt(data, issue.path);
  switch (issue.code) {
    case 'invalid_type':
      if (found === undefined) return `${field}: is missing (expected ${typeNames[issue.expected] ?? issue.expected})`;
      return `${field}: expected ${typeNames[issue.expected] ?? issue.expected}, found ${describeFound(found)}`;
    case 'invalid_enum_value':
      return `${field}: expected one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}, found ${describeFound(found)}`;
    case 'unrecognized_keys':
      return `${field === '(frontmatter)' ? 'frontmatter' : field}: unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys
        .map((k) => JSON.stringify(k))
        .join(', ')} (not in the lesson schema; check the spelling)`;
    case 'too_small':
    case 'too_big': {
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const word = issue.code === 'too_small' ? 'at least' : 'at most';
      if (issue.type === 'string') {
        return `${field}: expected ${word} ${bound} characters, found ${String(found ?? '').length} in ${describeFound(found)}`;
      }
      if (issue.type === 'array') return `${field}: expected ${word} ${bound} item${bound === 1 ? '' : 's'}, found ${describeFound(found)}`;
      return `${field}: expected a number ${word} ${bound}, found ${describeFound(found)}`;
    }
    case 'not_multiple_of':
      return `${field}: expected a multiple of ${issue.multipleOf}, found ${describeFound(found)}`;
    default:
      // Regex checks and refinements carry the schema's own sentence ("a lesson id is …").
      return `${field}: ${issue.message}; found ${describeFound(found)}`;
  }
}
