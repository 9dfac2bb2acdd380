import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { describe, expect, it } from 'vitest';
import { GENERATED_PATH, validatorSource } from '../../scripts/job-config-validator.js';
import { validate as generated } from '../../src/core/config/job-config.validator.generated.js';
import { jobConfigSchema } from '../../src/core/config/schema.js';

const validate = generated as unknown as ValidateFunction;

describe('the job config validator compiled ahead of time', () => {
  it('is what ajv makes of schema.ts today (regenerate: npx tsx scripts/job-config-validator.ts)', () => {
    expect(readFileSync(GENERATED_PATH, 'utf8')).toBe(validatorSource());
  });

  it('gives the errors ajv compiling at run time gives, for valid and invalid configs', () => {
    const ajv = new Ajv({ allErrors: true, allowUnionTypes: true, verbose: true, strict: true });
    ajv.addVocabulary(['x-message']);
    const live = ajv.compile(jobConfigSchema);
    const configs: unknown[] = [
      { image_uri: 'python:3.11', command: 'python main.py' },
      { image_uri: 'python:3.11', command: ['python', 'main.py'], instance_count: 2, parameters: { lr: '0.1' } },
      { imag_uri: 'python:3.11', command: [] },
      { image_uri: '', command: 'x', instance_count: 0, job_type: 'PytorchJob', max_run_time: -1 },
      { image_uri: 7, command: { a: 1 }, inputs: { 'bad name!': 'oss://b/k' }, outputs: [1] },
      'not a mapping',
      null,
    ];
    for (const config of configs) {
      const ok = live(config);
      const okGenerated = validate(config);
      expect(okGenerated).toBe(ok);
      const strip = (errors: typeof live.errors) =>
        (errors ?? []).map((e) => ({ ...e, schema: JSON.stringify(e.schema), parentSchema: JSON.stringify(e.parentSchema) }));
      expect(strip(validate.errors)).toEqual(strip(live.errors));
    }
  });
});
