// Validates rendered objects against the Kubernetes 1.30 schemas: kubernetes-models checks types, required
// fields, enums and quantities; it accepts unknown fields and nulls, so a walk over @kubernetes/client-node's
// attribute type maps rejects those. CRDs are checked against their own schemas (test/fixtures/chart/crds).
import { readFileSync } from 'node:fs';
import * as client from '@kubernetes/client-node';
import { Ajv } from 'ajv';
import { fixturePath, type K8sObject } from './render.js';

type TypeMap = { name: string; baseName: string; type: string }[];
type ModelClass = { getAttributeTypeMap(): TypeMap };

const PRIMITIVES = new Set(['string', 'number', 'boolean', 'Date', 'any', 'object', 'IntOrString']);

/** Paths of fields the Kubernetes API does not know, and of nulls, under an object of the given model type. */
export function unknownFields(value: unknown, type: string, path: string): string[] {
  if (value === null) return [`${path}: null`];
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    return Array.isArray(value)
      ? value.flatMap((v, i) => unknownFields(v, array[1] as string, `${path}[${i}]`))
      : [`${path}: expected a list`];
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    return Object.entries(value as object).flatMap(([k, v]) =>
      unknownFields(v, map[1] as string, `${path}.${k}`),
    );
  }
  if (PRIMITIVES.has(type)) return [];
  const model = (client as unknown as Record<string, ModelClass | undefined>)[type];
  if (!model?.getAttributeTypeMap) return [];
  if (typeof value !== 'object' || Array.isArray(value)) return [`${path}: expected an object (${type})`];
  const attributes = new Map(model.getAttributeTypeMap().map((a) => [a.baseName, a.type]));
  return Object.entries(value as object).flatMap(([k, v]) => {
    const t = attributes.get(k);
    return t === undefined ? [`${path}.${k}: unknown field of ${type}`] : unknownFields(v, t, `${path}.${k}`);
  });
}

const crdSchemas: Record<string, string> = {
  'monitoring.coreos.com/v1/ServiceMonitor': 'servicemonitor',
  'monitoring.coreos.com/v1/PrometheusRule': 'prometheusrule',
  'elasticsearch.k8s.elastic.co/v1/Elasticsearch': 'elasticsearch',
};
const ajv = new Ajv({ allErrors: true, strict: false });
const crdValidators = new Map(
  Object.entries(crdSchemas).map(([k, file]) => [
    k,
    ajv.compile(JSON.parse(readFileSync(fixturePath('crds', `${file}.schema.json`), 'utf8'))),
  ]),
);

/** The problems of one object ([] when valid). */
export async function validateObject(obj: K8sObject): Promise<string[]> {
  const where = `${obj.kind}/${obj.metadata?.name}`;
  const crd = crdValidators.get(`${obj.apiVersion}/${obj.kind}`);
  if (crd) {
    const problems = crd(obj) ? [] : (crd.errors ?? []).map((e) => `${where}${e.instancePath}: ${e.message}`);
    // ECK's podTemplate is a Kubernetes PodTemplateSpec.
    for (const [i, set] of (obj.spec?.nodeSets ?? []).entries()) {
      if (set.podTemplate)
        problems.push(
          ...unknownFields(set.podTemplate, 'V1PodTemplateSpec', `${where}.spec.nodeSets[${i}].podTemplate`),
        );
    }
    return problems;
  }
  const [group, version] = obj.apiVersion.includes('/')
    ? obj.apiVersion.split('/')
    : [undefined, obj.apiVersion];
  const module = await import(`kubernetes-models/${group ? `${group}/` : ''}${version}`).catch(
    () => undefined,
  );
  const Model = module?.[obj.kind];
  if (!Model) return [`${where}: no Kubernetes 1.30 schema for ${obj.apiVersion} ${obj.kind}`];
  const problems: string[] = [];
  try {
    new Model(obj).validate();
  } catch (e) {
    problems.push(`${where}: ${(e as Error).message}`);
  }
  const clientType = `${(version as string).charAt(0).toUpperCase()}${(version as string).slice(1)}${obj.kind}`;
  problems.push(...unknownFields(obj, clientType, where));
  return problems;
}

export async function validateAll(objects: K8sObject[]): Promise<string[]> {
  return (await Promise.all(objects.map(validateObject))).flat();
}
