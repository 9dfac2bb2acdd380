/** The storage URI schemes PAI accepts for channels, as the SDK recognises them. */
export const CHANNEL_SCHEMES = ['oss', 'nas', 'cpfs', 'bmcpfs', 'odps'] as const;
export type ChannelScheme = (typeof CHANNEL_SCHEMES)[number];

export type LocationKind = { kind: 'uri'; scheme: ChannelScheme } | { kind: 'unsupported-uri'; scheme: string } | { kind: 'path' };

/** Tells a storage URI from a local path. Anything with `scheme://` is a URI; the rest is a path. */
export function classifyLocation(text: string): LocationKind {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text);
  if (!m) return { kind: 'path' };
  const scheme = m[1]!.toLowerCase();
  return (CHANNEL_SCHEMES as readonly string[]).includes(scheme) ? { kind: 'uri', scheme: scheme as ChannelScheme } : { kind: 'unsupported-uri', scheme };
}

export interface OssUri {
  bucket: string;
  /** The endpoint host carried in `oss://bucket.endpoint/key`, if any. */
  endpoint: string | undefined;
  key: string;
}

/**
 * `oss://bucket/key` or `oss://bucket.endpoint/key`, as the SDK's OssUriObj reads them: a host with a dot
 * is split at its first dot into bucket and endpoint.
 */
export function parseOssUri(uri: string): OssUri | undefined {
  const m = /^oss:\/\/([^/?#]+)(?:\/([^?#]*))?$/i.exec(uri);
  if (!m) return undefined;
  const host = m[1]!.toLowerCase();
  const dot = host.indexOf('.');
  const bucket = dot === -1 ? host : host.slice(0, dot);
  const endpoint = dot === -1 ? undefined : host.slice(dot + 1);
  // Shape only: the service judges the name itself (the SDK's own examples use one-letter buckets).
  if (!/^[a-z0-9][a-z0-9-]*$/.test(bucket)) return undefined;
  return { bucket, endpoint, key: m[2] ?? '' };
}

/** What is wrong with a channel URI, or undefined when PAI would accept its shape. */
export function checkChannelUri(uri: string, scheme: ChannelScheme): string | undefined {
  switch (scheme) {
    case 'oss':
      return parseOssUri(uri) ? undefined : `"${uri}" is not an OSS URI: write oss://<bucket>/<path> or oss://<bucket>.<endpoint>/<path>`;
    case 'odps':
      return /^odps:\/\/[^/]+\/tables\/[^/]+/.test(uri) ? undefined : `"${uri}" is not a MaxCompute table URI: write odps://<project>/tables/<table>`;
    default:
      return /^[a-z]+:\/\/[^/]+/i.test(uri) ? undefined : `"${uri}" names no file system: write ${scheme}://<file system id>.<region>/<path>`;
  }
}

/** The SDK's as_oss_dir_uri: output URIs always end in "/". */
export function asDirUri(uri: string): string {
  return uri.endsWith('/') ? uri : `${uri}/`;
}
