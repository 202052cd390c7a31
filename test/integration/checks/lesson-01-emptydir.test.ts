// Proof suite for lesson 1 (emptyDir): reference solutions and broken variants on fresh simulated clusters.
import lesson from '../../../lessons/01-emptydir/exercises.ts';
import { proveLesson } from './proof.ts';

proveLesson(lesson, process.env.KSLAB_PROOF_ONLY?.split(','));
