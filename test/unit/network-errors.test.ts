import { describe, expect, it } from 'vitest';
import { fromPaiError } from '../../src/cloud/errors.js';
import { ApiError } from '../../src/core/errors.js';
import { socketTimeoutMs } from '../../src/cloud/pai/client.js';

/** Errors shaped as httpx (under @alicloud/openapi-client) and Node's net module make them. */
function timeoutError(message: string): Error {
  const e = new Error(message);
  e.name = 'RequestTimeoutError';
  return e;
}
function nodeError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

describe('which network failures may have reached the service', () => {
  it('a "ConnectTimeout" is ambiguous: httpx reports the socket idle timeout so after the request was sent', () => {
    const e = fromPaiError(timeoutError('ConnectTimeout: Connect HTTP://127.0.0.1:1/api/v1/trainingjobs failed.'), 'CreateTrainingJob');
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).ambiguous).toBe(true);
    expect((e as ApiError).retryable).toBe(true);
  });

  it('a read timeout and a reset are ambiguous', () => {
    for (const error of [
      timeoutError('ReadTimeout(30000). POST http://h/api/v1/trainingjobs failed.'),
      nodeError('ECONNRESET', 'socket hang up'),
      nodeError('ETIMEDOUT', 'connect ETIMEDOUT 10.0.0.1:443'),
    ]) {
      expect((fromPaiError(error, 'CreateTrainingJob') as ApiError).ambiguous, error.message).toBe(true);
    }
  });

  it('only failures before any byte is sent are "not sent"', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']) {
      const e = fromPaiError(nodeError(code, `connect ${code} 127.0.0.1:1`), 'CreateTrainingJob') as ApiError;
      expect(e.ambiguous, code).toBe(false);
      expect(e.retryable, code).toBe(true);
      expect(e.message).toContain(code);
    }
  });
});

describe('the socket timeout given to the PAI client', () => {
  it('is never shorter than the read timeout, so a slow answer is cut by the read timeout alone', () => {
    expect(socketTimeoutMs(10_000, 30_000)).toBe(30_000);
    expect(socketTimeoutMs(150, 5_000)).toBe(5_000);
    expect(socketTimeoutMs(40_000, 30_000)).toBe(40_000);
  });
});
