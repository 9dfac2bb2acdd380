// The container contract as pure functions: names, quoting, the hyperparameters' JSON.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { contractEnv, envName, hyperparametersFile, pythonJson, shellQuote, userArgs } from '../../src/core/local/index.js';
import { python3Available } from './support.js';

describe('the container contract', () => {
  it('names variables as PAI does: upper case, every char outside [A-Za-z0-9_] an underscore', () => {
    expect(envName('train.learning_rate')).toBe('TRAIN_LEARNING_RATE');
    expect(envName('batch-size')).toBe('BATCH_SIZE');
    expect(envName('lr')).toBe('LR');
    expect(envName('数据')).toBe('__');
  });

  it('quotes words so that sh reads back exactly the value', () => {
    const words = ['plain', '', 'with space', "it's", '$HOME', '`x`', 'a"b', 'new\nline', '--flag=1', 'tab\there'];
    const script = `for w in ${words.map(shellQuote).join(' ')}; do printf '%s\\0' "$w"; done`;
    const out = spawnSync('sh', ['-c', script], { encoding: 'utf8' }).stdout;
    expect(out.split('\0').slice(0, -1)).toEqual(words);
    expect(shellQuote('simple-1.0')).toBe('simple-1.0');
  });

  it('PAI_USER_ARGS is --name value for every hyperparameter, in order, that eval gives back intact', () => {
    const params = { lr: '0.1', msg: "it's a test", empty: '' };
    const args = userArgs(params);
    expect(args).toBe(`--lr 0.1 --msg 'it'"'"'s a test' --empty ''`);
    const out = spawnSync('sh', ['-c', `eval "set -- $PAI_USER_ARGS"; printf '%s\\n' "$@"`], { encoding: 'utf8', env: { PAI_USER_ARGS: args } }).stdout;
    expect(out).toBe("--lr\n0.1\n--msg\nit's a test\n--empty\n\n");
  });

  it.runIf(python3Available())('PAI_HPS and hyperparameters.json are what Python json.dumps writes (values strings, non-ASCII escaped)', () => {
    const params = { lr: '0.1', epochs: '3', name: 'café "x"', 'a.b': 'ü\\n' };
    const py = spawnSync('python3', ['-c', 'import json,sys; print(json.dumps(json.loads(sys.argv[1])), end="")', JSON.stringify(params)], {
      encoding: 'utf8',
    }).stdout;
    expect(pythonJson(params)).toBe(py);
    expect(JSON.parse(hyperparametersFile(params))).toEqual(params);
  });

  it('builds every variable from the paths it is given; folders end in "/", a file input is the file', () => {
    const env = contractEnv(
      { lr: '0.1', 'batch-size': '32' },
      {
        usercode: '/r/usercode',
        config: '/r/input/config',
        inputs: { train: '/r/input/data/train/', test: '/r/input/data/test/test.csv' },
        outputs: { model: '/r/output/model' },
      },
    );
    expect(env).toEqual({
      PAI_CONFIG_DIR: '/r/input/config/',
      PAI_WORKING_DIR: '/r/usercode/',
      PAI_HPS: '{"lr": "0.1", "batch-size": "32"}',
      PAI_HPS_LR: '0.1',
      PAI_HPS_BATCH_SIZE: '32',
      PAI_USER_ARGS: '--lr 0.1 --batch-size 32',
      PAI_INPUT_TRAIN: '/r/input/data/train/',
      PAI_INPUT_TEST: '/r/input/data/test/test.csv',
      PAI_OUTPUT_MODEL: '/r/output/model/',
    });
  });
});
