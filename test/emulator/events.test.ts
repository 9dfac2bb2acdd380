// ListTrainingJobEvents as the official PaiStudio 2022-01-12 model defines it (query: StartTime, EndTime,
// PageNumber, PageSize default 100, Token; answer: Events as strings, TotalCount as a string, RequestId),
// and the canned events a script emits. A manual clock: nothing here depends on timing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paiClient, type PaiClient } from './clients.js';
import { ManualClock, startEmulator, type Emulator } from './index.js';
import { failure, minimalJob } from './test-support.js';

const JOBS = '/api/v1/trainingjobs';
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const iso = (ms: number): string => new Date(T0 + ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

describe('ListTrainingJobEvents', () => {
  let emu: Emulator;
  let clock: ManualClock;
  let pai: PaiClient;
  beforeAll(async () => {
    clock = new ManualClock(T0);
    emu = await startEmulator({ clock, maxLogPageSize: 100 });
    pai = paiClient(emu, { signatureAlgorithm: 'v2' });
  });
  afterAll(async () => emu.close());

  const create = async (name: string, extra: Record<string, unknown> = {}) =>
    String((await pai.call('CreateTrainingJob', 'POST', JOBS, { body: minimalJob(emu, name, extra) })).body['TrainingJobId']);
  const events = async (id: string, query: Record<string, string> = {}) =>
    (await pai.call('ListTrainingJobEvents', 'GET', `${JOBS}/${id}/events`, { query })).body;

  it('answers Events (strings), TotalCount (a string) and RequestId; the canned kinds name the job, its image and workspace', async () => {
    clock.set(T0);
    emu.jobs.script(
      [
        { at: 0, status: 'Queuing', event: 'scheduling' },
        { at: 60_000, event: ['insufficient-quota', { type: 'Normal', reason: 'Scheduled', message: 'assigned to node-1' }] },
        { at: 120_000, status: 'EnvPreparing', event: 'image-pull-failure' },
      ],
      { once: true },
    );
    const id = await create('events-kinds', { AlgorithmSpec: { Image: 'registry.example/team/train:v9', Command: ['true'] } });
    clock.advance(120_000);
    const body = await events(id);
    expect(Object.keys(body).sort()).toEqual(['Events', 'RequestId', 'TotalCount']);
    expect(body['TotalCount']).toBe('7');
    const list = body['Events'] as string[];
    expect(list.every((e) => typeof e === 'string')).toBe(true);
    expect(list).toEqual([
      `${iso(0)} TrainingJob ${id} created, status Creating`,
      `${iso(0)} TrainingJob ${id} status changed to Queuing`,
      `${iso(0)} Warning FailedScheduling: 0/8 nodes are available: 8 Insufficient cpu. The job ${id} waits for resources to be released.`,
      expect.stringMatching(new RegExp(`^${iso(60_000)} Warning InsufficientQuota: .*workspace ${emu.workspaceId}.*${id}`)),
      `${iso(60_000)} Normal Scheduled: assigned to node-1`,
      `${iso(120_000)} TrainingJob ${id} status changed to EnvPreparing`,
      `${iso(120_000)} Warning ImagePullBackOff: Back-off pulling image "registry.example/team/train:v9": failed to pull and unpack image "registry.example/team/train:v9": not found or no pull access`,
    ]);
  });

  it("pages 1-based with the model's default PageSize of 100, capped by the server", async () => {
    clock.set(T0);
    const many = Array.from({ length: 149 }, (_, i) => `event ${i + 1}`);
    emu.jobs.script([{ at: 0, status: 'Queuing', events: many }], { once: true });
    const id = await create('events-paged');
    // 149 scripted + created + Queuing = 151.
    const first = await events(id);
    expect(first['TotalCount']).toBe('151');
    expect(first['Events']).toHaveLength(100);
    const second = await events(id, { PageNumber: '2' });
    expect(second['Events']).toHaveLength(51);
    expect((second['Events'] as string[]).at(-1)).toBe(`${iso(0)} event 149`);
    expect(await events(id, { PageNumber: '4', PageSize: '50' })).toMatchObject({ Events: [`${iso(0)} event 149`], TotalCount: '151' });
    expect(await events(id, { PageNumber: '9' })).toMatchObject({ Events: [], TotalCount: '151' });
    const capped = await startEmulator({ clock, maxLogPageSize: 20 });
    try {
      const job = capped.jobs.create(minimalJob(capped, 'capped'), { script: [{ at: 0, events: many }] });
      const body = (
        await paiClient(capped, { signatureAlgorithm: 'v2' }).call('ListTrainingJobEvents', 'GET', `${JOBS}/${job.id}/events`, { query: { PageSize: '100' } })
      ).body;
      expect(body['Events']).toHaveLength(20);
    } finally {
      await capped.close();
    }
  });

  it("filters by StartTime and EndTime, in the model's minute form or with seconds; takes Token; refuses a bad time or page", async () => {
    clock.set(T0);
    emu.jobs.script(
      [
        { at: 0, status: 'Queuing' },
        { at: 90_000, events: ['late'] },
        { at: 200_000, events: ['later'] },
      ],
      { once: true },
    );
    const id = await create('events-window');
    clock.advance(200_000);
    const minute = (ms: number) => iso(ms).slice(0, 16) + 'Z';
    expect((await events(id, { StartTime: minute(60_000) }))['Events']).toEqual([`${iso(90_000)} late`, `${iso(200_000)} later`]);
    expect(await events(id, { StartTime: iso(90_000), EndTime: iso(90_000), Token: 'abc' })).toMatchObject({
      Events: [`${iso(90_000)} late`],
      TotalCount: '1',
    });
    expect((await failure(events(id, { StartTime: 'yesterday' })))['code']).toBe('InvalidParameter');
    expect((await failure(events(id, { PageNumber: '0' })))['code']).toBe('InvalidParameter');
  });

  it('an unknown job is 404 TRAINING_JOB_NOT_EXIST', async () => {
    const err = await failure(events('trainnosuchjob01'));
    expect(err['code']).toBe('TRAINING_JOB_NOT_EXIST');
    expect(err['statusCode']).toBe(404);
  });
});
