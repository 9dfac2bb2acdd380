// The answer checks of cloud/pai/answer.ts and the mappers that use them, one field at a time: each field the
// tool reads is refused when of the wrong type (an ApiError, exit 5, naming action, request id and field), and
// left out when absent or null.
import { describe, expect, it } from 'vitest';
import { Answer } from '../../src/cloud/pai/answer.js';
import { toConfigValue, toCreatedId, toJobList, toLogLines, toTrainingJob } from '../../src/cloud/pai/mappers.js';
import { ApiError } from '../../src/core/errors.js';
import { ExitCode } from '../../src/core/exit-codes.js';

function refusal(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ApiError);
    return error as ApiError;
  }
  throw new Error('expected the answer to be refused');
}

const job = (fields: Record<string, unknown>) => {
  const answer = Answer.of('GetTrainingJob', { RequestId: 'R-1', TrainingJobId: 'train-1', Status: 'Running', ...fields });
  return toTrainingJob(answer.body, answer);
};

describe('GetTrainingJob', () => {
  it.each([
    [{ Status: 5 }, 'Status is the number 5, not a string'],
    [{ TrainingJobName: true }, 'TrainingJobName is true, not a string'],
    [{ ReasonMessage: { text: 'x' } }, 'ReasonMessage is an object, not a string'],
    [{ Instances: 'worker-0' }, 'Instances is a string, not an array'],
    [{ Instances: ['worker-0'] }, 'Instances[0] is a string, not an object'],
    [{ Instances: [{ Name: 'w', Status: 1 }] }, 'Instances[0].Status is the number 1, not a string'],
    [{ OutputChannels: [{ Name: 'model', OutputUri: ['oss://b/k'] }] }, 'OutputChannels[0].OutputUri is an array, not a string'],
    [{ Labels: [{ Key: 'k', Value: 7 }] }, 'Labels[0].Value is the number 7, not a string'],
    [{ StatusTransitions: [{ Status: 'Running' }, { Status: 'Failed', ReasonCode: {} }] }, 'StatusTransitions[1].ReasonCode is an object, not a string'],
    [{ Duration: 'soon' }, 'Duration is a string that is not a whole number'],
    [{ Duration: -3 }, 'Duration is the number -3, not a whole number of 0 or more'],
    [{ Duration: [] }, 'Duration is an array, not a number'],
  ])('%j is refused: %s', (fields, detail) => {
    const e = refusal(() => job(fields));
    expect(e.message).toBe(`unexpected answer from PAI (GetTrainingJob, request id R-1): ${detail}`);
    expect(e.exitCode).toBe(ExitCode.service);
    expect(e.requestId).toBe('R-1');
    expect(e.retryable).toBe(false);
  });

  it('absent and null fields are left out, numeric strings read as numbers', () => {
    const read = job({ TrainingJobName: null, Instances: null, ReasonCode: undefined, Duration: '42', Labels: [{ Key: 'a', Value: 'b' }] });
    expect(read).toEqual({ id: 'train-1', name: '', status: 'Running', instances: [], outputs: [], labels: { a: 'b' }, transitions: [], duration: 42 });
  });

  it('a whole answer that is not an object is refused without a request id', () => {
    expect(refusal(() => Answer.of('GetTrainingJob', ['x'])).message).toBe(
      'unexpected answer from PAI (GetTrainingJob, no request id): the answer is an array, not an object',
    );
  });
});

describe('ListTrainingJobs', () => {
  const list = (body: Record<string, unknown>) => toJobList(Answer.of('ListTrainingJobs', { RequestId: 'R-2', ...body }));

  it('reads TotalCount as a number or a numeric string; an absent list is empty', () => {
    expect(list({ TrainingJobs: [{ TrainingJobId: 't', Status: 'Succeed' }], TotalCount: 1 })).toMatchObject({
      jobs: [{ id: 't', status: 'Succeed' }],
      totalCount: 1,
    });
    expect(list({ TotalCount: '3' })).toEqual({ jobs: [], totalCount: 3 });
    expect(list({})).toEqual({ jobs: [], totalCount: 0 });
  });

  it.each([
    [{ TrainingJobs: {} }, 'TrainingJobs is an object, not an array'],
    [{ TrainingJobs: [null] }, 'TrainingJobs[0] is null, not an object'],
    [{ TrainingJobs: [{ TrainingJobId: 't' }, { Instances: [{ Name: {} }] }] }, 'TrainingJobs[1].Instances[0].Name is an object, not a string'],
    [{ TotalCount: 'x' }, 'TotalCount is a string that is not a whole number'],
    [{ TotalCount: 1.5 }, 'TotalCount is the number 1.5, not a whole number of 0 or more'],
  ])('%j is refused: %s', (body, detail) => {
    expect(refusal(() => list(body)).message).toBe(`unexpected answer from PAI (ListTrainingJobs, request id R-2): ${detail}`);
  });
});

describe('ListTrainingJobLogs', () => {
  const logs = (body: Record<string, unknown>) => toLogLines(Answer.of('ListTrainingJobLogs', { RequestId: 'R-3', ...body }));

  it('reads lines as they are and TotalCount as the string the model says (or a number); empty TotalCount is absent', () => {
    expect(logs({ Logs: ['a\n', 'b'], TotalCount: '2' })).toEqual({ lines: ['a\n', 'b'], totalCount: 2 });
    expect(logs({ TotalCount: '' })).toEqual({ lines: [], totalCount: undefined });
    expect(logs({ Logs: [], TotalCount: 0 })).toEqual({ lines: [], totalCount: 0 });
  });

  it.each([
    [{ Logs: 'text' }, 'Logs is a string, not an array'],
    [{ Logs: ['ok\n', { a: 1 }] }, 'Logs[1] is an object, not a string'],
    [{ Logs: [{ Content: 'line' }] }, 'Logs[0] is an object, not a string'],
    [{ Logs: [3] }, 'Logs[0] is the number 3, not a string'],
    [{ TotalCount: 'x' }, 'TotalCount is a string that is not a whole number'],
  ])('%j is refused: %s', (body, detail) => {
    expect(refusal(() => logs(body)).message).toBe(`unexpected answer from PAI (ListTrainingJobLogs, request id R-3): ${detail}`);
  });
});

describe('ListConfigs and CreateTrainingJob', () => {
  it('finds the config value, refuses configs of the wrong shape', () => {
    const configs = (c: unknown) => Answer.of('ListConfigs', { RequestId: 'R-4', Configs: c });
    expect(
      toConfigValue(
        configs([
          { ConfigKey: 'other', ConfigValue: 'x' },
          { ConfigKey: 'modelExportPath', ConfigValue: 'oss://b/p/' },
        ]),
        'modelExportPath',
      ),
    ).toBe('oss://b/p/');
    expect(toConfigValue(configs(undefined), 'modelExportPath')).toBeUndefined();
    expect(toConfigValue(configs([{ ConfigKey: 'modelExportPath', ConfigValue: '' }]), 'modelExportPath')).toBeUndefined();
    expect(refusal(() => toConfigValue(configs([{ ConfigKey: 'modelExportPath', ConfigValue: { uri: 'x' } }]), 'modelExportPath')).message).toBe(
      'unexpected answer from PAI (ListConfigs, request id R-4): Configs[0].ConfigValue is an object, not a string',
    );
    expect(refusal(() => toConfigValue(configs({}), 'modelExportPath')).message).toContain('Configs is an object, not an array');
  });

  it('a create must carry its job id as a string; the refusal says the job may exist and is never retried', () => {
    expect(toCreatedId(Answer.of('CreateTrainingJob', { RequestId: 'R-5', TrainingJobId: 'train-9' }))).toBe('train-9');
    const absent = refusal(() => toCreatedId(Answer.of('CreateTrainingJob', { RequestId: 'R-5' })));
    expect(absent.message).toBe('unexpected answer from PAI (CreateTrainingJob, request id R-5): TrainingJobId is absent');
    expect(absent.retryable).toBe(false);
    expect(absent.hint).toContain('pai-process list');
    expect(refusal(() => toCreatedId(Answer.of('CreateTrainingJob', { RequestId: 'R-5', TrainingJobId: 9 }))).message).toContain(
      'TrainingJobId is the number 9, not a string',
    );
  });

  it('never repeats a refused string value, nor a request id that is not one', () => {
    const e = refusal(() => toLogLines(Answer.of('ListTrainingJobLogs', { RequestId: 'bad\u009b2J', TotalCount: '\u001b]0;title\u0007' })));
    expect(e.message).toBe('unexpected answer from PAI (ListTrainingJobLogs, no request id): TotalCount is a string that is not a whole number');
  });
});
