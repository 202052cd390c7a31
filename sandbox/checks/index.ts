/**
 * The check helpers lessons use: types, outcome builders, solve steps, the
 * ClusterView and the MySQL helper. lessons/*\/exercises.ts import from
 * here and nowhere else in sandbox/ (DESIGN.md layering).
 */
export type { Check, CheckOutcome, CheckResult, CheckStatus, Exercise, LessonExercises, BrokenVariant, SolveContext, SolveStep } from './types.ts';
export { ClusterView, NODE_READER_NAMESPACE, shellQuote, type ExecResult, type CephTool } from './cluster-view.ts';
export { check, pass, fail, compareFields, missing, show, quantityBytes, sameQuantity, type FieldRule } from './outcomes.ts';
export { step, applyFile, applyYaml, deleteObject, until, waitFor, power, isReady, readyPod, execIn, execInPod, objectsOf, setUnschedulable, cordon, deletePod, WORKERS, otherWorker, waitForMySQL, onNode, needPower } from './steps.ts';
export { selects, deploymentPods, deploymentReadyPod, namespacesHolding, wrongNamespaceHint } from './workloads.ts';
export { mysqlQuery, mysqlError, databases, mysqlServes, MYSQL_ROOT_PASSWORD } from './mysql.ts';
export type { V1PersistentVolume, V1Pod, KubernetesObject } from '@kubernetes/client-node';
