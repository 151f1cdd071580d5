// Renders docs/configuration.md from the release-config schema: one table per top-level section,
// one row per key (with its type, constraints, default and description), so the reference cannot
// disagree with what the validator accepts.
import type { JsonSchema } from './schema-source.js';

interface Row {
  key: string;
  type: string;
  required: boolean;
  default?: unknown;
  description: string;
}

const FORMAT_NOTES: Record<string, string> = {
  'dns-label': 'Kubernetes name: lowercase letters, digits and `-`, at most 63 characters (RFC 1123 label)',
  'dns-subdomain': 'host or resource name: lowercase letters, digits, `-` and `.` (RFC 1123 subdomain)',
  duration:
    'duration: whole numbers with units `ms`, `s`, `m`, `h`, `d`, `w`, largest first: `500ms`, `15s`, `30d`, `1h30m`',
  size: 'size: a number and a unit, `B` `KB` `MB` `GB` `TB` `PB` (powers of 1000) or `Ki` `Mi` `Gi` `Ti` `Pi` (powers of 1024): `100GB`, `512Mi`',
  quantity: 'Kubernetes quantity: `1`, `0.5`, `500m` (cpu); `512Mi`, `1Gi` (memory)',
  cron: 'cron schedule with five fields, minute hour day-of-month month day-of-week: `0 0 * * *`',
  'port-mapping': 'port mapping `servicePort:containerPort` or one port, each 1-65535: `8000:8000`',
  'host-port': 'scrape target `host:port`: `api:8000`',
  'http-url': 'http or https URL',
  image: 'image reference `[registry/]repository[:tag][@sha256:digest]`',
  registry: 'registry `host[:port][/path]` without a scheme',
  'env-assignment': 'environment variable `NAME=value`',
  volume: 'volume mount `name:/absolute/path[:ro]`',
  'label-key': 'Kubernetes label key `[prefix/]name`',
  'label-value': 'Kubernetes label value (at most 63 characters)',
  'url-path': 'HTTP path starting with `/`',
};

const asSchema = (v: unknown): JsonSchema => (typeof v === 'object' && v !== null ? (v as JsonSchema) : {});

function typeOf(schema: JsonSchema): string {
  if (schema.const !== undefined) return `\`${JSON.stringify(schema.const)}\``;
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  const constraints: string[] = [];
  if (typeof schema.format === 'string') constraints.push(schema.format);
  const min = schema.minimum ?? schema.exclusiveMinimum;
  const max = schema.maximum ?? schema.exclusiveMaximum;
  if (min !== undefined || max !== undefined) {
    const lower =
      min === undefined ? '' : `${schema.exclusiveMinimum !== undefined ? '>' : '≥'} ${String(min)}`;
    const upper =
      max === undefined ? '' : `${schema.exclusiveMaximum !== undefined ? '<' : '≤'} ${String(max)}`;
    constraints.push([lower, upper].filter(Boolean).join(', '));
  }
  if (typeof schema.minItems === 'number') constraints.push(`at least ${schema.minItems}`);
  if (schema.uniqueItems) constraints.push('unique');
  const suffix = constraints.length > 0 ? ` (${constraints.join('; ')})` : '';
  switch (schema.type) {
    case 'array':
      return `list of ${typeOf(asSchema(schema.items))}${suffix}`;
    case 'object':
      return schema.properties
        ? `mapping${suffix}`
        : `mapping of name → ${typeOf(asSchema(schema.additionalProperties))}${suffix}`;
    default:
      return `${String(schema.type)}${suffix}`;
  }
}

function rows(schema: JsonSchema, prefix: string, required: boolean, out: Row[]): void {
  out.push({
    key: prefix,
    type: typeOf(schema),
    required,
    default: schema.default,
    description: String(schema.description ?? ''),
  });
  const requiredKeys = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const properties = schema.properties as Record<string, unknown> | undefined;
  for (const [key, child] of Object.entries(properties ?? {})) {
    rows(asSchema(child), `${prefix}.${key}`, requiredKeys.has(key), out);
  }
  if (schema.type === 'object' && !properties) {
    const values = asSchema(schema.additionalProperties);
    if (values.properties) descend(values, `${prefix}.<name>`, out);
  }
  if (schema.type === 'array') {
    const items = asSchema(schema.items);
    if (items.properties) descend(items, `${prefix}[]`, out);
  }
}

/** The keys of a collection's entries, under `<name>` or `[]`. */
function descend(entry: JsonSchema, prefix: string, out: Row[]): void {
  const requiredKeys = new Set(Array.isArray(entry.required) ? (entry.required as string[]) : []);
  for (const [key, child] of Object.entries(entry.properties as Record<string, unknown>)) {
    rows(asSchema(child), `${prefix}.${key}`, requiredKeys.has(key), out);
  }
}

const cell = (text: string): string => text.replaceAll('|', '\\|').replaceAll('\n', ' ');

export function renderConfigurationReference(schema: JsonSchema): string {
  const properties = schema.properties as Record<string, unknown>;
  const required = new Set(schema.required as string[]);
  const lines = [
    '# Release configuration reference',
    '',
    '<!-- Generated from schemas/release-config.schema.json by `npx tsx src/config/generate.ts`; do not edit by hand. -->',
    '',
    String(schema.description),
    '',
    'A release configuration is one YAML document (at most 5 MB). Check it with `release-kit validate --config FILE [--env NAME]`',
    'or the `actions/validate` action: every problem is reported as `file:line:col: error: <path>: <message> (<hint>)`.',
    'Unknown keys are errors. Keys with a default may be left out; the resolved configuration has the default filled in.',
    'Beyond the schema, the validator checks that `depends_on` entries name components or store aliases and form no',
    'cycle, that `min_replicas` ≤ `max_replicas`, that resource requests do not exceed limits, that `manual_scaling`',
    'keys and `kubernetes.deployments` keys name services or components, that scrape targets naming a service use one',
    'of its ports, and that names, jobs, indices and environment variables are not repeated.',
    '',
    '## Formats',
    '',
    '| Format | Meaning |',
    '|---|---|',
    ...Object.entries(FORMAT_NOTES).map(([name, note]) => `| \`${name}\` | ${cell(note)} |`),
    '',
  ];
  for (const [key, child] of Object.entries(properties)) {
    const section = asSchema(child);
    lines.push(`## \`${key}\`${required.has(key) ? ' (required)' : ''}`, '', String(section.description), '');
    if (key === 'environments') {
      lines.push(
        'Each entry may hold any key of the base configuration except `version` and `environments`, with the same',
        'types and formats; nothing in it is required and it has no defaults. Mappings merge key by key, lists and',
        'single values replace the base value. Problems in an overlay are reported at the overlay’s lines.',
        '',
      );
      continue;
    }
    const out: Row[] = [];
    rows(section, key, required.has(key), out);
    lines.push('| Key | Type | Required | Default | Description |', '|---|---|---|---|---|');
    for (const r of out) {
      const def = r.default === undefined ? '' : `\`${JSON.stringify(r.default)}\``;
      lines.push(
        `| \`${r.key}\` | ${cell(r.type)} | ${r.required ? 'yes' : ''} | ${cell(def)} | ${cell(r.description)} |`,
      );
    }
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
