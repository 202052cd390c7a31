/**
 * findKubectl locates the kubectl the terminal runs: $KSLAB_KUBECTL, else
 * the first `kubectl` on the server's PATH, resolved through symlinks so the
 * learner's PATH can be just that binary's folder.
 */
import { accessSync, constants, realpathSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export function findKubectl(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.KSLAB_KUBECTL ? [env.KSLAB_KUBECTL] : (env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, 'kubectl'));
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return realpathSync(candidate);
    } catch {
      /* next */
    }
  }
  return undefined;
}
