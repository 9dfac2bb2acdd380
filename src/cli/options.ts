import type { Command } from 'commander';

/** Options every command takes. */
export function addCommonOptions(cmd: Command): Command {
  return cmd
    .option('--json', 'print machine-readable JSON on stdout')
    .option('-q, --quiet', 'print only the essential value on stdout (the job id of run and list, the status of status and stop), no progress; errors still show')
    .option('--no-color', 'no colours (also NO_COLOR=1)')
    .option('--verbose', 'more detail, and the stack of an internal error');
}

/** --raw, on the commands that print a job's log lines (logs, run). */
export function addRawOption(cmd: Command): Command {
  return cmd.option('--raw', "print the job's log lines exactly as the job wrote them, terminal escape sequences included (only for a job you trust)");
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** The job config file and the flags that override its keys (docs/config.md). */
export function addJobOptions(cmd: Command): Command {
  return cmd
    .option('-f, --file <path>', 'the job config (YAML or JSON); default: found by searching from the current folder')
    .option('--image <uri>', 'container image (image_uri)')
    .option('--command <command>', 'command to run, through sh -c (command)')
    .option('--source-dir <dir>', 'code folder to upload, or an oss:// URI (source_dir)')
    .option('--instance-type <type>', 'machine type, such as ecs.c6.large (instance_type)')
    .option('--instance-count <n>', 'number of machines (instance_count)')
    .option('--name <base>', 'base of the job name; the job is named <base>_<YYYYmmdd_HHMMSS> (base_job_name)')
    .option('--max-run-time <duration>', 'longest run: seconds or 90m, 2h30m (max_run_time)')
    .option('--param <key=value>', 'a hyperparameter; repeatable (parameters)', collect)
    .option('--env <KEY=VALUE>', 'an environment variable in the job; repeatable (environments)', collect)
    .option('--input <name=location>', 'an input channel; repeatable (inputs)', collect)
    .option('--output <name=uri>', 'an output channel; repeatable (outputs)', collect)
    .option('--label <key=value>', 'a job label; repeatable (labels)', collect)
    .option('--set <key.path=value>', 'set any config key, such as spot_spec.spot_strategy=SpotAsPriceGo; repeatable', collect);
}

/** Session flags: they win over the environment, the job config and ~/.pai/config.json. */
export function addSessionOptions(cmd: Command): Command {
  return cmd
    .option('--region <id>', 'region, such as cn-hangzhou (else PAI_REGION_ID)')
    .option('--workspace <id>', 'PAI workspace id (else PAI_WORKSPACE_ID)')
    .option('--profile <name>', 'credentials profile in ~/.aliyun/config.json or ~/.alibabacloud/credentials')
    .option('--workspace-endpoint <host|url>', 'AI workspace API endpoint, asked for the default bucket (else PAI_WORKSPACE_ENDPOINT; default aiworkspace.<region>.aliyuncs.com)');
}
