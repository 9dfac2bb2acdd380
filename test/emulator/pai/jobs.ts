import { randomBytes } from 'node:crypto';
import { isoSeconds, type Clock } from '../clock.js';
import { eventText } from './events.js';
import { defaultScript, instanceStatusFor, RESERVING_STATUSES, TERMINAL_STATUSES, type InstanceInit, type Script, type ScriptStep } from './script.js';

export interface Transition {
  status: string;
  startTime: number;
  endTime?: number;
  reasonCode?: string;
  reasonMessage?: string;
}

export interface Instance {
  name: string;
  role: string;
  status: string;
  /** Set when a script or test gave the status; otherwise it follows the job status. */
  explicitStatus: boolean;
}

export interface LogLine {
  /** Global emission order across all jobs and instances. */
  seq: number;
  /** Emission time (epoch ms, emulator clock). */
  time: number;
  instance: string;
  text: string;
}

export interface JobEvent {
  seq: number;
  time: number;
  text: string;
}

export interface Job {
  readonly id: string;
  readonly name: string;
  readonly workspaceId: string;
  /** The CreateTrainingJob body as submitted. */
  readonly spec: Record<string, unknown>;
  readonly createdAt: number;
  modifiedAt: number;
  status: string;
  reasonCode?: string;
  reasonMessage?: string;
  transitions: Transition[];
  instances: Instance[];
  logs: LogLine[];
  events: JobEvent[];
  /** GetTrainingJob answers so far, and when each was given. */
  polls: number;
  pollTimes: number[];
  /** Script steps not yet applied. */
  pending: ScriptStep[];
  /** Time of the last applied step: steps never go back in time. */
  lastStepTime: number;
  /** GetTrainingJob shows no instances (emptyInstancesAfterEnd, once the job ended). */
  instancesGone?: boolean;
  /** ListTrainingJobLogs answers since a GetTrainingJob answer first showed the job ended (afterEndLogReads steps). */
  logReadsAfterEndSeen?: number;
}

export interface JobStoreOptions {
  clock: Clock;
  defaultScript?: Script;
  /** How long Stopping lasts before the final status. */
  stopDelayMs?: number;
  /** Where a stopped job ends up: 'Stopped' (default) or 'Terminated'. */
  stopFinalStatus?: string;
  /**
   * Executed mode: jobs that no registered script matches are run for real by this executor (pai/execute.ts),
   * which drives their status and logs through push(); StopTrainingJob also stops their processes.
   */
  executor?: JobExecutor;
  /**
   * GetTrainingJob answers `Instances: []` once the job has ended, as for a finished job whose pods were
   * collected (default false). Its logs are still served.
   */
  emptyInstancesAfterEnd?: boolean;
  /**
   * A job submitted with Settings.JobReservedMinutes that would end in Succeed or Failed goes to
   * SucceededReserving or FailedReserving instead, for that many minutes of the emulator's clock, then on to
   * Succeed or Failed (default false: the setting is echoed and has no effect).
   */
  reserving?: boolean;
  /** Stores an object a scripted job writes to an output channel (the emulated OSS; see ScriptStep.outputs). */
  writeObject?: (bucket: string, key: string, data: Buffer) => void;
}

/** What runs a job in executed mode. */
export interface JobExecutor {
  start(job: Job): void;
  stop(job: Job): void;
}

interface ScriptRegistration {
  steps: Script;
  name?: string | RegExp;
  once: boolean;
}

const ID_CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789';

function newJobId(): string {
  const bytes = randomBytes(11);
  let id = 'train';
  for (const b of bytes) id += ID_CHARS[b % ID_CHARS.length];
  return id;
}

function cloneSteps(steps: Script): ScriptStep[] {
  return steps.map((s) => structuredClone(s));
}

/** The in-memory training jobs, their scripted lifecycles, and the JS API tests drive them with. */
export class JobStore {
  private readonly jobs = new Map<string, Job>();
  private readonly registrations: ScriptRegistration[] = [];
  private defaultSteps: Script;
  private seq = 0;
  readonly stopDelayMs: number;
  readonly stopFinalStatus: string;

  constructor(private readonly opts: JobStoreOptions) {
    this.defaultSteps = opts.defaultScript ?? defaultScript();
    this.stopDelayMs = opts.stopDelayMs ?? 100;
    this.stopFinalStatus = opts.stopFinalStatus ?? 'Stopped';
  }

  /**
   * Registers a script for jobs created from now on. With `name` (exact string or RegExp) it
   * applies only to jobs whose TrainingJobName matches; with `once` it is used by one job only.
   * The most recently registered matching script wins.
   */
  script(steps: Script, options: { name?: string | RegExp; once?: boolean } = {}): void {
    this.registrations.push({ steps: cloneSteps(steps), once: options.once ?? false, ...(options.name !== undefined ? { name: options.name } : {}) });
  }

  /** Replaces the script used by jobs no registration matches. */
  setDefaultScript(steps: Script): void {
    this.defaultSteps = cloneSteps(steps);
  }

  /** Creates a job (the server calls this after validation; tests may call it directly). */
  create(spec: Record<string, unknown>, options: { script?: Script } = {}): Job {
    const now = this.opts.clock.now();
    const name = typeof spec['TrainingJobName'] === 'string' ? spec['TrainingJobName'] : '';
    const workspaceId = typeof spec['WorkspaceId'] === 'string' ? spec['WorkspaceId'] : '';
    const script = options.script ?? this.pickScript(name, this.opts.executor !== undefined);
    const job: Job = {
      id: newJobId(),
      name,
      workspaceId,
      spec: structuredClone(spec),
      createdAt: now,
      modifiedAt: now,
      status: 'Creating',
      transitions: [{ status: 'Creating', startTime: now }],
      instances: [],
      logs: [],
      events: [],
      polls: 0,
      pollTimes: [],
      pending: cloneSteps(script ?? []),
      lastStepTime: now,
    };
    this.addEvent(job, now, `TrainingJob ${job.id} created, status Creating`);
    this.jobs.set(job.id, job);
    this.advance(job);
    if (script === undefined) this.opts.executor?.start(job);
    return job;
  }

  /** The registered script for a job name; the default script, or undefined (executed) when nothing matches. */
  private pickScript(name: string, executed = false): Script | undefined {
    for (let i = this.registrations.length - 1; i >= 0; i--) {
      const r = this.registrations[i];
      if (!r) continue;
      const matches = r.name === undefined || (typeof r.name === 'string' ? r.name === name : r.name.test(name));
      if (!matches) continue;
      if (r.once) this.registrations.splice(i, 1);
      return r.steps;
    }
    return executed ? undefined : this.defaultSteps;
  }

  /** The job with its due steps applied, or undefined. */
  get(id: string): Job | undefined {
    const job = this.jobs.get(id);
    if (job) this.advance(job);
    return job;
  }

  /** Like get(), but throws for an unknown id (for tests). */
  must(id: string): Job {
    const job = this.get(id);
    if (!job) throw new Error(`emulator: no training job ${id}`);
    return job;
  }

  /** Counts one GetTrainingJob answer (atPoll steps depend on it), then advances the job. */
  poll(id: string): Job | undefined {
    const job = this.jobs.get(id);
    if (!job) return undefined;
    job.polls++;
    job.pollTimes.push(this.opts.clock.now());
    this.advance(job);
    // This answer shows the job ended: from now on, log reads count towards afterEndLogReads steps.
    if (job.logReadsAfterEndSeen === undefined && (TERMINAL_STATUSES.has(job.status) || RESERVING_STATUSES.has(job.status))) job.logReadsAfterEndSeen = 0;
    return job;
  }

  /** Counts one ListTrainingJobLogs answer for the job (afterEndLogReads steps depend on it). */
  logRead(job: Job): void {
    if (job.logReadsAfterEndSeen !== undefined) job.logReadsAfterEndSeen++;
  }

  all(): Job[] {
    const list = [...this.jobs.values()];
    for (const j of list) this.advance(j);
    return list;
  }

  byName(name: string): Job[] {
    return this.all().filter((j) => j.name === name);
  }

  clear(): void {
    this.jobs.clear();
    this.registrations.length = 0;
  }

  /** Applies a step to a job right now (tests push status, instances and log lines this way). */
  push(id: string, step: Omit<ScriptStep, 'at' | 'atPoll'>): Job {
    const job = this.must(id);
    this.apply(job, step, Math.max(this.opts.clock.now(), job.lastStepTime));
    return job;
  }

  /** Emits log lines for one instance now. */
  log(id: string, instance: string, ...lines: string[]): Job {
    return this.push(id, { logs: { [instance]: lines } });
  }

  setStatus(id: string, status: string, reason?: { code?: string; message?: string }): Job {
    return this.push(id, {
      status,
      ...(reason?.code !== undefined ? { reasonCode: reason.code } : {}),
      ...(reason?.message !== undefined ? { reasonMessage: reason.message } : {}),
    });
  }

  /**
   * StopTrainingJob: Stopping now, the final status stopDelayMs later; the rest of the script
   * is dropped. A job already finished or stopping is left as it is.
   */
  stop(id: string): Job | undefined {
    const job = this.get(id);
    if (!job) return undefined;
    if (TERMINAL_STATUSES.has(job.status) || job.status === 'Stopping') return job;
    const now = Math.max(this.opts.clock.now(), job.lastStepTime);
    const reserved = RESERVING_STATUSES.get(job.status);
    if (reserved !== undefined) {
      // Stopping a reserving job releases its instances: its outcome is already known.
      job.pending = [];
      this.apply(job, { status: reserved }, now);
      return job;
    }
    this.opts.executor?.stop(job);
    job.pending = [];
    this.apply(job, { status: 'Stopping', reasonCode: 'TrainingJobStopping', reasonMessage: 'Training job is being stopped by the user' }, now);
    job.pending = [
      {
        at: now - job.createdAt + this.stopDelayMs,
        status: this.stopFinalStatus,
        reasonCode: 'TrainingJobStopped',
        reasonMessage: 'Training job was stopped by the user',
      },
    ];
    this.advance(job);
    return job;
  }

  /** Applies every step that is due. */
  advance(job: Job): void {
    const now = this.opts.clock.now();
    while (job.pending.length > 0) {
      const step = job.pending[0];
      if (!step) break;
      let due = job.lastStepTime;
      if (step.at !== undefined) {
        const t = job.createdAt + step.at;
        if (t > now) break;
        due = Math.max(due, t);
      }
      if (step.atPoll !== undefined) {
        const pollTime = job.pollTimes[step.atPoll - 1];
        if (pollTime === undefined) break;
        due = Math.max(due, pollTime);
      }
      if (step.afterEndLogReads !== undefined && (job.logReadsAfterEndSeen ?? -1) < step.afterEndLogReads) break;
      job.pending.shift();
      this.apply(job, step, due);
    }
  }

  private apply(job: Job, step: ScriptStep, time: number): void {
    job.lastStepTime = Math.max(job.lastStepTime, time);
    step = this.reserve(job, step, time);
    for (const init of step.instances ?? []) this.ensureInstance(job, init);
    if (step.status !== undefined && step.status !== job.status) {
      const current = job.transitions[job.transitions.length - 1];
      if (current) current.endTime = time;
      job.transitions.push({
        status: step.status,
        startTime: time,
        ...(step.reasonCode !== undefined ? { reasonCode: step.reasonCode } : {}),
        ...(step.reasonMessage !== undefined ? { reasonMessage: step.reasonMessage } : {}),
      });
      job.status = step.status;
      this.addEvent(job, time, `TrainingJob ${job.id} status changed to ${step.status}` + (step.reasonMessage ? `: ${step.reasonMessage}` : ''));
      if (TERMINAL_STATUSES.has(step.status)) {
        const last = job.transitions[job.transitions.length - 1];
        if (last) last.endTime = time;
        if (this.opts.emptyInstancesAfterEnd) job.instancesGone = true;
      }
    }
    if (step.status !== undefined || step.reasonCode !== undefined) {
      if (step.reasonCode !== undefined) job.reasonCode = step.reasonCode;
      else if (step.status !== undefined) delete job.reasonCode;
      if (step.reasonMessage !== undefined) job.reasonMessage = step.reasonMessage;
      else if (step.status !== undefined) delete job.reasonMessage;
    }
    for (const inst of job.instances) if (!inst.explicitStatus) inst.status = instanceStatusFor(job.status);
    for (const [ref, status] of Object.entries(step.instanceStatus ?? {})) {
      const inst = this.ensureInstance(job, ref);
      inst.status = status;
      inst.explicitStatus = true;
    }
    if (step.logs !== undefined) {
      const groups: Array<[string, string[]]> = Array.isArray(step.logs) ? [[job.instances[0]?.name ?? 'worker-0', step.logs]] : Object.entries(step.logs);
      for (const [ref, lines] of groups) {
        const inst = this.ensureInstance(job, ref);
        for (const text of lines) job.logs.push({ seq: ++this.seq, time, instance: inst.name, text });
      }
    }
    for (const text of step.events ?? []) this.addEvent(job, time, text);
    for (const spec of step.event === undefined ? [] : Array.isArray(step.event) ? step.event : [step.event]) this.addEvent(job, time, eventText(job, spec));
    if (step.outputs) this.writeOutputs(job, step.outputs);
    job.modifiedAt = Math.max(job.modifiedAt, time);
  }

  /** A step's `outputs`: each file under its channel's OutputUri (`oss://bucket[.endpoint]/prefix`, a folder). */
  private writeOutputs(job: Job, outputs: NonNullable<ScriptStep['outputs']>): void {
    const channels = (job.spec['OutputChannels'] as Array<Record<string, unknown>> | undefined) ?? [];
    for (const [name, files] of Object.entries(outputs)) {
      const uri = channels.find((c) => c['Name'] === name)?.['OutputUri'];
      const m = typeof uri === 'string' ? /^oss:\/\/([^/.]+)[^/]*\/?(.*)$/i.exec(uri) : null;
      if (!m) throw new Error(`emulator: job ${job.id} has no OSS output channel "${name}" to write to (its OutputChannels: ${JSON.stringify(channels)})`);
      const bucket = m[1]!;
      const prefix = m[2] === '' || m[2]!.endsWith('/') ? m[2]! : `${m[2]}/`;
      for (const [path, data] of Object.entries(files)) {
        if (!this.opts.writeObject) throw new Error('emulator: this job store has no object store to write outputs to');
        this.opts.writeObject(bucket, prefix + path, typeof data === 'string' ? Buffer.from(data) : data);
      }
    }
  }

  /**
   * With the reserving option, a step that ends a job reserved with Settings.JobReservedMinutes ends it in
   * the matching *Reserving status instead, and the terminal status follows that many minutes later.
   */
  private reserve(job: Job, step: ScriptStep, time: number): ScriptStep {
    if (!this.opts.reserving || (step.status !== 'Succeed' && step.status !== 'Failed')) return step;
    // The end of the reservation itself (or a stop that releases it).
    if (RESERVING_STATUSES.has(job.status)) return step;
    const minutes = Number((job.spec['Settings'] as Record<string, unknown> | undefined)?.['JobReservedMinutes']);
    if (!Number.isFinite(minutes) || minutes <= 0) return step;
    const reserving = step.status === 'Succeed' ? 'SucceededReserving' : 'FailedReserving';
    const final = RESERVING_STATUSES.get(reserving) ?? step.status;
    job.pending.unshift({
      at: time - job.createdAt + minutes * 60_000,
      status: final,
      ...(step.reasonCode !== undefined ? { reasonCode: step.reasonCode } : {}),
      ...(step.reasonMessage !== undefined ? { reasonMessage: step.reasonMessage } : {}),
    });
    return { ...step, status: reserving };
  }

  private ensureInstance(job: Job, init: string | InstanceInit): Instance {
    const spec: InstanceInit = typeof init === 'string' ? { name: init } : init;
    const name = spec.name.startsWith(`${job.id}-`) ? spec.name : `${job.id}-${spec.name}`;
    let inst = job.instances.find((i) => i.name === name);
    if (!inst) {
      const role = spec.role ?? /-([A-Za-z]+)-\d+$/.exec(name)?.[1] ?? 'worker';
      inst = { name, role, status: instanceStatusFor(job.status), explicitStatus: false };
      job.instances.push(inst);
    }
    if (spec.status !== undefined) {
      inst.status = spec.status;
      inst.explicitStatus = true;
    }
    return inst;
  }

  private addEvent(job: Job, time: number, text: string): void {
    job.events.push({ seq: ++this.seq, time, text: `${isoSeconds(time)} ${text}` });
  }

  /** Finds an instance by full name or suffix. */
  findInstance(job: Job, ref: string): Instance | undefined {
    return job.instances.find((i) => i.name === ref || i.name === `${job.id}-${ref}`);
  }
}
