// Checks a configuration against schemas/release-config.schema.json with ajv (every error, not the
// first) and turns each ajv error into an Issue a user can act on: what is wrong, and what to do.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import schema from '../../schemas/release-config.schema.json' with { type: 'json' };
import { explainFormat, FORMATS } from './formats.js';
import type { Issue, PathSegment } from './problems.js';
import { closest } from './spelling.js';

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (compiled) return compiled;
  // useDefaults fills the documented defaults in; verbose keeps the failing schema for the hints.
  const ajv = new Ajv2020({ allErrors: true, useDefaults: true, verbose: true, strict: true });
  for (const [name, check] of Object.entries(FORMATS)) {
    ajv.addFormat(name, { type: 'string', validate: (value: string) => check(value) === undefined });
  }
  compiled = ajv.compile(schema);
  return compiled;
}

/** The schema itself, for code that reads descriptions or defaults. */
export const releaseConfigSchema = schema as Record<string, unknown>;

/**
 * Validates `data` in place (defaults are filled in) and returns one Issue per problem. `data` must
 * be a plain object from YAML/JSON; nothing here throws on unexpected shapes.
 */
export function checkSchema(data: unknown): Issue[] {
  const validate = validator();
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  // A value of the wrong type fails its other rules too (const, enum, ...): report the type alone.
  const mistyped = new Set(errors.filter((e) => e.keyword === 'type').map((e) => e.instancePath));
  const issues: Issue[] = [];
  for (const error of errors) {
    if (error.keyword !== 'type' && mistyped.has(error.instancePath)) continue;
    const issue = toIssue(error, data);
    if (issue) issues.push(issue);
  }
  return issues;
}

function toIssue(error: ErrorObject, root: unknown): Issue | undefined {
  const path = pointerToPath(error.instancePath, root);
  const params = error.params as Record<string, unknown>;
  const described = describedHint(error.parentSchema);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
      const guess = closest(key, allowed);
      return {
        path: [...path, key],
        target: 'key',
        message: `unknown key '${key}'`,
        hint: guess ? `did you mean '${guess}'?` : `allowed keys: ${allowed.join(', ')}`,
      };
    }
    case 'required': {
      const key = String(params.missingProperty);
      const property = (
        error.parentSchema?.properties as Record<string, { description?: string }> | undefined
      )?.[key];
      return {
        path: [...path, key],
        message: `missing required key '${key}'`,
        hint: property?.description
          ? `add '${key}': ${property.description.replace(/\.$/, '')}`
          : `add '${key}'`,
      };
    }
    case 'propertyNames':
      // The failing name is reported by the nested error ajv emits alongside (it carries propertyName).
      return undefined;
    case 'format': {
      const name = String(params.format);
      const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName;
      const value = propertyName ?? error.data;
      const failure = explainFormat(name, String(value)) ?? {
        message: `'${value}' is not a valid ${name}`,
        hint: '',
      };
      return propertyName === undefined
        ? { path, message: failure.message, hint: failure.hint || described }
        : { path: [...path, propertyName], target: 'key', message: failure.message, hint: failure.hint };
    }
    case 'pattern': {
      const propertyName = (error as ErrorObject & { propertyName?: string }).propertyName;
      if (propertyName !== undefined) {
        return {
          path: [...path, propertyName],
          target: 'key',
          message: `'${propertyName}' is not an allowed key here`,
          hint: patternHint(path),
        };
      }
      return { path, message: `'${String(error.data)}' has the wrong form`, hint: described };
    }
    case 'type': {
      const expected = String(params.type);
      return {
        path,
        message: `expected ${article(expected)}, got ${describeValue(error.data)}`,
        hint: described,
      };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map((v) => String(v));
      const guess = typeof error.data === 'string' ? closest(error.data, allowed) : undefined;
      return {
        path,
        message: `${describeValue(error.data)} is not one of: ${allowed.join(', ')}`,
        hint: guess ? `did you mean '${guess}'?` : described,
      };
    }
    case 'const':
      return {
        path,
        message: `expected ${JSON.stringify(params.allowedValue)}, got ${describeValue(error.data)}`,
        hint: described,
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum': {
      const word = { minimum: '>=', maximum: '<=', exclusiveMinimum: '>', exclusiveMaximum: '<' }[
        error.keyword
      ];
      return {
        path,
        message: `must be ${word} ${String(params.limit)}, got ${String(error.data)}`,
        hint: described,
      };
    }
    case 'minItems':
      return { path, message: `needs at least ${String(params.limit)} item(s)`, hint: described };
    case 'minProperties':
      return { path, message: `needs at least ${String(params.limit)} entry`, hint: described };
    case 'minLength':
      return { path, message: 'must not be empty', hint: described };
    case 'uniqueItems': {
      const items = error.data as unknown[];
      return {
        path: [...path, Number(params.j)],
        message: `${describeValue(items[Number(params.j)])} is listed twice (also item ${Number(params.i)})`,
        hint: 'list each entry once',
      };
    }
    default:
      return { path, message: error.message ?? `fails the '${error.keyword}' rule`, hint: described };
  }
}

/** ajv's JSON pointer as path segments; array indexes become numbers (the YAML lookup needs them). */
function pointerToPath(pointer: string, root: unknown): PathSegment[] {
  if (pointer === '') return [];
  const path: PathSegment[] = [];
  let value = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    const segment = Array.isArray(value) ? Number(key) : key;
    path.push(segment);
    value =
      value !== null && typeof value === 'object'
        ? (value as Record<PathSegment, unknown>)[segment]
        : undefined;
  }
  return path;
}

function describedHint(schemaNode: unknown): string | undefined {
  const description = (schemaNode as { description?: unknown } | undefined)?.description;
  return typeof description === 'string' ? description.replace(/\.$/, '') : undefined;
}

function patternHint(path: PathSegment[]): string {
  if (path.at(-1) === 'manual_scaling') return 'name a service and end with _replicas, e.g. api_replicas';
  return 'use letters, digits and "_", starting with a letter or "_"';
}

function article(type: string): string {
  const words: Record<string, string> = {
    object: 'a mapping',
    array: 'a list',
    string: 'a string',
    integer: 'an integer',
    number: 'a number',
    boolean: 'true or false',
    null: 'nothing',
  };
  return type
    .split(',')
    .map((t) => words[t] ?? t)
    .join(' or ');
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  if (typeof value === 'number')
    return Number.isInteger(value) ? `the integer ${value}` : `the number ${value}`;
  return `${typeof value} ${String(value)}`;
}
