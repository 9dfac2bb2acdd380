// The emulator's seeded random faults, which the soak relies on: the share asked for, every kind, the right
// answer per service, and the same faults for the same seed whatever the order the actions come in.
import { describe, expect, it } from 'vitest';
import { Faults, RANDOM_FAULT_KINDS } from '../emulator/faults.js';

const ACTIONS = ['GetTrainingJob', 'ListTrainingJobLogs', 'CreateTrainingJob', 'PutObject'];

function plan(seed: number, order: string[]) {
  const faults = new Faults();
  const random = faults.random({ rate: 0.1, seed });
  const taken = order.map((action) => {
    const f = faults.take(action, action === 'PutObject' ? 'oss' : 'pai');
    return f ? `${action}:${f.kind}:${f.status ?? ''}:${f.code ?? ''}:${f.delayMs ?? ''}` : undefined;
  });
  return { random, taken };
}

describe('faults.random', () => {
  const order = Array.from({ length: 20_000 }, (_, i) => ACTIONS[i % ACTIONS.length]!);

  it('fails about the share asked for, with every kind', () => {
    const { random } = plan(1, order);
    const total = Object.values(random.injected).reduce((a, b) => a + b, 0);
    expect(total / order.length).toBeGreaterThan(0.09);
    expect(total / order.length).toBeLessThan(0.11);
    for (const kind of RANDOM_FAULT_KINDS) expect(random.injected[kind], kind).toBeGreaterThan(0);
  });

  it('answers as each service does, and slows only creates down by 12 s', () => {
    const { random, taken } = plan(2, order);
    const seen = new Set(taken.filter(Boolean));
    expect(seen).toContain('PutObject:status:503:SlowDown:');
    expect(seen).toContain('GetTrainingJob:status:400:Throttling.User:');
    expect(seen).toContain('ListTrainingJobLogs:delay:::35000');
    expect(seen).toContain('PutObject:delay:::125000');
    expect(seen).toContain('CreateTrainingJob:delay:::12000');
    expect(random.log.filter((f) => f.kind === 'slow-create').every((f) => f.action === 'CreateTrainingJob')).toBe(true);
  });

  it('the same seed gives each action the same faults, in whatever order the actions come', () => {
    const a = plan(3, order);
    const shuffled = [...order].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
    const b = plan(3, shuffled);
    const byAction = (log: Array<{ action: string; call: number; kind: string }>) => log.map((f) => `${f.action}#${f.call}:${f.kind}`).sort();
    expect(byAction(b.random.log)).toEqual(byAction(a.random.log));
    expect(byAction(plan(4, order).random.log)).not.toEqual(byAction(a.random.log));
  });
});
