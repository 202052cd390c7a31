/**
 * extract-v2-descriptor regenerates openapi-v2-descriptor.json, the
 * protobuf.js descriptor of gnostic's openapi.v2.Document: kubectl 1.27/1.28
 * read `/openapi/v2` only in that protobuf form
 * (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`). The
 * descriptor is the one compiled into kubectl (github.com/google/gnostic-models).
 *   node --import tsx sandbox/providers/sim/api/openapi/extract-v2-descriptor.ts [/path/to/kubectl]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rawDescriptor, reachableJson, rootFromDescriptors } from '../protobuf/embedded-descriptors.ts';

const binary = process.argv[2] ?? '/usr/lib/google-cloud-sdk/bin/kubectl.1.33';
const bin = readFileSync(binary);
// google.protobuf.Any (a well-known type the binary doesn't carry as a descriptor): {type_url = 1, value = 2}.
const anyProto = {
  name: 'google/protobuf/any.proto',
  package: 'google.protobuf',
  messageType: [{ name: 'Any', field: [{ name: 'type_url', number: 1, label: 1, type: 9 }, { name: 'value', number: 2, label: 1, type: 12 }] }],
};
const root = rootFromDescriptors([anyProto, rawDescriptor(bin, 'openapiv2/OpenAPIv2.proto')]);
const json = reachableJson(root, ['openapi.v2.Document']);
const target = join(dirname(fileURLToPath(import.meta.url)), 'openapi-v2-descriptor.json');
writeFileSync(target, JSON.stringify({ source: `openapiv2/OpenAPIv2.proto descriptor embedded in ${binary.split('/').pop()}`, ...json }) + '\n');
console.log(`wrote ${target}`);
