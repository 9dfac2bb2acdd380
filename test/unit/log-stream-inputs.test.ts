import { describe, expect, it } from 'vitest';
import { toTrainingJob } from '../../src/cloud/pai/mappers.js';

// What the follow reads from a GetTrainingJob answer to choose its streams and describe a reserving job.
describe('GetTrainingJob → what the job asked for', () => {
  const base = { TrainingJobId: 'train1', Status: 'Running' };

  it('reads the requested instance count from EcsCount, or InstanceCount for quota resources, number or string', () => {
    expect(toTrainingJob({ ...base, ComputeResource: { EcsCount: 4, EcsSpec: 'ecs.c6.large' } }).requestedInstances).toBe(4);
    expect(toTrainingJob({ ...base, ComputeResource: { EcsCount: '2' } }).requestedInstances).toBe(2);
    expect(toTrainingJob({ ...base, ComputeResource: { ResourceId: 'quota1', InstanceCount: 3 } }).requestedInstances).toBe(3);
  });

  it('leaves the count out when the answer does not say, or says nonsense', () => {
    expect(toTrainingJob(base).requestedInstances).toBeUndefined();
    expect(toTrainingJob({ ...base, ComputeResource: { EcsCount: 'many' } }).requestedInstances).toBeUndefined();
    expect(toTrainingJob({ ...base, ComputeResource: { EcsCount: -1 } }).requestedInstances).toBeUndefined();
    expect(toTrainingJob({ ...base, ComputeResource: [2] }).requestedInstances).toBeUndefined();
  });

  it('reads Settings.JobReservedMinutes', () => {
    expect(toTrainingJob({ ...base, Settings: { JobReservedMinutes: 30 } }).reservedMinutes).toBe(30);
    expect(toTrainingJob({ ...base, Settings: { JobReservedMinutes: '15' } }).reservedMinutes).toBe(15);
    expect(toTrainingJob({ ...base, Settings: {} }).reservedMinutes).toBeUndefined();
  });
});
