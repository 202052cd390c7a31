/**
 * The syntax tree of the POSIX shell subset (XCU 2.9 "Shell Commands").
 * Words keep their parts so expansion knows which text was quoted: quoted
 * text is never field-split or globbed.
 */

/** WordPart is one piece of a word: literal text or an expansion. */
export type WordPart =
  | { kind: 'lit'; text: string; quoted: boolean }
  | { kind: 'param'; name: string; quoted: boolean; op?: ParamOp; arg?: Word }
  | { kind: 'cmdsub'; script: Script; quoted: boolean }
  | { kind: 'arith'; expr: Word; quoted: boolean }
  /** tilde is a leading ~ or ~user (expanded to the home directory). */
  | { kind: 'tilde'; user: string };

/** ParamOp is a ${name<op>word} form; '#len' is ${#name}. */
export type ParamOp = ':-' | '-' | ':=' | '=' | ':+' | '+' | ':?' | '?' | '#len' | '%' | '%%' | '#' | '##';

export type Word = WordPart[];

export interface Redirect {
  /** fd is the file descriptor redirected (default 1 for output ops, 0 for input). */
  fd: number;
  op: '>' | '>>' | '>|' | '<' | '<>' | '>&' | '<&' | '<<' | '<<-';
  target: Word;
  /** heredoc: the body, and whether the delimiter was quoted (then no expansion). */
  heredoc?: { body: string; quoted: boolean };
}

export interface Assignment {
  name: string;
  value: Word;
}

export interface SimpleCommand {
  type: 'simple';
  assigns: Assignment[];
  words: Word[];
  redirects: Redirect[];
  /** line is the script line the command starts on (for messages). */
  line: number;
}

export interface IfCommand {
  type: 'if';
  clauses: { cond: Script; body: Script }[];
  elseBody?: Script;
  redirects: Redirect[];
}

export interface LoopCommand {
  type: 'while' | 'until';
  cond: Script;
  body: Script;
  redirects: Redirect[];
}

export interface ForCommand {
  type: 'for';
  name: string;
  /** items undefined means "$@". */
  items?: Word[];
  body: Script;
  redirects: Redirect[];
}

export interface CaseCommand {
  type: 'case';
  subject: Word;
  items: { patterns: Word[]; body: Script }[];
  redirects: Redirect[];
}

export interface GroupCommand {
  type: 'group' | 'subshell';
  body: Script;
  redirects: Redirect[];
}

export interface FunctionDefinition {
  type: 'function';
  name: string;
  body: Command;
}

export type Command = SimpleCommand | IfCommand | LoopCommand | ForCommand | CaseCommand | GroupCommand | FunctionDefinition;

export interface Pipeline {
  negate: boolean;
  commands: Command[];
}

export interface AndOr {
  first: Pipeline;
  rest: { op: '&&' | '||'; pipeline: Pipeline }[];
}

/** Script is a list of and-or lists, each run in the foreground or (with &) in the background. */
export interface Script {
  items: { andOr: AndOr; background: boolean }[];
}
