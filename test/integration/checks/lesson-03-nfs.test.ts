// Proof suite for lesson 3 (NFS): reference solutions and broken variants on fresh simulated clusters.
import lesson from '../../../lessons/03-nfs/exercises.ts';
import { proveLesson } from './proof.ts';

proveLesson(lesson, process.env.KSLAB_PROOF_ONLY?.split(','));
