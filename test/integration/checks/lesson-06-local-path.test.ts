// Proof suite for lesson 6 (local-path-provisioner): reference solutions and broken variants on fresh simulated clusters.
import lesson from '../../../lessons/06-local-path/exercises.ts';
import { proveLesson } from './proof.ts';

proveLesson(lesson, process.env.KSLAB_PROOF_ONLY?.split(','));
