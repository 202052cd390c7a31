// Proof suite for lesson 7 (capstone): the survival matrix checked against what fresh simulated clusters show.
import lesson from '../../../lessons/07-capstone/exercises.ts';
import { proveLesson } from './proof.ts';

proveLesson(lesson, process.env.KSLAB_PROOF_ONLY?.split(','));
