import { describe, expect, it } from 'vitest';
import { SUBMISSION_LABEL } from '../../src/core/request/create-training-job.js';
import { planRequest } from '../../src/core/request/plan.js';
import { aJob, aSession } from './submit-fakes.js';

const NOW = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
const labelsOf = (labels: Record<string, string> | undefined, submissionId?: string) =>
  planRequest(aJob(labels ? { labels } : {}), aSession(), NOW, submissionId ? { submissionId } : {}).body['Labels'];

describe('the Labels of the create body', () => {
  it("the config's labels in order, then the submission label the lost-create look-up finds the job by", () => {
    expect(labelsOf({ team: 'ml', env: 'prod' }, 'sub-1')).toEqual([
      { Key: 'team', Value: 'ml' },
      { Key: 'env', Value: 'prod' },
      { Key: SUBMISSION_LABEL, Value: 'sub-1' },
    ]);
  });

  it("without a submission (a dry run) only the config's labels", () => {
    expect(labelsOf({ team: 'ml' })).toEqual([{ Key: 'team', Value: 'ml' }]);
  });

  it('no labels at all: no Labels key, as the SDK sends it', () => {
    expect(labelsOf(undefined)).toBeUndefined();
    expect(labelsOf({})).toBeUndefined();
    expect(labelsOf(undefined, 'sub-2')).toEqual([{ Key: SUBMISSION_LABEL, Value: 'sub-2' }]);
  });
});
