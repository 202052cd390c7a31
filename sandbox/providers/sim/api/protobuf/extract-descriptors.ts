/**
 * extract-descriptors regenerates k8s-protobuf.json, the protobuf.js
 * descriptor of the Kubernetes messages the simulated server decodes. Go
 * binaries built from k8s.io/api and k8s.io/apimachinery embed each
 * generated.proto as a gzipped FileDescriptorProto; this script finds them
 * in a kubectl binary, keeps the messages reachable from the kinds kubectl
 * 1.32+ sends as protobuf (typed-client writes: `kubectl create …`,
 * `kubectl debug`), and writes them out, so field numbers come from the real
 * API, not from hand.
 *   node --import tsx sandbox/providers/sim/api/protobuf/extract-descriptors.ts [/path/to/kubectl]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzippedDescriptors, reachableJson, rootFromDescriptors } from './embedded-descriptors.ts';
import { protobufRoots } from './kinds.ts';

const wanted = new Set([
  'k8s.io/apimachinery/pkg/runtime/generated.proto',
  'k8s.io/apimachinery/pkg/runtime/schema/generated.proto',
  'k8s.io/apimachinery/pkg/api/resource/generated.proto',
  'k8s.io/apimachinery/pkg/util/intstr/generated.proto',
  'k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto',
  'k8s.io/api/core/v1/generated.proto',
  'k8s.io/api/apps/v1/generated.proto',
  'k8s.io/api/batch/v1/generated.proto',
  'k8s.io/api/policy/v1/generated.proto',
  'k8s.io/api/rbac/v1/generated.proto',
  'k8s.io/api/authentication/v1/generated.proto',
]);

const binary = process.argv[2] ?? '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';
const files = gzippedDescriptors(readFileSync(binary), wanted);
const missing = [...wanted].filter((f) => !files.has(f));
if (missing.length) throw new Error(`not found in ${binary}: ${missing.join(', ')}`);
const root = rootFromDescriptors([...files.values()]);
const json = reachableJson(root, ['k8s.io.apimachinery.pkg.runtime.Unknown', ...protobufRoots()]);
const target = join(dirname(fileURLToPath(import.meta.url)), 'k8s-protobuf.json');
writeFileSync(target, JSON.stringify({ source: `generated.proto descriptors embedded in ${binary.split('/').pop()}`, ...json }) + '\n');
console.log(`wrote ${target}`);
