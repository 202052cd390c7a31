// Proof suite for lesson 4 (Ceph RBD): reference solutions and broken variants on fresh simulated clusters
// (the view reaches Ceph through the sim cluster's own `ceph`/`rbd` tools, as the sandbox server's does).
import lesson from '../../../lessons/04-ceph-rbd/exercises.ts';
import { proveLesson } from './proof.ts';

proveLesson(lesson, process.env.KSLAB_PROOF_ONLY?.split(','));
