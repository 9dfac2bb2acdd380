// A packaged file that is a private key under an unexpected name: the defaults leave out the usual names
// (ignore-rules.ts); this names the others, from bytes the hashing or archiving pass has already read.

/** A PEM private key (PKCS#1, PKCS#8, OpenSSH, EC, encrypted…) begins with this line, after optional blank space. */
const PRIVATE_KEY_START = /^\s*-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/** Whether the first bytes of a file are those of a PEM private key; looks at the first chunk only, already read. */
export function looksLikePrivateKey(firstChunk: Buffer): boolean {
  return PRIVATE_KEY_START.test(firstChunk.subarray(0, 256).toString('latin1'));
}

/** The warning for a packaged file that looks like a private key. */
export function privateKeyWarning(path: string): string {
  return `${path} looks like a private key (it starts with "-----BEGIN ... PRIVATE KEY-----") and goes into the job's code; leave it out with a rule in .paiignore if the job does not need it`;
}
