/**
 * parseFlags reads the grader commands' flags: `--flag value` and
 * `--flag=value`, booleans without a value, and positional words.
 */
export function parseFlags(argv: string[], withValue: string[], booleans: string[]): { flags: Record<string, string | true>; positional: string[] } {
  const flags: Record<string, string | true> = {};
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-') || a === '-') {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const flag = eq > 0 ? a.slice(0, eq) : a;
    if (booleans.includes(flag)) {
      if (eq > 0) throw new Error(`${flag} takes no value`);
      flags[flag] = true;
    } else if (withValue.includes(flag)) {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      flags[flag] = v;
    } else {
      throw new Error(`unknown option "${a}"`);
    }
  }
  return { flags, positional };
}
