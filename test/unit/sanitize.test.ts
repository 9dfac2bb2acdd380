import { describe, expect, it } from 'vitest';
import { createIO } from '../../src/ui/io.js';
import { resultEvent } from '../../src/core/events.js';
import { jobSummary } from '../../src/ui/github-actions.js';
import { terminalSafe, visible, visibleDeep, visibleLines } from '../../src/ui/sanitize.js';

describe('making controls visible', () => {
  it('every C0 control but the tab, DEL and every C1 control: a Control Picture, or \\xHH for C1', () => {
    expect(visible('a\u001b]0;t\u0007b')).toBe('a␛]0;t␇b');
    expect(visible('x\ry\nz\u0000\u007f')).toBe('x␍y␊z␀␡');
    expect(visible('\u009b2J \u0085 \u0080')).toBe('\\x9b2J \\x85 \\x80');
    expect(visible('tab\tkept, é ✓ 中 unchanged')).toBe('tab\tkept, é ✓ 中 unchanged');
    for (let c = 0; c < 0xa0; c++) {
      const shown = visible(String.fromCharCode(c));
      const control = c < 0x20 || (c >= 0x7f && c <= 0x9f);
      if (control && c !== 0x09) expect(shown, `U+${c.toString(16)}`).not.toBe(String.fromCharCode(c));
      else expect(shown).toBe(String.fromCharCode(c));
    }
  });

  it('several lines: newlines kept, a CR that ends a line dropped, a lone CR shown', () => {
    expect(visibleLines('one\r\ntwo\r')).toBe('one\ntwo');
    expect(visibleLines('10%\r20%\r30%')).toBe('10%␍20%␍30%');
    expect(visibleLines('\u001b[2Jx\ny')).toBe('␛[2Jx\ny');
  });

  it('every string of a value from outside, at any depth', () => {
    const job = { id: 'train1', name: 'n\u001b]0;x\u0007', duration: 3, instances: [{ name: 'w\r0', status: undefined }], labels: { k: '\u009b' } };
    expect(visibleDeep(job)).toEqual({ id: 'train1', name: 'n␛]0;x␇', duration: 3, instances: [{ name: 'w␍0', status: undefined }], labels: { k: '\\x9b' } });
    expect(job.name).toBe('n\u001b]0;x\u0007');
  });

  it('the IO lets only newlines, tabs and colour codes through out and err; outExact writes as it is, masked', () => {
    let out = '';
    let err = '';
    const io = createIO({
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: (t: string) => (err += t) },
      env: {},
      colorFlag: true,
      verbose: false,
    });
    io.addSecret('s3cr3t-value');
    io.out('\u001b[32mgreen\u001b[39m\t\u001b]52;c;x\u0007 \u001b[2J s3cr3t-value\n');
    io.err('\r\u009b1m\n');
    io.outExact('\u001b]0;raw\u0007 s3cr3t-value\n');
    expect(out).toBe('\u001b[32mgreen\u001b[39m\t␛]52;c;x␇ ␛[2J ****\n\u001b]0;raw\u0007 ****\n');
    expect(err).toBe('␍\\x9b1m\n');
    expect(terminalSafe('\u001b[1;31mok\u001b[0m')).toBe('\u001b[1;31mok\u001b[0m');
    expect(terminalSafe('\u001b[?25l\u001b[1G')).toBe('␛[?25l␛[1G');
  });
});

describe('the step summary', () => {
  const job = {
    id: 'train`x',
    name: '<b>n</b>',
    status: 'Failed<script>',
    reasonCode: 'E',
    reasonMessage: '``a|b``',
    url: 'https://evil.example/a)[x](https://b',
    instances: [],
    outputs: [],
    transitions: [],
    labels: {},
  };
  it('shows values from the service as code spans, never as Markdown, HTML or a link', () => {
    const md = jobSummary(resultEvent(job, 1, 1000, [{ name: 'model', uri: 'oss://b/`m`/' }]));
    expect(md).toContain('| Job | ``train`x`` (`<b>n</b>`) |');
    expect(md).toContain('| Status | ❌ `Failed<script>` |');
    expect(md).toContain('| Reason | ``` E: ``a\\|b`` ``` |');
    expect(md).toContain('| Console | `https://evil.example/a)[x](https://b` |');
    expect(md).toContain('| Output `model` | ``oss://b/`m`/`` |');
    expect(jobSummary(resultEvent({ ...job, status: 'Failed', url: 'https://pai.console.aliyun.com/?regionId=cn-hangzhou#/job/train1' }, 1, 0, []))).toContain(
      '| Console | [open](https://pai.console.aliyun.com/?regionId=cn-hangzhou#/job/train1) |',
    );
  });

  it('masks before it escapes, so an escaped secret cannot slip past the mask', () => {
    const md = jobSummary(resultEvent({ ...job, reasonMessage: 'key a|b-secret' }, 1, 0, []), (t) => t.split('a|b-secret').join('****'));
    expect(md).toContain('key ****');
    expect(md).not.toContain('b-secret');
  });
});

describe('an event from the service', () => {
  it('is one line with its controls made visible', async () => {
    const { eventText } = await import('../../src/ui/render-events.js');
    expect(eventText('pull failed\x1b]52;c;aGk=\x07\nretrying\r')).toBe('pull failed␛]52;c;aGk=␇ retrying');
  });
});
