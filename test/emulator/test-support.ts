// Helpers shared by the emulator's own tests.
import { request } from 'node:http';
import type { Emulator } from './index.js';

/** The error a client call threw, or fails the test if it did not throw. */
export async function failure(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (err) {
    return err as Error & Record<string, unknown>;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One plain HTTP request with exactly these headers (to replay a captured one, or send an unsigned one). */
export function rawRequest(url: string, method: string, headers: Record<string, string>, body?: string | Buffer): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The CreateTrainingJob body the PAI Python SDK produces for a Processor (test/fixtures/sdk-body-minimal.json; docs/wire.md). */
export const SDK_EXAMPLE_BODY =
  '{"AlgorithmSpec":{"CodeDir":{"LocationType":"oss","LocationValue":{"Bucket":"mybucket","Key":"pai/processing_src/processor_20250101_120000/","Endpoint":"oss-cn-hangzhou.aliyuncs.com"}},"Command":["sh","-c","python main.py"],"HyperParameters":[],"Image":"registry.cn-hangzhou.aliyuncs.com/pai-dlc/pytorch:1.12","InputChannels":[],"JobType":"PyTorchJob","MetricDefinitions":[],"OutputChannels":[],"ResourceRequirements":[],"SupportsDistributedTraining":true},"ComputeResource":{"EcsCount":1,"EcsSpec":"ecs.c6.large"},"ExperimentConfig":{},"HyperParameters":[],"InputChannels":[],"OutputChannels":[],"Scheduler":{},"TrainingJobName":"processor_20250101_120000","UserVpc":{},"WorkspaceId":"12345"}';

/** A minimal valid CreateTrainingJob body (no code directory) for the emulator's workspace. */
export function minimalJob(emu: Emulator, name: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    TrainingJobName: name,
    WorkspaceId: emu.workspaceId,
    AlgorithmSpec: { Image: 'registry.cn-hangzhou.aliyuncs.com/pai-dlc/pytorch:1.12', Command: ['sh', '-c', 'echo hi'], JobType: 'PyTorchJob' },
    ComputeResource: { EcsCount: 1, EcsSpec: 'ecs.c6.large' },
    ...extra,
  };
}
