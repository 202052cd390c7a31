/**
 * RecordedChild stands in for the kubectl process LearnerShell spawns: the
 * test decides what it prints, and it records what the shell typed into its
 * stdin and which signals the shell sent (the shell's tests check argv and
 * signals, never a host shell).
 */
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';

export class RecordedChild extends EventEmitter {
  stdout = new PassThrough();
  stderr = new PassThrough();
  stdin: PassThrough | null = new PassThrough();
  exitCode: number | null = null;
  signalCode: string | null = null;
  killed: string[] = [];
  stdinText = '';
  constructor() {
    super();
    this.stdin!.on('data', (d) => (this.stdinText += String(d)));
  }
  kill(signal: string) {
    this.killed.push(signal);
    this.finish(null, signal);
    return true;
  }
  finish(code: number | null, signal: string | null = null) {
    if (this.exitCode !== null || this.signalCode !== null) return;
    this.exitCode = code;
    this.signalCode = signal;
    this.stdout.end();
    this.stderr.end();
    setImmediate(() => this.emit('close', code, signal));
  }
}
