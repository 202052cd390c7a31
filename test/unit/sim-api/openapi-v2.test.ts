import protobuf from 'protobufjs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { openapiV2 } from '../../../sandbox/providers/sim/api/openapi/v2.ts';
import descriptorJson from '../../../sandbox/providers/sim/api/openapi/openapi-v2-descriptor.json' with { type: 'json' };

/* eslint-disable @typescript-eslint/no-explicit-any */
const { source: _s, ...rootJson } = descriptorJson as any;
const documentType = protobuf.Root.fromJSON(rootJson).lookupType('openapi.v2.Document');

describe('OpenAPI v2 for kubectl 1.27/1.28', () => {
  it('answers protobuf only when asked, with a content type Go can parse', () => {
    const pb = openapiV2('application/com.github.proto-openapi.spec.v2@v1.0+protobuf');
    expect(pb.contentType).toBe('application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    expect(pb.body).toBeInstanceOf(Uint8Array);
    const json = openapiV2('application/json');
    expect(json.contentType).toBe('application/json');
    expect(JSON.parse(json.body as string).swagger).toBe('2.0');
    expect(json.etag).toBe(pb.etag);
  });

  it('encodes a gnostic Document whose PATCH operations carry the GVK and the fieldValidation query parameter', () => {
    const doc = documentType.toObject(documentType.decode(openapiV2('application/com.github.proto-openapi.spec.v2@v1.0+protobuf').body as Uint8Array)) as any;
    expect(doc.swagger).toBe('2.0');
    const item = doc.paths.path.find((p: any) => p.name === '/api/v1/namespaces/{namespace}/persistentvolumeclaims/{name}').value;
    const gvk = item.patch.vendor_extension.find((e: any) => e.name === 'x-kubernetes-group-version-kind');
    expect(parse(gvk.value.yaml)).toEqual({ group: '', kind: 'PersistentVolumeClaim', version: 'v1' });
    const names = item.patch.parameters.map((p: any) => p.parameter.non_body_parameter?.query_parameter_sub_schema?.name).filter(Boolean);
    expect(names).toContain('fieldValidation');
    expect(item.patch.consumes).toContain('application/strategic-merge-patch+json');
  });

  it('keeps definitions with GVKs, refs and patch extensions', () => {
    const doc = documentType.toObject(documentType.decode(openapiV2('application/com.github.proto-openapi.spec.v2@v1.0+protobuf').body as Uint8Array)) as any;
    const defs = new Map(doc.definitions.additional_properties.map((d: any) => [d.name, d.value]));
    const pod: any = defs.get('io.k8s.api.core.v1.Pod');
    expect(parse(pod.vendor_extension.find((e: any) => e.name === 'x-kubernetes-group-version-kind').value.yaml)).toEqual([{ group: '', kind: 'Pod', version: 'v1' }]);
    const spec = pod.properties.additional_properties.find((p: any) => p.name === 'spec').value;
    expect(spec._ref).toBe('#/definitions/io.k8s.api.core.v1.PodSpec');
    const containers = (defs.get('io.k8s.api.core.v1.PodSpec') as any).properties.additional_properties.find((p: any) => p.name === 'containers').value;
    const ext = Object.fromEntries(containers.vendor_extension.map((e: any) => [e.name, parse(e.value.yaml)]));
    expect(ext).toMatchObject({ 'x-kubernetes-patch-merge-key': 'name', 'x-kubernetes-patch-strategy': 'merge' });
    expect(containers.type.value).toEqual(['array']);
    expect(containers.items.schema[0]._ref).toBe('#/definitions/io.k8s.api.core.v1.Container');
    expect(defs.get('io.k8s.apimachinery.pkg.util.intstr.IntOrString')).toMatchObject({ type: { value: ['string'] }, format: 'int-or-string' });
  });
});
