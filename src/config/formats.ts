// The string formats the release-config schema names (`"format": "duration"` and so on). Each check
// explains a bad value in words a user can act on; the schema validator registers them with ajv and
// turns a failed format back into that explanation.
import { CronExpressionParser } from 'cron-parser';
import { checkDuration, checkQuantity, checkSize } from './units.js';

export interface FormatFailure {
  message: string;
  hint: string;
}

type FormatCheck = (value: string) => FormatFailure | undefined;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const PORT = /^[0-9]{1,5}$/;

const validPort = (text: string): boolean => PORT.test(text) && Number(text) >= 1 && Number(text) <= 65535;

function dnsLabel(value: string): FormatFailure | undefined {
  if (value.length <= 63 && DNS_LABEL.test(value)) return undefined;
  return {
    message: `'${value}' is not a valid Kubernetes name`,
    hint:
      value.length > 63
        ? 'names are at most 63 characters'
        : 'use lowercase letters, digits and "-", starting and ending with a letter or digit, as an RFC 1123 label',
  };
}

function dnsSubdomain(value: string): FormatFailure | undefined {
  if (value.length <= 253 && DNS_SUBDOMAIN.test(value)) return undefined;
  return {
    message: `'${value}' is not a valid host or resource name`,
    hint: 'use lowercase letters, digits, "-" and ".", as an RFC 1123 subdomain, e.g. memory.example.com',
  };
}

function fromChecked(
  check: typeof checkDuration,
  extra?: (n: number) => FormatFailure | undefined,
): FormatCheck {
  return (value) => {
    const checked = check(value);
    if (!checked.ok) return { message: checked.message, hint: checked.hint };
    return extra?.(checked.value);
  };
}

function cron(value: string): FormatFailure | undefined {
  const hint =
    'use five fields "minute hour day-of-month month day-of-week", e.g. "0 0 * * *" for daily at midnight';
  const fields = value.trim().split(/\s+/);
  if (fields.length !== 5) {
    return { message: `'${value}' has ${fields.length} fields; a cron schedule has 5`, hint };
  }
  try {
    CronExpressionParser.parse(value);
    return undefined;
  } catch (e) {
    return { message: `'${value}' is not a valid cron schedule: ${(e as Error).message}`, hint };
  }
}

function portMapping(value: string): FormatFailure | undefined {
  const parts = value.split(':');
  if (parts.length <= 2 && parts.every(validPort)) return undefined;
  return {
    message: `'${value}' is not a port mapping`,
    hint: 'write "servicePort:containerPort" or a single port, each 1-65535, e.g. "8000:8000"',
  };
}

function hostPort(value: string): FormatFailure | undefined {
  const i = value.lastIndexOf(':');
  if (i > 0 && !dnsSubdomain(value.slice(0, i)) && validPort(value.slice(i + 1))) return undefined;
  return {
    message: `'${value}' is not a scrape target`,
    hint: 'write host:port with a port 1-65535, e.g. "api:8000"',
  };
}

function httpUrl(value: string): FormatFailure | undefined {
  try {
    const url = new URL(value);
    if ((url.protocol === 'http:' || url.protocol === 'https:') && url.hostname) return undefined;
  } catch {}
  return { message: `'${value}' is not an http(s) URL`, hint: 'e.g. http://prometheus.monitoring:9090' };
}

// A registry host with optional port and path, then repository path components and a tag or digest.
const IMAGE =
  /^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;

function image(value: string): FormatFailure | undefined {
  if (IMAGE.test(value)) return undefined;
  return {
    message: `'${value}' is not an image reference`,
    hint: 'write [registry/]repository[:tag][@sha256:digest] in lowercase, e.g. memory_system/api:1.4.0',
  };
}

function registry(value: string): FormatFailure | undefined {
  if (/^[a-zA-Z0-9.-]+(?::[0-9]+)?(?:\/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$/.test(value)) return undefined;
  return {
    message: `'${value}' is not a registry host`,
    hint: 'write host[:port][/path] without a scheme, e.g. registry.example.com or localhost:5000/team',
  };
}

function envAssignment(value: string): FormatFailure | undefined {
  if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(value)) return undefined;
  return {
    message: `'${value}' is not an environment variable assignment`,
    hint: 'write NAME=value, the name made of letters, digits and "_", e.g. ENV=production',
  };
}

function volume(value: string): FormatFailure | undefined {
  const m = /^([^:]+):(\/[^:]*)(?::(ro|rw))?$/.exec(value);
  if (m && !dnsLabel((m[1] as string).replaceAll('_', '-'))) return undefined;
  return {
    message: `'${value}' is not a volume mount`,
    hint: 'write name:/absolute/path[:ro], e.g. api_data:/data',
  };
}

function labelKey(value: string): FormatFailure | undefined {
  const slash = value.lastIndexOf('/');
  const prefix = slash >= 0 ? value.slice(0, slash) : undefined;
  const name = value.slice(slash + 1);
  const nameOk = name.length <= 63 && /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/.test(name);
  if (nameOk && (prefix === undefined || !dnsSubdomain(prefix))) return undefined;
  return {
    message: `'${value}' is not a valid label key`,
    hint: 'write [prefix/]name, the name up to 63 letters, digits, "-", "_" or ".", e.g. app or example.com/tier',
  };
}

function labelValue(value: string): FormatFailure | undefined {
  if (value.length <= 63 && /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value)) return undefined;
  return {
    message: `'${value}' is not a valid label value`,
    hint: 'up to 63 letters, digits, "-", "_" or ".", starting and ending with a letter or digit',
  };
}

function urlPath(value: string): FormatFailure | undefined {
  if (/^\/[^\s?#]*$/.test(value)) return undefined;
  return { message: `'${value}' is not an HTTP path`, hint: 'start with "/", e.g. /healthz' };
}

export const FORMATS: Record<string, FormatCheck> = {
  'dns-label': dnsLabel,
  'dns-subdomain': dnsSubdomain,
  duration: fromChecked(checkDuration, (ms) =>
    ms > 0 ? undefined : { message: 'the duration must be longer than zero', hint: 'e.g. 15s' },
  ),
  size: fromChecked(checkSize, (bytes) =>
    bytes > 0 ? undefined : { message: 'the size must be larger than zero', hint: 'e.g. 100GB' },
  ),
  quantity: fromChecked(checkQuantity),
  cron,
  'port-mapping': portMapping,
  'host-port': hostPort,
  'http-url': httpUrl,
  image,
  registry,
  'env-assignment': envAssignment,
  volume,
  'label-key': labelKey,
  'label-value': labelValue,
  'url-path': urlPath,
};

/** Why `value` does not have format `name` (undefined when it does). */
export function explainFormat(name: string, value: string): FormatFailure | undefined {
  const check = FORMATS[name];
  if (!check) throw new Error(`release-config schema names an unknown format '${name}'`);
  return check(value);
}
