// Proof suite for lesson 0 (why storage is hard): reference solution and broken variants on fresh simulated clusters.
import lesson from '../../../lessons/00-why-storage/exercises.ts';
import { proveLesson } from './proof.ts';

proveLesson(lesson, process.env.KSLAB_PROOF_ONLY?.split(','));
