// Access keys the emulated services know. An entry with a securityToken is an STS key: requests
// signed with it must carry exactly that token, as the real services require.

export interface CredentialEntry {
  secret: string;
  /** Present for STS credentials: the token every request must carry. */
  securityToken?: string;
  /** An STS token that the service reports as expired. */
  expired?: boolean;
}

export type TokenProblem = 'missing' | 'mismatch' | 'unexpected' | 'expired';

export class CredentialStore {
  private readonly keys = new Map<string, CredentialEntry>();

  constructor(initial: Record<string, CredentialEntry>) {
    for (const [id, entry] of Object.entries(initial)) this.keys.set(id, { ...entry });
  }

  get(accessKeyId: string): CredentialEntry | undefined {
    return this.keys.get(accessKeyId);
  }

  set(accessKeyId: string, entry: CredentialEntry): void {
    this.keys.set(accessKeyId, { ...entry });
  }

  delete(accessKeyId: string): void {
    this.keys.delete(accessKeyId);
  }

  /** Compares the token a request carried with what the key requires. */
  checkToken(entry: CredentialEntry, token: string | undefined): TokenProblem | undefined {
    if (entry.securityToken === undefined) return token ? 'unexpected' : undefined;
    if (!token) return 'missing';
    if (token !== entry.securityToken) return 'mismatch';
    if (entry.expired) return 'expired';
    return undefined;
  }
}
