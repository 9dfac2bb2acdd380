/** `LTAI****Xy9z`: enough to tell keys apart, not enough to use one. */
export function maskAccessKeyId(id: string): string {
  return id.length > 10 ? `${id.slice(0, 4)}****${id.slice(-4)}` : '****';
}
