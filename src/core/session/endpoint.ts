/** An API or OSS endpoint: `https://host[:port]`, or `http://` for a private gateway or the emulator. */
export interface Endpoint {
  protocol: 'http' | 'https';
  /** `host` or `host:port`, without a scheme or path. */
  host: string;
}

/**
 * Reads an endpoint given as a host (`pai.cn-hangzhou.aliyuncs.com`) or a URL
 * (`http://127.0.0.1:8080`). A URL's scheme decides http or https; a bare host is https.
 * Returns an error message instead when the text is neither.
 */
export function parseEndpoint(text: string): Endpoint | string {
  const trimmed = text.trim();
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(trimmed)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (scheme !== 'http' && scheme !== 'https') return `"${text}" is not an http:// or https:// URL`;
    let url: URL;
    try {
      url = new URL(trimmed);
    } catch {
      return `"${text}" is not a valid URL`;
    }
    if (url.pathname !== '/' && url.pathname !== '') return `"${text}" has a path; give only the scheme, host and port`;
    return { protocol: scheme, host: url.host };
  }
  if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(trimmed) || trimmed === '') return `"${text}" is not a host name or URL`;
  return { protocol: 'https', host: trimmed.toLowerCase() };
}

export function endpointUrl(e: Endpoint): string {
  return `${e.protocol}://${e.host}`;
}
