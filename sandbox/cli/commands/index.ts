// Each sub-command registers itself here with a lazy import, one line each.
import { registerCommand } from '../main.ts';

registerCommand('sim', async () => (await import('./sim.ts')).default);
registerCommand('serve', async () => import('./serve.ts'));

registerCommand('list', async () => (await import('./list.ts')).default);
registerCommand('check', async () => (await import('./check.ts')).default);
registerCommand('solve', async () => (await import('./solve.ts')).default);
