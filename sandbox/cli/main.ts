/**
 * main is the entry of the `kslab` command line: it picks a sub-command and
 * hands it the remaining arguments. Each sub-command lives in
 * `sandbox/cli/commands/<name>.ts` and exports `run(argv): Promise<number>`
 * (the process exit code) plus a one-line `summary`.
 */
export interface Command {
  summary: string;
  run(argv: string[]): Promise<number>;
}

/** commands maps each sub-command name to a lazy import, so `kslab check` never loads the server. */
const commands: Record<string, () => Promise<Command>> = {};

/** registerCommand adds a sub-command; the command modules call it from sandbox/cli/commands/index.ts. */
export function registerCommand(name: string, load: () => Promise<Command>): void {
  commands[name] = load;
}

function usage(): string {
  const names = Object.keys(commands).sort();
  return [
    'usage: kslab <command> [options]',
    '',
    'commands:',
    ...names.map((n) => `  ${n}`),
    '',
    'Run `kslab <command> --help` for the options of one command.',
  ].join('\n');
}

export async function main(argv: string[]): Promise<number> {
  await import('./commands/index.ts');
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n');
    return name ? 0 : 2;
  }
  const load = commands[name];
  if (!load) {
    process.stderr.write(`kslab: unknown command "${name}"\n\n${usage()}\n`);
    return 2;
  }
  const command = await load();
  return command.run(rest);
}
