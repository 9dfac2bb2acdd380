/** An error the emulated service answers with: HTTP status, the service's code, a message. */
export class ServiceError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Extra fields for the error body (OSS adds e.g. StringToSign, PAI nothing). */
    readonly details: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}
