// Proof suite for lesson 5 (local PVs): reference solutions and broken variants on fresh simulated clusters.
import lesson from '../../../lessons/05-local-pv/exercises.ts';
import { proveLesson } from './proof.ts';

proveLesson(lesson, process.env.KSLAB_PROOF_ONLY?.split(','));
