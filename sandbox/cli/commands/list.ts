/** `kslab list [--format text|json]` lists the lessons and their exercise ids, the addresses `kslab check` takes. */
import type { Command } from '../main.ts';
import { parseFlags } from './cli-flags.ts';

const help = `usage: kslab list [--format text|json]

Lists every lesson and its exercises, as LESSON/EXERCISE addresses for
\`kslab check\` and \`kslab solve\`.
`;

export const summary = 'list lessons and exercise ids';

export async function run(argv: string[]): Promise<number> {
  let format = 'text';
  try {
    const { flags, positional } = parseFlags(argv, ['--format'], ['--help', '-h']);
    if (flags['--help'] || flags['-h']) {
      process.stdout.write(help);
      return 0;
    }
    if (positional.length) throw new Error(`unexpected argument "${positional[0]}"`);
    format = (flags['--format'] as string | undefined) ?? 'text';
    if (!['text', 'json'].includes(format)) throw new Error(`--format: "${format}" is not text or json`);
  } catch (e) {
    process.stderr.write(`kslab list: ${(e as Error).message}\n\n${help}`);
    return 2;
  }
  const { loadCourse } = await import('../../checks/course.ts');
  const course = await loadCourse();
  if (format === 'json') {
    const body = course.map((l) => ({ lesson: l.lesson, exercises: l.exercises.map((e) => ({ id: e.id, title: e.title, checks: e.checks.map((c) => ({ id: c.id, title: c.title })) })) }));
    process.stdout.write(JSON.stringify({ lessons: body }, null, 2) + '\n');
    return 0;
  }
  const lines: string[] = [];
  for (const l of course) {
    lines.push(l.lesson);
    for (const e of l.exercises) lines.push(`  ${l.lesson}/${e.id}  ${e.title} (${e.checks.length} checks)`);
  }
  process.stdout.write(lines.join('\n') + '\n');
  return 0;
}

const command: Command = { summary, run };
export default command;
