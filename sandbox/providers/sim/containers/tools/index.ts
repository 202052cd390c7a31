/**
 * The busybox applets this simulation models, by name. Images put them on
 * their PATH (/bin/<name>); the shell runs the NOFORK ones (echo, printf,
 * test, [, sleep, true, false) inside itself, as busybox ash does.
 */
import type { Program } from '../program.ts';
import { cat, echo, printf, head, tail, wc, grep, tee, base64, seq, sort, uniq, cut, tr, basenameApplet, dirnameApplet, yes } from './text.ts';
import { sed } from './sed.ts';
import { wget } from './http.ts';
import { tar } from './tar.ts';
import { ls, mkdir, touch, rm, rmdir, cp, mv, find, stat, dd, chmod, chown, ln, du } from './files.ts';
import { tty } from './tty.ts';
import { sleep, date, hostname, env, printenv, id, whoami, uname, df, mount, trueApplet, falseApplet, pwd, clear, which, nproc, sync, test, free, ps, kill, xargs, timeout, expr, uptime } from './system.ts';

/** busyboxApplets: every modelled applet; `sh`/`ash` are added by the image (they need the shell module). */
export const busyboxApplets: Readonly<Record<string, Program>> = {
  base64,
  basename: basenameApplet,
  cat,
  chmod,
  chown,
  clear,
  cp,
  cut,
  date,
  dd,
  df,
  dirname: dirnameApplet,
  du,
  echo,
  egrep: grep,
  env,
  expr,
  false: falseApplet,
  find,
  free,
  grep,
  head,
  hostname,
  id,
  kill,
  ln,
  ls,
  mkdir,
  // more and less page on a terminal; without one (and in this model) they print the file.
  more: cat,
  less: cat,
  mount,
  mv,
  nproc,
  printenv,
  printf,
  ps,
  pwd,
  rm,
  rmdir,
  sed,
  seq,
  sleep,
  sort,
  stat,
  sync,
  tail,
  tar,
  tee,
  timeout,
  test,
  '[': test,
  touch,
  tr,
  true: trueApplet,
  tty,
  uname,
  uniq,
  uptime,
  wc,
  wget,
  which,
  whoami,
  xargs,
  yes,
};

/** builtinApplets run inside the shell process (busybox FEATURE_SH_NOFORK / ash builtins). */
export const builtinApplets: Readonly<Record<string, Program>> = {
  echo,
  printf,
  test,
  '[': test,
  sleep,
};
