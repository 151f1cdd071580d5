// Writes the generated files of the config module: schemas/release-config.schema.json (from
// schema-source.ts) and docs/configuration.md (from that schema). Run `npx tsx src/config/generate.ts`
// after changing the schema; test/config/generated.test.ts fails while either file is stale.
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { packageRoot } from '../util/paths.js';
import { renderConfigurationReference } from './reference.js';
import { buildReleaseConfigSchema } from './schema-source.js';

export const schemaJson = (): string => `${JSON.stringify(buildReleaseConfigSchema(), null, 2)}\n`;

export const GENERATED_FILES = {
  'schemas/release-config.schema.json': schemaJson,
  'docs/configuration.md': () => renderConfigurationReference(buildReleaseConfigSchema()),
} as const;

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const [file, render] of Object.entries(GENERATED_FILES)) {
    writeFileSync(join(packageRoot(), file), render());
    console.log(`wrote ${file}`);
  }
}
