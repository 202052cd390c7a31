/**
 * The terminal applets of busybox 1.36: `tty` (coreutils/tty.c) and the
 * width rule every applet that lays out columns shares
 * (libbb/xfuncs.c get_terminal_width_height).
 */
import type { Program, ProgramContext } from '../program.ts';
import { fail, parseOptions, usageError } from './common.ts';

/**
 * SESSION_TTY is the name of a session's terminal inside the container. Each
 * container has its own devpts instance (runc mounts a fresh /dev/pts), so the
 * first terminal in it — the `kubectl exec -it` session, or the container's own
 * with `tty: true` — is /dev/pts/0.
 */
export const SESSION_TTY = '/dev/pts/0';

/**
 * tty [-s]: the name of the terminal on stdin, or "not a tty" and exit
 * status 1 (`kubectl exec` without -t, a pipe). -s prints nothing and only
 * sets the status. Operands are ignored with a warning, as busybox does.
 */
export const tty: Program = async (ctx) => {
  let opts;
  try {
    opts = parseOptions(ctx.argv.slice(1), 's');
  } catch (err) {
    // xfunc_error_retval = 2: POSIX wants more than 1 for errors.
    usageError(ctx, err);
    return 2;
  }
  if (opts.operands.length > 0) fail(ctx, 'ignoring all arguments');
  if (!opts.flags.has('s')) ctx.stdout.write((ctx.tty ? SESSION_TTY : 'not a tty') + '\n');
  return ctx.tty ? 0 : 1;
};

/**
 * terminalWidth is busybox's get_terminal_width(): $COLUMNS when set, else the
 * terminal's width, and 80 for anything below 2 or from 30000 on. kubectl
 * attach sends its size plus one first and then the real size to make the
 * remote program redraw; from a terminal of size 0x0 (`script` without a
 * terminal) that leaves 1x1, because the kubelet drops the 0x0 resize — and
 * busybox still lays out 80 columns.
 */
export function terminalWidth(ctx: ProgramContext): number {
  const fromEnv = ctx.env.get('COLUMNS');
  const value = fromEnv !== undefined ? Number.parseInt(fromEnv, 10) || 0 : ctx.terminal.columns;
  return value <= 1 || value >= 30000 ? 80 : value;
}
