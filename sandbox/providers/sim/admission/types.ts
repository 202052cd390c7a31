/**
 * The admission contract between the simulated API server's REST layer and
 * this package (see briefs: sim-contracts). admit() takes one request and
 * returns the object to store plus warnings, or throws a StatusError.
 */
import type { ResourceType } from '../api/resources.ts';
import type { KObject, StoreReader } from '../store/types.ts';

export interface AdmissionRequest {
  operation: 'CREATE' | 'UPDATE' | 'DELETE';
  resource: ResourceType;
  /** subresource: 'status', 'scale', 'binding', 'eviction', … */
  subresource?: string;
  namespace: string;
  name: string;
  /** object already has name (generateName resolved), uid and creationTimestamp on CREATE. */
  object?: KObject;
  oldObject?: KObject;
  store: StoreReader;
  dryRun: boolean;
}

export interface AdmissionResult {
  object?: KObject;
  warnings: string[];
}
