// Proof suite for lesson 2 (hostPath): reference solutions and broken variants on fresh simulated clusters.
import lesson from '../../../lessons/02-hostpath/exercises.ts';
import { proveLesson } from './proof.ts';

proveLesson(lesson, process.env.KSLAB_PROOF_ONLY?.split(','));
